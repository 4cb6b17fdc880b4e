package dev.voxwire.testkit;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.protocol.Envelope;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** A WebSocket session of a {@link ScriptedVoxwireServer}: JSON text frames both ways. */
final class ScriptedConnection extends ScriptedSession {
    /** How long a close waits for the client's close frame before cutting the TCP connection. */
    private static final long CLOSE_WAIT_MS = 1000;

    private final WebSocketServerHandshaker handshaker;
    private final FrameHandler handler = new FrameHandler();

    ScriptedConnection(ScriptedVoxwireServer server, Channel channel, WebSocketServerHandshaker handshaker, int index,
            String path, @Nullable String clientId) {
        super(server, channel, index, path, clientId);
        this.handshaker = handshaker;
    }

    /** The pipeline handler of this connection's frames. */
    SimpleChannelInboundHandler<WebSocketFrame> handler() {
        return handler;
    }

    @Override
    Object eventFrame(Envelope event, String json) {
        return new TextWebSocketFrame(json);
    }

    @Override
    Object rawFrame(String text) {
        return new TextWebSocketFrame(text);
    }

    @Override
    void closeGracefully(int code, String reason) {
        channel.writeAndFlush(new CloseWebSocketFrame(code, reason));
        ScheduledFuture<?> cut = channel.eventLoop().schedule(() -> {
            channel.close();
        }, CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> cut.cancel(false));
    }

    private final class FrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof CloseWebSocketFrame close) {
                if (closing) {
                    channel.close();
                } else {
                    closing = true;
                    handshaker.close(channel, close.retain()); // echoes the close frame, then closes
                }
            } else if (frame instanceof PingWebSocketFrame ping) {
                write(new PongWebSocketFrame(ping.content().retain()));
            } else if (frame instanceof TextWebSocketFrame text) {
                onText(text.text());
            } else if (frame instanceof BinaryWebSocketFrame binary) {
                byte[] data = ByteBufUtil.getBytes(binary.content());
                String id = server.assignId();
                server.recordRequest(new RecordedRequest(server.nextRequestSequence(), index, path, null, data, null, id));
                sendError(ErrorCode.INVALID_PAYLOAD, "binary frames are not supported", null, Duration.ZERO);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            releaseHeld();
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            releaseHeld();
            ctx.close();
        }
    }
}
