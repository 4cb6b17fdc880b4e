package dev.voxwire.server.internal;

import dev.voxwire.core.protocol.Envelope;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** A WebSocket connection's session. */
final class WsSession extends AbstractSession {
    private final Channel channel;
    private @Nullable ScheduledFuture<?> pinger;
    private boolean closeSent;

    WsSession(ServerRuntime rt, Channel channel, String sessionId, String userId, @Nullable String clientId,
            String endpoint, @Nullable Set<String> servedTypes) {
        super(rt, sessionId, userId, clientId, endpoint, servedTypes, channel.eventLoop());
        this.channel = channel;
    }

    @Override
    public String transport() {
        return "websocket";
    }

    @Override
    protected long resumeWindowMs() {
        return 0; // WebSocket sessions are not resumable yet (the rooms issue adds it)
    }

    /** After the handshake (event loop): the first event, the ping timer, the close hook. */
    void start() {
        send(connectedEvent());
        long every = rt.config().pingInterval().toMillis();
        pinger = loop.scheduleAtFixedRate(() -> {
            if (channel.isActive() && channel.isWritable()) {
                channel.writeAndFlush(new PingWebSocketFrame());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> closed("connection closed"));
    }

    @Override
    protected Channel channel() {
        return channel;
    }

    @Override
    protected void write(Channel ch, Envelope stamped) {
        ch.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(rt.codec().encode(stamped))));
    }

    @Override
    protected void writeEnd(int code, String reason) {
        closeWith(code, reason);
    }

    /** Sends a close frame, closes once it is written or after the close timeout. */
    void closeWith(int code, String reason) {
        if (closeSent) {
            return;
        }
        closeSent = true;
        if (!channel.isActive()) {
            channel.close();
            return;
        }
        channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        ScheduledFuture<?> cut = loop.schedule(() -> {
            channel.close();
        }, rt.config().closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> cut.cancel(false));
    }

    @Override
    protected void onClosed() {
        ScheduledFuture<?> p = pinger;
        if (p != null) {
            p.cancel(false);
        }
        channel.close();
    }
}
