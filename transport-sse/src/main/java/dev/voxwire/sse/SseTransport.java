package dev.voxwire.sse;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.AudioTransport;
import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.RequestHandle;
import dev.voxwire.core.Subscription;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.TransportHealth;
import dev.voxwire.core.TransportListener;
import dev.voxwire.core.metrics.TransportMetrics;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EventTypes;
import dev.voxwire.core.reliability.CircuitBreakerPolicy;
import dev.voxwire.core.reliability.ConnectCircuitBreaker;
import dev.voxwire.core.reliability.TaskScheduler;
import dev.voxwire.core.transport.ResumeStyle;
import dev.voxwire.core.transport.TransportEngine;
import dev.voxwire.sse.internal.SharedEventLoop;
import dev.voxwire.sse.internal.SseEndpoints;
import dev.voxwire.sse.internal.SseLinkOpener;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The Server-Sent Events {@link AudioTransport} (provider name {@value #NAME}), on Netty's HTTP
 * client, against the Voxwire server's SSE endpoints ({@code docs/protocol.md} §6). It runs on
 * core's {@link TransportEngine}: requests, routing, the outbound queue, reconnect, heartbeats,
 * resume, the state machine and close come from core; this class only adds the SSE wire
 * ({@code dev.voxwire.sse.internal.SseLinkOpener} and its links):
 * <ul>
 *   <li>{@link #connect()} opens {@code GET /sse/events} and completes on {@code system:connected};
 *   <li>{@link #send(Envelope)} posts the envelope to {@code POST /sse/send} over a pooled
 *       keep-alive connection (the second request reuses the first one's TCP and TLS connection);
 *       the events it causes arrive on the stream and are routed to its {@link RequestHandle} by
 *       {@code payload.requestId};
 *   <li>a lost stream is reopened by the engine's reconnect loop with {@code X-Voxwire-Session}
 *       and {@code Last-Event-ID} ({@link ResumeStyle#AT_OPEN}), so the server replays what was
 *       missed (events are de-duplicated by {@code seq}); a {@code retry:} field raises the
 *       minimum reconnect delay;
 *   <li>the engine's heartbeat posts a {@code system:ping} every heartbeat interval; any sign of
 *       life on the stream (the {@code system:pong}, a {@code : heartbeat} comment, any event)
 *       answers it, so a dead stream is detected within {@code interval * missedThreshold + pongTimeout}.
 * </ul>
 *
 * <p>The token supplier is asked on every (re)connect and every POST ({@code Authorization:
 * Bearer}); TLS and proxy come from {@link TransportConfig#tls()} and {@link TransportConfig#proxy()}.
 * {@code system:connected} and the answers to the transport's own pings are not passed to
 * listeners; {@link #sessionId()} tells the session.
 *
 * <p>Threading: all I/O and all state changes run on one Netty event loop per transport (the
 * engine's serial context drains on it); events are delivered on it (see {@link TransportListener}).
 * Thread-safe.
 */
public final class SseTransport implements AudioTransport {
    /** The provider name. */
    public static final String NAME = "sse";
    /** Header carrying the SSE session id. */
    public static final String SESSION_HEADER = SseLinkOpener.SESSION_HEADER;
    /** How long {@link #closeAsync()} waits for the server to confirm the end of the session. */
    public static final Duration END_SESSION_TIMEOUT = Duration.ofSeconds(2);
    /** {@link TransportConfig#option} naming the longest SSE line accepted, in bytes. */
    public static final String OPTION_MAX_LINE_BYTES = "sse.maxLineBytes";
    /** {@link TransportConfig#option} naming how many POSTs may be in flight at once. */
    public static final String OPTION_MAX_CONCURRENT_POSTS = "sse.maxConcurrentPosts";
    /** Default of {@link Builder#maxConcurrentPosts(int)}: one, so requests reach the server in order. */
    public static final int DEFAULT_MAX_CONCURRENT_POSTS = 1;
    /** Default of {@link Builder#poolIdleTimeout(Duration)}: below the server's 60 s idle timeout. */
    public static final Duration DEFAULT_POOL_IDLE_TIMEOUT = Duration.ofSeconds(30);

    private final EventLoop loop;
    private final SseLinkOpener opener;
    private final TransportEngine engine;
    private final AtomicReference<@Nullable CompletableFuture<Void>> closeFuture = new AtomicReference<>();

    private SseTransport(Builder b) {
        TransportConfig config = b.config;
        EventLoopGroup group = b.group != null ? b.group : SharedEventLoop.group();
        this.loop = group.next();
        int maxLine = b.maxLineBytes > 0 ? b.maxLineBytes
                : config.option(OPTION_MAX_LINE_BYTES).map(v -> positiveInt(OPTION_MAX_LINE_BYTES, v))
                        .orElse(SseParser.DEFAULT_MAX_LINE_BYTES);
        int maxConcurrentPosts = b.maxConcurrentPosts > 0 ? b.maxConcurrentPosts
                : config.option(OPTION_MAX_CONCURRENT_POSTS).map(v -> positiveInt(OPTION_MAX_CONCURRENT_POSTS, v))
                        .orElse(DEFAULT_MAX_CONCURRENT_POSTS);
        this.opener = new SseLinkOpener(config, loop, maxLine, maxConcurrentPosts, b.poolIdleTimeout,
                END_SESSION_TIMEOUT);
        TransportEngine.Builder eb = TransportEngine.builder(NAME, config, opener)
                .executor(loop)
                .scheduler(b.scheduler != null ? b.scheduler : TaskScheduler.of(loop))
                .random(b.random != null ? b.random : new SplittableRandom())
                .circuitBreaker(b.circuitBreaker)
                .eventTypes(b.types)
                .resumeStyle(ResumeStyle.AT_OPEN)
                .retryInitialConnect(false)
                .idPrefix("sse" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 28, 36) + "-")
                .description("the SSE transport to " + TransportConfig.redactQuery(config.uri()));
        if (b.metrics != null) {
            eb.metrics(b.metrics);
        }
        this.engine = eb.build();
        // however the engine ends (closed, or FAILED), the POST pool and every channel go with it
        engine.onEvent(event -> {
            if (event instanceof TransportEvent.Closed) {
                opener.shutdown();
            }
        });
    }

    private static int positiveInt(String option, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + ": " + value + " (expected: a positive integer)");
    }

    /** A transport for {@code config} with every default (the shared event loop, real time). */
    public static SseTransport create(TransportConfig config) {
        return builder(config).build();
    }

    /** A builder for a transport for {@code config}. */
    public static Builder builder(TransportConfig config) {
        return new Builder(requireNonNull(config, "config"));
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The server's SSE session id, once connected. */
    public Optional<String> sessionId() {
        return engine.sessionId();
    }

    /** The highest {@code seq} seen on the current session (0 before any). */
    public long lastSeq() {
        return engine.lastSeq();
    }

    /** POST connections opened so far (the keep-alive pool reuses them). */
    public long postConnectionsOpened() {
        return opener.postConnectionsOpened();
    }

    /** The meters of this transport; bind them with {@code metrics().bindTo(registry)}. */
    public TransportMetrics metrics() {
        return engine.metrics();
    }

    @Override
    public CompletionStage<Void> connect() {
        return engine.connect();
    }

    @Override
    public RequestHandle send(Envelope request) {
        return engine.send(request);
    }

    @Override
    public RequestHandle send(Envelope request, TransportListener listener) {
        return engine.send(request, listener);
    }

    /**
     * Adds a listener for every event of this transport, except the {@code system:connected}
     * message of each new stream (see {@link #sessionId()}).
     */
    @Override
    public Subscription onEvent(TransportListener listener) {
        requireNonNull(listener, "listener");
        return engine.onEvent(event -> {
            if (!(event instanceof TransportEvent.Message m && m.requestId() == null
                    && EventTypes.SYSTEM_CONNECTED.equals(m.envelope().type()))) {
                listener.onEvent(event);
            }
        });
    }

    @Override
    public ConnectionState state() {
        return engine.state();
    }

    @Override
    public TransportHealth health() {
        return engine.health();
    }

    /**
     * Closes: pending requests fail with {@code CLOSED}, the server is told the session is over
     * ({@code DELETE /sse/events}, waiting at most {@link #END_SESSION_TIMEOUT}), every connection
     * is closed, then {@code Closed} is the last event. Completes once every channel is closed.
     */
    @Override
    public CompletionStage<Void> closeAsync() {
        CompletableFuture<Void> f = closeFuture.get();
        if (f != null) {
            return f;
        }
        CompletableFuture<Void> mine = new CompletableFuture<>();
        if (!closeFuture.compareAndSet(null, mine)) {
            return requireNonNull(closeFuture.get());
        }
        engine.closeAsync().thenCompose(v -> opener.shutdown()).whenComplete((v, e) -> mine.complete(null));
        return mine;
    }

    /**
     * Closes and waits up to {@link #DEFAULT_CLOSE_TIMEOUT}; on the transport's event loop (from a
     * listener) it starts the close and returns without waiting.
     */
    @Override
    public void close() {
        if (loop.inEventLoop()) {
            closeAsync();
        } else {
            AudioTransport.super.close();
        }
    }

    @Override
    public String toString() {
        return "SseTransport[" + opener.endpoints() + ", " + engine.state() + "]";
    }

    /** Builds an {@link SseTransport}. */
    public static final class Builder {
        private final TransportConfig config;
        private @Nullable EventLoopGroup group;
        private @Nullable TaskScheduler scheduler;
        private @Nullable TransportMetrics metrics;
        private @Nullable RandomGenerator random;
        private int maxLineBytes;
        private int maxConcurrentPosts;
        private Duration poolIdleTimeout = DEFAULT_POOL_IDLE_TIMEOUT;
        private EventTypes types = EventTypes.standard();
        private CircuitBreakerPolicy circuitBreaker = CircuitBreakerPolicy.ofDefaults();

        private Builder(TransportConfig config) {
            this.config = config;
            if (!SseEndpoints.supports(config.uri())) {
                throw new IllegalArgumentException("uri: " + TransportConfig.redactQuery(config.uri())
                        + " (expected: an http, https, ws or wss URI)");
            }
        }

        /**
         * The NIO event loop group to run on (the caller keeps ownership); default: a shared group
         * of two daemon threads.
         */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.group = requireNonNull(group, "group");
            return this;
        }

        /**
         * The scheduler for heartbeats, reconnect backoff, connect and request timeouts; default:
         * the transport's event loop. Tests pass a {@code ManualTaskScheduler}.
         */
        public Builder scheduler(TaskScheduler scheduler) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** The meters to record into; default a new {@code TransportMetrics.create("sse")}. */
        public Builder metrics(TransportMetrics metrics) {
            this.metrics = requireNonNull(metrics, "metrics");
            return this;
        }

        /** The reconnect jitter source; default a new {@link SplittableRandom}. */
        public Builder random(RandomGenerator random) {
            this.random = requireNonNull(random, "random");
            return this;
        }

        /** The longest SSE line (and event) accepted; default {@link SseParser#DEFAULT_MAX_LINE_BYTES}. */
        public Builder maxLineBytes(int maxLineBytes) {
            if (maxLineBytes <= 0) {
                throw new IllegalArgumentException("maxLineBytes: " + maxLineBytes + " (expected: > 0)");
            }
            this.maxLineBytes = maxLineBytes;
            return this;
        }

        /**
         * How many POSTs may be in flight at once; default {@value SseTransport#DEFAULT_MAX_CONCURRENT_POSTS}
         * (requests reach the server in the order they were sent, as on a WebSocket).
         */
        public Builder maxConcurrentPosts(int maxConcurrentPosts) {
            if (maxConcurrentPosts <= 0) {
                throw new IllegalArgumentException("maxConcurrentPosts: " + maxConcurrentPosts + " (expected: > 0)");
            }
            this.maxConcurrentPosts = maxConcurrentPosts;
            return this;
        }

        /** How long an idle keep-alive POST connection is kept; default 30 s. */
        public Builder poolIdleTimeout(Duration poolIdleTimeout) {
            requireNonNull(poolIdleTimeout, "poolIdleTimeout");
            if (poolIdleTimeout.isNegative() || poolIdleTimeout.isZero()) {
                throw new IllegalArgumentException("poolIdleTimeout: " + poolIdleTimeout + " (expected: > 0)");
            }
            this.poolIdleTimeout = poolIdleTimeout;
            return this;
        }

        /**
         * The request types the transport knows, for which server events end a request
         * ({@link EventTypes#terminalTypesFor}); default {@link EventTypes#standard()}. A request of
         * a type without terminal types completes once the server has accepted it.
         */
        public Builder eventTypes(EventTypes types) {
            this.types = requireNonNull(types, "types");
            return this;
        }

        /**
         * The circuit breaker over reconnect attempts (core's {@link ConnectCircuitBreaker});
         * default {@link CircuitBreakerPolicy#ofDefaults()}.
         */
        public Builder circuitBreaker(CircuitBreakerPolicy circuitBreaker) {
            this.circuitBreaker = requireNonNull(circuitBreaker, "circuitBreaker");
            return this;
        }

        /** The transport, not yet connected. */
        public SseTransport build() {
            return new SseTransport(this);
        }
    }
}
