package dev.voxwire.sse.internal;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.protocol.EventTypes;
import dev.voxwire.core.transport.Link;
import dev.voxwire.core.transport.LinkListener;
import dev.voxwire.core.transport.LinkOpenRequest;
import dev.voxwire.core.transport.LinkOpener;
import dev.voxwire.sse.SseParser;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The SSE {@link LinkOpener} for core's {@link dev.voxwire.core.transport.TransportEngine}: each
 * {@link #open} sends one {@code GET /sse/events} ({@code Authorization: Bearer} with the token of
 * the attempt; on a resume {@code X-Voxwire-Session} and {@code Last-Event-ID}) and completes with
 * an {@link SseLink} once the stream is open: on {@code system:connected}, or at once when the
 * server answers with the session that was asked to be resumed. Links write with
 * {@code POST /sse/send} over the opener's keep-alive {@link PostPool}, which outlives the links
 * (so reconnects keep reusing its connections), and {@code system:ping} POSTs as heartbeats.
 *
 * <p>Everything runs on one event loop; every channel it opens is in one group, closed by
 * {@link #shutdown()} when the transport is done.
 */
public final class SseLinkOpener implements LinkOpener {
    /** Header carrying the SSE session id. */
    public static final String SESSION_HEADER = "X-Voxwire-Session";

    final TransportConfig config;
    final EventLoop loop;
    final SseEndpoints endpoints;
    final EnvelopeCodec decoder;
    final int maxConcurrentPosts;
    final Duration endSessionTimeout;
    final PostPool pool;
    private final ClientNetworking net;
    private final SseParser.Builder parser;
    private final ChannelGroup channels;
    private final String pingPrefix;
    private final AtomicLong pings = new AtomicLong();
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    private final CompletableFuture<Void> shutdown = new CompletableFuture<>();
    private volatile boolean closed;

    /**
     * An opener for {@code config} on {@code loop}.
     *
     * @param maxLineBytes the longest SSE line (and event, and decoded envelope) accepted
     * @param maxConcurrentPosts how many request POSTs a link has in flight before it stops being writable
     * @param poolIdleTimeout how long an idle keep-alive POST connection is kept
     * @param endSessionTimeout how long a {@code CLIENT_CLOSED} close waits for {@code DELETE /sse/events}
     */
    public SseLinkOpener(TransportConfig config, EventLoop loop, int maxLineBytes, int maxConcurrentPosts,
            Duration poolIdleTimeout, Duration endSessionTimeout) {
        this.config = requireNonNull(config, "config");
        this.loop = requireNonNull(loop, "loop");
        this.endpoints = SseEndpoints.of(config.uri());
        this.net = ClientNetworking.of(config.tls(), config.proxy(), config.connectTimeout());
        this.parser = SseParser.builder().maxLineBytes(maxLineBytes).maxEventBytes(maxLineBytes);
        this.decoder = EnvelopeCodec.builder().types(EventTypes.builder().build()).allowUnknownTypes(true)
                .maxBytes(maxLineBytes).build();
        this.maxConcurrentPosts = maxConcurrentPosts;
        this.endSessionTimeout = requireNonNull(endSessionTimeout, "endSessionTimeout");
        this.channels = new DefaultChannelGroup("voxwire-sse", loop);
        this.pool = new PostPool(loop, endpoints, net, channels, poolIdleTimeout);
        this.pingPrefix = "ssehb" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 28, 36) + "-";
    }

    /** The server's SSE endpoints. */
    public SseEndpoints endpoints() {
        return endpoints;
    }

    /** POST connections opened so far (the keep-alive pool reuses them). */
    public long postConnectionsOpened() {
        return pool.opened();
    }

    @Override
    public CompletionStage<Link> open(LinkOpenRequest request, LinkListener listener) {
        requireNonNull(request, "request");
        requireNonNull(listener, "listener");
        CompletableFuture<Link> stage = new CompletableFuture<>();
        onLoop(() -> openOnLoop(request, listener, stage), stage);
        return stage;
    }

    private void openOnLoop(LinkOpenRequest request, LinkListener listener, CompletableFuture<Link> stage) {
        if (stage.isDone()) {
            return; // cancelled before it started
        }
        if (closed) {
            stage.completeExceptionally(new VoxwireException(ErrorCode.CLOSED, "the SSE transport is closed"));
            return;
        }
        String target = endpoints.target(SseEndpoints.EVENTS);
        String where = "GET " + target;
        LinkOpenRequest.ResumePoint from = request.resumeFrom().orElse(null);
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target,
                Unpooled.EMPTY_BUFFER);
        try {
            req.headers().set(HttpHeaderNames.HOST, endpoints.hostHeader());
            req.headers().set(HttpHeaderNames.ACCEPT, "text/event-stream");
            req.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
            config.headers().forEach((k, v) -> req.headers().set(k, v));
            request.token().ifPresent(t -> req.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + t));
            if (from != null) {
                req.headers().set(SESSION_HEADER, from.sessionId());
                req.headers().set("Last-Event-ID", Long.toString(from.lastSeq()));
            }
        } catch (RuntimeException e) {
            req.release();
            // never the message: it may quote a header value
            stage.completeExceptionally(new VoxwireException(ErrorCode.PROTOCOL,
                    where + ": invalid request header (" + e.getClass().getSimpleName() + ")"));
            return;
        }
        SseLink link = new SseLink(this, listener, from, stage, where);
        Bootstrap b = net.bootstrap(loop, endpoints.host(), endpoints.port(), endpoints.tls(), p -> {
            p.addLast("http", new HttpClientCodec());
            p.addLast("sse", new EventStreamHandler(req, parser, where, link.streamListener()));
        });
        ChannelFuture cf;
        try {
            cf = b.connect(net.connectAddress(endpoints.host(), endpoints.port()));
        } catch (RuntimeException e) {
            req.release();
            stage.completeExceptionally(HttpFailures.io(where, e));
            return;
        }
        Channel ch = cf.channel();
        link.channel = ch;
        channels.add(ch);
        cf.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                if (req.refCnt() > 0) {
                    req.release();
                }
                link.openFailed(HttpFailures.io(where, f.cause()));
            }
        });
        // a failed, timed-out or cancelled attempt: its connection (even one still connecting) goes
        stage.whenComplete((l, e) -> {
            if (e != null) {
                ch.close();
            }
        });
    }

    /** {@code Authorization} (the token asked for this POST), the configured headers, the session. */
    Map<String, String> postHeaders(@Nullable String sessionId) {
        Map<String, String> h = new LinkedHashMap<>(config.headers());
        config.tokenSupplier().token().ifPresent(t -> h.put(HttpHeaderNames.AUTHORIZATION.toString(), "Bearer " + t));
        if (sessionId != null) {
            h.put(SESSION_HEADER, sessionId);
        }
        return h;
    }

    /** A fresh id for a {@code system:ping}; its {@code system:pong} is recognised by {@link #isOwnPing}. */
    String nextPingId() {
        return pingPrefix + pings.incrementAndGet();
    }

    boolean isOwnPing(@Nullable String requestId) {
        return requestId == null || requestId.startsWith(pingPrefix);
    }

    /**
     * Tells the server the session is over ({@code DELETE /sse/events}), so that it is not kept for
     * resume; completes (never exceptionally) when answered, on failure, or after the end-session
     * timeout. Event loop.
     */
    CompletableFuture<Void> endSession(String sessionId) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Map<String, String> h;
        try {
            h = postHeaders(sessionId);
        } catch (RuntimeException e) {
            done.complete(null);
            return done;
        }
        pool.delete(SseEndpoints.EVENTS, h).whenComplete((r, e) -> done.complete(null));
        ScheduledFuture<?> timeout = loop.schedule(() -> done.complete(null), endSessionTimeout.toMillis(),
                TimeUnit.MILLISECONDS);
        done.whenComplete((x, e) -> timeout.cancel(false));
        return done;
    }

    /**
     * Closes the POST pool and every connection this opener made (streams, POSTs, ones still
     * connecting) and refuses new opens; completes when they are closed. Idempotent.
     */
    public CompletableFuture<Void> shutdown() {
        if (shuttingDown.compareAndSet(false, true)) {
            closed = true;
            Runnable r = () -> {
                pool.close();
                channels.close().addListener(f -> shutdown.complete(null));
            };
            try {
                if (loop.inEventLoop()) {
                    r.run();
                } else {
                    loop.execute(r);
                }
            } catch (RejectedExecutionException e) {
                channels.close();
                shutdown.complete(null);
            }
        }
        return shutdown;
    }

    /** Whether {@link #shutdown()} was called. */
    boolean isShutdown() {
        return closed;
    }

    /** Runs {@code r} on the event loop (at once when already there); fails {@code orElse} if the loop is gone. */
    void onLoop(Runnable r, CompletableFuture<?> orElse) {
        if (loop.inEventLoop()) {
            r.run();
            return;
        }
        try {
            loop.execute(r);
        } catch (RejectedExecutionException e) {
            orElse.completeExceptionally(new VoxwireException(ErrorCode.CLOSED, "the SSE transport's event loop is shut down"));
        }
    }

    @Override
    public String toString() {
        return "SseLinkOpener[" + endpoints + "]";
    }
}
