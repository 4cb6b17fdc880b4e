package dev.voxwire.websocket.internal;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.websocket.connect.CloseInfo;
import dev.voxwire.websocket.connect.ConnectSpec;
import dev.voxwire.websocket.connect.WebSocketConnection;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.channels.ClosedChannelException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a client WebSocket pipeline and the {@link WebSocketConnection} it serves.
 * It drives the upgrade once the proxy and TLS are ready, completes or fails the connect
 * promise, then reads frames for the listener and runs the close handshake.
 *
 * <p>All state changes happen on the channel's event loop; {@link #state} is volatile so writers
 * on other threads can fail fast.
 */
public final class NettyWebSocketConnection extends ChannelInboundHandlerAdapter implements WebSocketConnection {
    private static final Logger log = LoggerFactory.getLogger(NettyWebSocketConnection.class);
    private static final int ABNORMAL = 1006;

    enum State { CONNECTING, OPEN, CLOSING, CLOSED }

    private final ConnectSpec spec;
    private final String target;
    private final WebSocketClientHandshaker handshaker;
    private final Listener listener;
    private final CompletableFuture<WebSocketConnection> connectPromise;
    private final CompletableFuture<CloseInfo> closeFuture = new CompletableFuture<>();
    private final Consumer<NettyWebSocketConnection> onEnd;

    private volatile State state = State.CONNECTING;
    private volatile String phase = "TCP connect";
    private @Nullable Channel channel;
    private @Nullable EventLoop loop;
    private @Nullable ScheduledFuture<?> connectTimer;
    private @Nullable ScheduledFuture<?> closeTimer;
    private @Nullable String subprotocol;
    private Map<String, List<String>> responseHeaders = Map.of();
    private int closeCode = ABNORMAL;
    private String closeReason = "";
    private boolean closeFrameReceived;
    private boolean localClose;
    private @Nullable Throwable failure;

    NettyWebSocketConnection(ConnectSpec spec, String target, WebSocketClientHandshaker handshaker, Listener listener,
            CompletableFuture<WebSocketConnection> connectPromise, Consumer<NettyWebSocketConnection> onEnd) {
        this.spec = spec;
        this.target = target;
        this.handshaker = handshaker;
        this.listener = listener;
        this.connectPromise = connectPromise;
        this.onEnd = onEnd;
    }

    // ---- connect phase (event loop) -------------------------------------------------------

    /** The phase the connect is in, for timeout messages. */
    String phase() {
        return phase;
    }

    void attach(EventLoop loop, ScheduledFuture<?> timer) {
        this.loop = loop;
        this.connectTimer = timer;
    }

    /** Whether the connect already ended (succeeded, failed, timed out or was abandoned). */
    boolean connectDone() {
        return state != State.CONNECTING || connectPromise.isDone();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.channel = ctx.channel();
    }

    /** Fails the connect (first failure wins) and closes the channel. */
    void failConnect(VoxwireException e) {
        if (state != State.CONNECTING) {
            return;
        }
        state = State.CLOSED;
        cancelTimers();
        connectPromise.completeExceptionally(e);
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
        closeFuture.complete(new CloseInfo(ABNORMAL, "", false, Optional.of(e)));
        onEnd.accept(this);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ProxyHandler proxy = ctx.pipeline().get(ProxyHandler.class);
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        phase = proxy != null ? "proxy " + proxy.protocol() + " CONNECT" : ssl != null ? "TLS handshake" : "WebSocket upgrade";
        Future<?> proxyReady = proxy != null ? proxy.connectFuture() : ctx.executor().newSucceededFuture(null);
        proxyReady.addListener(pf -> {
            if (!pf.isSuccess()) {
                failConnect(ConnectFailures.failure(target, phase, pf.cause()));
                return;
            }
            if (ssl != null) {
                phase = "TLS handshake";
                ssl.handshakeFuture().addListener(sf -> {
                    if (!sf.isSuccess()) {
                        failConnect(ConnectFailures.failure(target, phase, sf.cause()));
                    } else {
                        startUpgrade(ctx);
                    }
                });
            } else {
                startUpgrade(ctx);
            }
        });
        ctx.fireChannelActive();
    }

