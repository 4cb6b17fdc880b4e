package dev.voxwire.sse.internal;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Keep-alive HTTP/1.1 connections for {@code POST}s to one server, all on one event loop: an
 * exchange takes an idle connection (or opens one), and a connection whose response allows
 * keep-alive goes back to the idle list. Idle connections are closed after {@code idleTimeout}
 * (before the server's own idle timeout would). Confined to its event loop: call every method but {@link #opened()} on it.
 */
public final class PostPool {
    private static final int MAX_RESPONSE_BYTES = 1024 * 1024;

    /** A finished exchange: status, body (copied) and headers. */
    public record Response(int status, byte[] body, HttpHeaders headers) {
    }

    private final EventLoop loop;
    private final SseEndpoints endpoints;
    private final ClientNetworking net;
    private final ChannelGroup channels;
    private final Duration idleTimeout;
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    private volatile long opened;
    private boolean closed;

    /** A pool; every channel it opens is added to {@code channels} (so the owner can close them all). */
    public PostPool(EventLoop loop, SseEndpoints endpoints, ClientNetworking net, ChannelGroup channels,
            Duration idleTimeout) {
        this.loop = requireNonNull(loop, "loop");
        this.endpoints = requireNonNull(endpoints, "endpoints");
        this.net = requireNonNull(net, "net");
        this.channels = requireNonNull(channels, "channels");
        this.idleTimeout = requireNonNull(idleTimeout, "idleTimeout");
    }

    /** Connections opened since creation. */
    public long opened() {
        return opened;
    }

    /** Idle connections now. */
    public int idleCount() {
        return idle.size();
    }

    /**
     * POSTs {@code body} to {@code endpoint} with {@code headers}. The future completes with the
     * response, or fails with a {@link VoxwireException} (NETWORK, CONNECTION_TIMEOUT, ...).
     * {@code written} completes once the request has been fully written (it stays incomplete
     * if the request never left).
     */
    public CompletableFuture<Response> post(String endpoint, Map<String, String> headers, byte[] body,
            CompletableFuture<Void> written) {
        return exchange(HttpMethod.POST, endpoint, headers, body, written);
    }

    /** Sends a {@code DELETE} to {@code endpoint} (no body); otherwise as {@link #post}. */
    public CompletableFuture<Response> delete(String endpoint, Map<String, String> headers) {
        return exchange(HttpMethod.DELETE, endpoint, headers, new byte[0], new CompletableFuture<>());
    }

    private CompletableFuture<Response> exchange(HttpMethod method, String endpoint, Map<String, String> headers,
            byte[] body, CompletableFuture<Void> written) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new VoxwireException(ErrorCode.CLOSED, "transport closed"));
            return result;
        }
        Channel ch;
        while ((ch = idle.pollLast()) != null) {
            if (ch.isActive()) {
                exchange(ch, method, endpoint, headers, body, written, result);
                return result;
            }
        }
        connect().addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(HttpFailures.io(method + " " + endpoints.target(endpoint), f.cause()));
                return;
            }
            exchange(f.channel(), method, endpoint, headers, body, written, result);
        });
        return result;
    }

    private ChannelFuture connect() {
        opened = opened + 1; // event loop only; volatile for readers elsewhere
        Bootstrap b = net.bootstrap(loop, endpoints.host(), endpoints.port(), endpoints.tls(), p -> {
            p.addLast("idle", new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS));
            p.addLast("http", new HttpClientCodec());
            p.addLast("aggregator", new HttpObjectAggregator(MAX_RESPONSE_BYTES));
            p.addLast("exchange", new ExchangeHandler());
        });
        ChannelFuture f = b.connect(net.connectAddress(endpoints.host(), endpoints.port()));
        channels.add(f.channel());
        return f;
    }

    private void exchange(Channel ch, HttpMethod method, String endpoint, Map<String, String> headers, byte[] body,
            CompletableFuture<Void> written, CompletableFuture<Response> result) {
        if (closed) {
            ch.close();
            result.completeExceptionally(new VoxwireException(ErrorCode.CLOSED, "transport closed"));
            return;
        }
        ExchangeHandler h = ch.pipeline().get(ExchangeHandler.class);
        if (h == null) {
            result.completeExceptionally(new VoxwireException(ErrorCode.NETWORK, "connection closed"));
            return;
        }
        String where = method + " " + endpoints.target(endpoint);
        CompletableFuture<Response> exchange = new CompletableFuture<>();
        h.start(where, exchange);
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method,
                endpoints.target(endpoint), Unpooled.wrappedBuffer(body));
        req.headers().set(HttpHeaderNames.HOST, endpoints.hostHeader());
        req.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        req.headers().set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON);
        headers.forEach((k, v) -> req.headers().set(k, v));
        HttpUtil.setContentLength(req, body.length);
        HttpUtil.setKeepAlive(req, true);
        ch.writeAndFlush(req).addListener(f -> {
            if (f.isSuccess()) {
                written.complete(null);
            } else {
                h.fail(HttpFailures.io(where, f.cause()));
                ch.close();
            }
        });
        exchange.whenComplete((r, e) -> {
            // back to the pool first, so that whatever the caller does next can reuse it
            if (e == null && !r.headers().contains(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)
                    && ch.isActive() && !closed) {
                idle.addLast(ch);
            } else {
                ch.close();
            }
            if (e == null) {
                result.complete(r);
            } else {
                result.completeExceptionally(e);
            }
        });
    }

    /** Closes the idle connections and refuses new exchanges; the owner closes the channel group. */
    public void close() {
        closed = true;
        Channel ch;
        while ((ch = idle.pollFirst()) != null) {
            ch.close();
        }
    }

    /** One exchange at a time per connection. */
    private final class ExchangeHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        private @Nullable CompletableFuture<Response> current;
        private String where = "POST";

        void start(String where, CompletableFuture<Response> f) {
            this.where = where;
            this.current = f;
        }

        void fail(VoxwireException e) {
            CompletableFuture<Response> f = current;
            current = null;
            if (f != null) {
                f.completeExceptionally(e);
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
            CompletableFuture<Response> f = current;
            current = null;
            if (f == null) {
                ctx.close(); // an answer nobody asked for
                return;
            }
            byte[] body = new byte[msg.content().readableBytes()];
            msg.content().getBytes(msg.content().readerIndex(), body);
            f.complete(new Response(msg.status().code(), body, msg.headers().copy()));
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                idle.remove(ctx.channel());
                fail(new VoxwireException(ErrorCode.CONNECTION_TIMEOUT, where + ": no answer within " + idleTimeout));
                ctx.close();
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(HttpFailures.io(where, cause));
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            idle.remove(ctx.channel());
            fail(new VoxwireException(ErrorCode.NETWORK, where + ": connection closed before the answer"));
            ctx.fireChannelInactive();
        }
    }
}
