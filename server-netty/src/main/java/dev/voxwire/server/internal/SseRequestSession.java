package dev.voxwire.server.internal;

import dev.voxwire.core.protocol.Envelope;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.Set;

/**
 * The session behind one {@code POST /sse/...} request: its response stream carries exactly the
 * events of that request, and ends after its final event. Not registered in the connection manager.
 */
final class SseRequestSession extends AbstractSession {
    private final Channel channel;

    SseRequestSession(ServerRuntime rt, Channel channel, String sessionId, String userId, String endpoint,
            Set<String> servedTypes) {
        super(rt, sessionId, userId, null, endpoint, servedTypes, channel.eventLoop());
        this.channel = channel;
        channel.closeFuture().addListener(f -> closed("stream closed"));
    }

    @Override
    boolean managed() {
        return false;
    }

    @Override
    public String transport() {
        return "sse";
    }

    @Override
    protected Channel channel() {
        return channel;
    }

    @Override
    protected void write(Channel ch, Envelope stamped) {
        ch.write(SseFrames.event(ch.alloc(), stamped, rt.codec().encode(stamped)));
    }

    @Override
    protected void writeEnd(int code, String reason) {
        if (channel.isActive()) {
            channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    void sendError(dev.voxwire.core.ErrorCode code, String message, @org.jspecify.annotations.Nullable String requestId) {
        super.sendError(code, message, requestId);
        if (inFlight() == 0) {
            end(1000, "request refused");
        }
    }

    @Override
    protected void afterRequestEnded(RequestContextImpl ctx) {
        end(1000, "request ended");
    }

    @Override
    public void goAway() {
        // A one-request stream just finishes its request (or is cut at the drain deadline).
        if (inFlight() == 0) {
            end(1001, "server shutting down");
        }
    }
}
