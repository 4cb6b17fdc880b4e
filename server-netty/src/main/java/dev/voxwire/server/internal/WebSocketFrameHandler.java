package dev.voxwire.server.internal;

import dev.voxwire.core.ErrorCode;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads a WebSocket's frames (after {@code WebSocketFrameAggregator}) into its session. */
final class WebSocketFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger log = LoggerFactory.getLogger(WebSocketFrameHandler.class);

    private volatile WsSession session;
    /** Messages read while a resume is being decided (channel loop only); null when not holding. */
    private java.util.@org.jspecify.annotations.Nullable List<Message> held;
    private final int maxMessageBytes;

    WebSocketFrameHandler(WsSession session, int maxMessageBytes) {
        this.session = session;
        this.maxMessageBytes = maxMessageBytes;
    }

    /** One message read from the connection: JSON text, or a binary frame ({@code BinaryFrames}). */
    private record Message(byte[] bytes, boolean binary) {
    }

    /** Holds incoming messages until {@link #switchTo} or {@link #release} (channel loop). */
    void hold() {
        if (held == null) {
            held = new java.util.ArrayList<>();
        }
    }

    /** Hands the connection to a resumed session, with the messages held meanwhile (channel loop). */
    void switchTo(WsSession target) {
        session = target;
        release();
    }

    /** Stops holding: the held messages go to the current session, in order (channel loop). */
    void release() {
        java.util.List<Message> h = held;
        held = null;
        if (h != null) {
            for (Message m : h) {
                session.read(m.bytes(), m.binary());
            }
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
            boolean binary = frame instanceof BinaryWebSocketFrame;
            int n = frame.content().readableBytes();
            if (n > maxMessageBytes) {
                session.runtime().metrics().messageIn("invalid");
                session.sendError(ErrorCode.PAYLOAD_TOO_LARGE,
                        "message is " + n + " bytes (limit: " + maxMessageBytes + ")", null);
                return;
            }
            byte[] bytes = ByteBufUtil.getBytes(frame.content());
            if (held != null) {
                held.add(new Message(bytes, binary));
                return;
            }
            session.read(bytes, binary);
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame close) {
            int code = close.statusCode() < 0 ? ErrorCode.CloseCodes.NORMAL_CLOSURE : close.statusCode();
            if (code == ErrorCode.CloseCodes.NORMAL_CLOSURE) {
                session.endedByClient(); // a deliberate close: the session is not kept for resume
            }
            ctx.writeAndFlush(new CloseWebSocketFrame(code, "")).addListener(ChannelFutureListener.CLOSE);
        }
        // Pong frames: reading them is enough (they reset the idle timer).
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            LogFields.optional(log.atInfo().setMessage("closing idle connection").addKeyValue("event", "connection.idle")
                    .addKeyValue("userId", session.userId()), "clientId", session.clientId().orElse(null)).log();
            session.closeWith(ErrorCode.CloseCodes.GOING_AWAY, "idle timeout");
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            session.writable();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            session.runtime().metrics().error(ErrorCode.PAYLOAD_TOO_LARGE);
            session.closeWith(ErrorCode.CloseCodes.MESSAGE_TOO_BIG, "message too big");
        } else if (cause instanceof CorruptedWebSocketFrameException e) {
            session.runtime().metrics().error(ErrorCode.PROTOCOL);
            int code = e.closeStatus() == null ? ErrorCode.CloseCodes.PROTOCOL_ERROR : e.closeStatus().code();
            session.closeWith(code, e.closeStatus() == null ? "protocol error" : e.closeStatus().reasonText());
            log.atDebug().setMessage("protocol violation").addKeyValue("event", "connection.protocol-error")
                    .addKeyValue("userId", session.userId())
                    .addKeyValue("metadata", Map.of("reason", String.valueOf(cause.getMessage()))).log();
        } else {
            log.atDebug().setMessage("connection error").addKeyValue("event", "connection.error")
                    .addKeyValue("userId", session.userId()).setCause(cause).log();
            ctx.close();
        }
    }
}