    private void startUpgrade(ChannelHandlerContext ctx) {
        if (state != State.CONNECTING) {
            return;
        }
        phase = "WebSocket upgrade";
        handshaker.handshake(ctx.channel()).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                failConnect(ConnectFailures.failure(target, phase, f.cause()));
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof FullHttpResponse response) {
                if (state == State.CONNECTING) {
                    finishUpgrade(ctx, response);
                }
            } else if (msg instanceof WebSocketFrame frame) {
                onFrame(ctx, frame);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void finishUpgrade(ChannelHandlerContext ctx, FullHttpResponse response) {
        if (!response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
            failConnect(ConnectFailures.refused(target, response));
            return;
        }
        try {
            handshaker.finishHandshake(ctx.channel(), response);
        } catch (RuntimeException e) {
            failConnect(ConnectFailures.badUpgrade(target, e));
            return;
        }
        ctx.pipeline().addBefore(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(spec.maxFramePayloadBytes()));
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (String name : response.headers().names()) {
            h.put(name, List.copyOf(response.headers().getAll(name)));
        }
        responseHeaders = Collections.unmodifiableMap(h);
        subprotocol = handshaker.actualSubprotocol();
        cancelTimers();
        state = State.OPEN;
        if (!connectPromise.complete(this)) {
            // the caller gave up (cancelled or timed out) just now
            close(1001, "connect abandoned");
        }
    }

    // ---- open phase (event loop) ----------------------------------------------------------

    private void onFrame(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (state == State.CLOSED) {
            return;
        }
        if (frame instanceof TextWebSocketFrame t) {
            if (state == State.OPEN) {
                String text = t.text();
                call(() -> listener.onText(this, text));
            }
        } else if (frame instanceof BinaryWebSocketFrame b) {
            if (state == State.OPEN) {
                byte[] data = ByteBufUtil.getBytes(b.content());
                call(() -> listener.onBinary(this, data));
            }
        } else if (frame instanceof PingWebSocketFrame p) {
            if (state == State.OPEN) {
                ctx.writeAndFlush(new PongWebSocketFrame(p.content().retain()));
            }
        } else if (frame instanceof PongWebSocketFrame) {
            call(() -> listener.onPong(this));
        } else if (frame instanceof CloseWebSocketFrame c) {
            onCloseFrame(ctx, c);
        }
    }

    private void onCloseFrame(ChannelHandlerContext ctx, CloseWebSocketFrame c) {
        if (closeFrameReceived) {
            return;
        }
        closeFrameReceived = true;
        int code = c.statusCode();
        closeCode = code < 0 ? 1005 : code;
        closeReason = c.reasonText() == null ? "" : c.reasonText();
        if (state == State.OPEN) {
            // the peer started the close: echo its code, then end the TCP connection
            state = State.CLOSING;
            CloseWebSocketFrame echo = code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, "");
            ctx.writeAndFlush(echo).addListener(f -> ctx.close());
            scheduleCut(ctx.channel());
        } else {
            ctx.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        boolean writable = ctx.channel().isWritable();
        if (state == State.OPEN) {
            call(() -> listener.onWritabilityChanged(this, writable));
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (state == State.CONNECTING) {
            failConnect(ConnectFailures.failure(target, phase, cause));
            return;
        }
        if (failure == null) {
            failure = cause;
        }
        log.debug("WebSocket to {} failed: {}", target, cause.toString());
        if (state == State.OPEN) {
            state = State.CLOSING;
            int code = ConnectFailures.find(cause, TooLongFrameException.class) != null ? 1009
                    : ConnectFailures.find(cause, CorruptedFrameException.class) != null ? 1002 : 1011;
            localClose = false;
            closeCode = ABNORMAL;
            ctx.writeAndFlush(new CloseWebSocketFrame(code, "")).addListener(f -> ctx.close());
            scheduleCut(ctx.channel());
        } else {
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state == State.CONNECTING) {
            failConnect(ConnectFailures.closedEarly(target, phase));
            ctx.fireChannelInactive();
            return;
        }
        if (state != State.CLOSED) {
            state = State.CLOSED;
            cancelTimers();
            CloseInfo info = new CloseInfo(closeCode, closeReason, !localClose, Optional.ofNullable(failure));
            call(() -> listener.onClosed(this, info));
            closeFuture.complete(info);
            onEnd.accept(this);
        }
        ctx.fireChannelInactive();
    }

    private void scheduleCut(Channel ch) {
        if (closeTimer == null) {
            closeTimer = ch.eventLoop().schedule(() -> {
                ch.close();
            }, spec.closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void cancelTimers() {
        ScheduledFuture<?> t = connectTimer;
        if (t != null) {
            t.cancel(false);
            connectTimer = null;
        }
        ScheduledFuture<?> c = closeTimer;
        if (c != null) {
            c.cancel(false);
            closeTimer = null;
        }
    }

    private void call(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("WebSocket listener threw (ignored): {}", e.toString(), e);
        }
    }

    // ---- WebSocketConnection (any thread) -------------------------------------------------

    @Override
    public CompletableFuture<Void> sendText(String text) {
        java.util.Objects.requireNonNull(text, "text");
        return write(() -> new TextWebSocketFrame(text));
    }

    @Override
    public CompletableFuture<Void> sendBinary(byte[] data) {
        java.util.Objects.requireNonNull(data, "data");
        byte[] copy = data.clone();
        return write(() -> new BinaryWebSocketFrame(Unpooled.wrappedBuffer(copy)));
    }

    @Override
    public CompletableFuture<Void> ping() {
        return write(() -> new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {'v', 'x'})));
    }

    private CompletableFuture<Void> write(java.util.function.Supplier<WebSocketFrame> frame) {
        Channel ch = channel;
        if (state != State.OPEN || ch == null) {
            return CompletableFuture.failedFuture(closedException());
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        ch.writeAndFlush(frame.get()).addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                done.complete(null);
            } else if (f.cause() instanceof ClosedChannelException || state != State.OPEN) {
                done.completeExceptionally(closedException());
            } else {
                done.completeExceptionally(new VoxwireException(ErrorCode.NETWORK,
                        "write to " + target + " failed: " + ConnectFailures.safeMessage(f.cause()), f.cause()));
            }
        });
        return done;
    }

    private VoxwireException closedException() {
        return new VoxwireException(ErrorCode.CLOSED, "the WebSocket connection to " + target + " is closed");
    }

    @Override
    public boolean isWritable() {
        Channel ch = channel;
        return ch != null && state == State.OPEN && ch.isWritable();
    }

    @Override
    public CompletableFuture<Void> close(int code, String reason) {
        java.util.Objects.requireNonNull(reason, "reason");
        onLoop(() -> closeOnLoop(code, reason));
        return closeFuture.thenApply(i -> null);
    }

    private void onLoop(Runnable r) {
        EventLoop l = loop;
        if (l == null) {
            r.run();
        } else if (l.inEventLoop()) {
            r.run();
        } else {
            try {
                l.execute(r);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                r.run();
            }
        }
    }

    private void closeOnLoop(int code, String reason) {
        if (state == State.CONNECTING) {
            failConnect(new VoxwireException(ErrorCode.CLOSED, "connect to " + target + " abandoned: closed"));
            return;
        }
        Channel ch = channel;
        if (state != State.OPEN || ch == null) {
            return;
        }
        state = State.CLOSING;
        localClose = true;
        closeCode = code;
        closeReason = reason;
        CloseWebSocketFrame frame;
        try {
            frame = new CloseWebSocketFrame(code, reason);
        } catch (IllegalArgumentException e) {
            frame = new CloseWebSocketFrame(1000, "");
        }
        ch.writeAndFlush(frame).addListener(f -> {
            if (!f.isSuccess()) {
                ch.close();
            }
        });
        scheduleCut(ch);
    }

    /** Closes without a close handshake (connector shutdown). */
    void abort() {
        onLoop(() -> {
            Channel ch = channel;
            if (state == State.CONNECTING) {
                failConnect(new VoxwireException(ErrorCode.CLOSED, "connect to " + target + " abandoned"));
            } else if (ch != null) {
                localClose = true;
                ch.close();
            }
        });
    }

    @Override
    public CompletableFuture<CloseInfo> closeFuture() {
        return closeFuture;
    }

    @Override
    public Optional<String> subprotocol() {
        return Optional.ofNullable(subprotocol == null || subprotocol.isEmpty() ? null : subprotocol);
    }

    @Override
    public Map<String, List<String>> handshakeResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public String toString() {
        return "WebSocketConnection{" + target + ", " + state + "}";
    }

}
