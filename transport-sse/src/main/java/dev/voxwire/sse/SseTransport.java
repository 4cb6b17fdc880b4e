package dev.voxwire.sse;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxwire.core.AudioTransport;
import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.ConnectionStateMachine;
import dev.voxwire.core.ErrorClassifier;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.EventDispatcher;
import dev.voxwire.core.RequestHandle;
import dev.voxwire.core.Subscription;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.TransportHealth;
import dev.voxwire.core.TransportListener;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.metrics.TransportMetrics;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.protocol.EventTypes;
import dev.voxwire.core.reliability.Cancellable;
import dev.voxwire.core.reliability.CircuitBreakerPolicy;
import dev.voxwire.core.reliability.ConnectCircuitBreaker;
import dev.voxwire.core.reliability.HealthTracker;
import dev.voxwire.core.reliability.HeartbeatMonitor;
import dev.voxwire.core.reliability.OutboundQueue;
import dev.voxwire.core.reliability.Priorities;
import dev.voxwire.core.reliability.Priority;
import dev.voxwire.core.reliability.ReconnectController;
import dev.voxwire.core.reliability.ReconnectPolicy;
import dev.voxwire.core.reliability.TaskScheduler;
import dev.voxwire.sse.internal.ClientNetworking;
import dev.voxwire.sse.internal.EventStreamHandler;
import dev.voxwire.sse.internal.HttpFailures;
import dev.voxwire.sse.internal.PostPool;
import dev.voxwire.sse.internal.SharedEventLoop;
import dev.voxwire.sse.internal.SseEndpoints;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Server-Sent Events {@link AudioTransport} (provider name {@value #NAME}), on Netty's HTTP
 * client, against the Voxwire server's SSE endpoints ({@code docs/protocol.md} §6):
 * <ul>
 *   <li>{@link #connect()} opens {@code GET /sse/events} and completes on {@code system:connected};
 *   <li>{@link #send(Envelope)} posts the envelope to {@code POST /sse/send} over a pooled
 *       keep-alive connection (the second request reuses the first one's TCP and TLS connection);
 *       the events it causes arrive on the stream and are routed to its {@link RequestHandle} by
 *       {@code payload.requestId};
 *   <li>a lost stream is reopened by core's {@link ReconnectController} with
 *       {@code X-Voxwire-Session} and {@code Last-Event-ID}, so the server replays what was missed
 *       (events are de-duplicated by {@code seq}); a {@code retry:} field raises the minimum
 *       reconnect delay;
 *   <li>core's {@link HeartbeatMonitor} posts a {@code system:ping} every heartbeat interval; any
 *       sign of life on the stream (the {@code system:pong}, a {@code : heartbeat} comment, any
 *       event) answers it, so a dead stream is detected within
 *       {@code interval * missedThreshold + pongTimeout}.
 * </ul>
 *
 * <p>The token supplier is asked on every (re)connect and every POST ({@code Authorization:
 * Bearer}); TLS and proxy come from {@link TransportConfig#tls()} and {@link TransportConfig#proxy()}.
 * {@code system:connected} and the answers to the transport's own pings are not passed to
 * listeners; {@link #sessionId()} tells the session.
 *
 * <p>Threading: all I/O and all state changes run on one Netty event loop per transport; events
 * are delivered on it (see {@link TransportListener}). Thread-safe.
 */
public final class SseTransport implements AudioTransport {
    private static final Logger log = LoggerFactory.getLogger(SseTransport.class);

    /** The provider name. */
    public static final String NAME = "sse";
    /** Header carrying the SSE session id. */
    public static final String SESSION_HEADER = "X-Voxwire-Session";
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

    private static final EnvelopeCodec CODEC = EnvelopeCodec.lenient();
    private static final int MAX_POST_ATTEMPTS = 3;

    private final TransportConfig config;
    private final EventTypes types;
    private final SseEndpoints endpoints;
    private final ClientNetworking net;
    private final EventLoop loop;
    private final TaskScheduler scheduler;
    private final EnvelopeCodec decoder;
    private final SseParser.Builder parserBuilder;
    private final int maxConcurrentPosts;
    private final EventDispatcher dispatcher;
    private final ConnectionStateMachine sm;
    private final HealthTracker health;
    private final TransportMetrics metrics;
    private final OutboundQueue<Pending> queue;
    private final ConnectCircuitBreaker breaker;
    private final RandomGenerator random;
    private final HeartbeatMonitor heartbeat;
    private final ChannelGroup channels;
    private final PostPool pool;
    private final String idPrefix;
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicReference<@Nullable CompletableFuture<Void>> connectFuture = new AtomicReference<>();
    private final AtomicReference<@Nullable CompletableFuture<Void>> closeFuture = new AtomicReference<>();

    // Confined to the event loop.
    private ReconnectController controller;
    private @Nullable Duration appliedRetry;
    private @Nullable Duration retryHint;
    private @Nullable Stream stream;
    private volatile @Nullable String sessionId;
    private long lastSeq = -1;
    private int postsInFlight;
    private long pings;
    private boolean released;
    private final Set<String> cancelled = new LinkedHashSet<>();

    private SseTransport(Builder b) {
        this.config = b.config;
        this.types = b.types;
        this.endpoints = SseEndpoints.of(config.uri());
        this.net = ClientNetworking.of(config.tls(), config.proxy(), config.connectTimeout());
        EventLoopGroup group = b.group != null ? b.group : SharedEventLoop.group();
        this.loop = group.next();
        this.scheduler = b.scheduler != null ? b.scheduler : TaskScheduler.of(loop);
        int maxLine = b.maxLineBytes > 0 ? b.maxLineBytes
                : config.option(OPTION_MAX_LINE_BYTES).map(v -> positiveInt(OPTION_MAX_LINE_BYTES, v))
                        .orElse(SseParser.DEFAULT_MAX_LINE_BYTES);
        this.parserBuilder = SseParser.builder().maxLineBytes(maxLine).maxEventBytes(maxLine);
        this.decoder = EnvelopeCodec.builder().types(EventTypes.builder().build()).allowUnknownTypes(true)
                .maxBytes(maxLine).build();
        this.maxConcurrentPosts = b.maxConcurrentPosts > 0 ? b.maxConcurrentPosts
                : config.option(OPTION_MAX_CONCURRENT_POSTS).map(v -> positiveInt(OPTION_MAX_CONCURRENT_POSTS, v))
                        .orElse(DEFAULT_MAX_CONCURRENT_POSTS);
        this.idPrefix = "sse" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 28, 36) + "-";
        this.dispatcher = EventDispatcher.create(NAME);
        this.sm = ConnectionStateMachine.create(scheduler.clock(), dispatcher::dispatch);
        this.queue = OutboundQueue.create(config.queue());
        this.health = HealthTracker.create(NAME, scheduler.clock()).queueDepth(queue::size).inFlight(pending::size);
        this.metrics = b.metrics != null ? b.metrics : TransportMetrics.create(NAME);
        this.metrics.queueDepth(queue::size);
        dispatcher.addListener(health.listener());
        dispatcher.addListener(metrics.listener());
        this.random = b.random != null ? b.random : new SplittableRandom();
        this.breaker = ConnectCircuitBreaker.create("voxwire-sse", b.circuitBreaker, scheduler.clock());
        this.controller = newController(config.reconnect());
        this.heartbeat = HeartbeatMonitor.create(config.heartbeat(), scheduler, this::ping, new HeartbeatMonitor.Listener() {
            @Override
            public void onMissed(int missed, int threshold) {
                onLoop(() -> dispatcher.dispatch(new TransportEvent.HeartbeatMissed(missed, threshold)));
            }

            @Override
            public void onDead() {
                onLoop(() -> heartbeatDead());
            }

            @Override
            public void onRoundTrip(Duration roundTrip) {
                health.roundTrip(roundTrip);
                metrics.heartbeatRoundTrip(roundTrip);
            }
        });
        this.channels = new DefaultChannelGroup("voxwire-sse", loop);
        this.pool = new PostPool(loop, endpoints, net, channels, config.connectTimeout(), b.poolIdleTimeout);
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

    private ReconnectController newController(ReconnectPolicy policy) {
        return ReconnectController.builder()
                .policy(policy)
                .scheduler(scheduler)
                .random(random)
                .circuitBreaker(breaker)
                .connectAttempt(() -> {
                    CompletableFuture<Void> f = new CompletableFuture<>();
                    onLoop(() -> reconnectAttempt(f));
                    return f;
                })
                .listener(new ReconnectController.Listener() {
                    @Override
                    public void onReconnecting(int attempt, Duration delay, ErrorCode cause) {
                        onLoop(() -> {
                            if (sm.state() == ConnectionState.RECONNECTING) {
                                dispatcher.dispatch(new TransportEvent.Reconnecting(attempt, delay, cause));
                            }
                        });
                    }

                    @Override
                    public void onGaveUp(ErrorCode cause, String reason) {
                        onLoop(() -> fail(cause, "reconnect gave up: " + reason));
                    }
                })
                .build();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The server's SSE session id, once connected. */
    public Optional<String> sessionId() {
        return Optional.ofNullable(sessionId);
    }

    /** POST connections opened so far (the keep-alive pool reuses them). */
    public long postConnectionsOpened() {
        return pool.opened();
    }

    // ------------------------------------------------------------------ connect

    @Override
    public CompletionStage<Void> connect() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (!connectFuture.compareAndSet(null, f)) {
            return requireNonNull(connectFuture.get());
        }
        onLoop(() -> {
            if (sm.state() != ConnectionState.DISCONNECTED) {
                f.completeExceptionally(new VoxwireException(ErrorCode.CLOSED, "transport is closed"));
                return;
            }
            sm.transitionTo(ConnectionState.CONNECTING, null);
            Attempt a = openStream(false);
            a.done.whenComplete((resumed, e) -> {
                if (sm.state() != ConnectionState.CONNECTING) {
                    f.completeExceptionally(new VoxwireException(ErrorCode.CLOSED, "transport closed while connecting"));
                    return;
                }
                if (e != null) {
                    VoxwireException v = ErrorClassifier.toException(e);
                    fail(v.code(), String.valueOf(v.getMessage()));
                    f.completeExceptionally(v);
                    return;
                }
                sm.transitionTo(ConnectionState.CONNECTED, null);
                controller.connected();
                heartbeat.start();
                f.complete(null);
                pump();
            });
        });
        return f;
    }

    private void reconnectAttempt(CompletableFuture<Void> result) {
        if (sm.state() != ConnectionState.RECONNECTING) {
            result.completeExceptionally(new VoxwireException(ErrorCode.CLOSED, "transport closed"));
            return;
        }
        Attempt a = openStream(config.resume());
        a.done.whenComplete((resumed, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
                return;
            }
            if (sm.state() != ConnectionState.RECONNECTING) {
                closeStream();
                result.completeExceptionally(new VoxwireException(ErrorCode.CLOSED, "transport closed"));
                return;
            }
            if (!resumed) {
                expireSentRequests();
            }
            sm.transitionTo(ConnectionState.CONNECTED, null);
            dispatcher.dispatch(new TransportEvent.Reconnected(Math.max(1, controller.attemptsSoFar()), resumed, 0));
            heartbeat.start();
            result.complete(null);
            pump();
        });
    }

    /** The new session cannot answer what the old one was asked: those requests fail. */
    private void expireSentRequests() {
        for (Pending p : List.copyOf(pending.values())) {
            if (p.posted) {
                p.fail(new VoxwireException(ErrorCode.SESSION_EXPIRED,
                        "the SSE session ended while reconnecting; the answer to request '" + p.id + "' is lost"), true);
            }
        }
    }

    /** An attempt to open the event stream; {@code done} completes with whether the session was resumed. */
    private final class Attempt {
        final CompletableFuture<Boolean> done = new CompletableFuture<>();
        final boolean resume;
        Cancellable timer = Cancellable.NOOP;

        Attempt(boolean resume) {
            this.resume = resume;
        }

        void succeed(boolean resumed) {
            timer.cancel();
            done.complete(resumed);
        }

        void fail(VoxwireException e) {
            timer.cancel();
            done.completeExceptionally(e);
        }
    }

    private Map<String, String> authHeaders() {
        Map<String, String> h = new LinkedHashMap<>(config.headers());
        config.tokenSupplier().token().ifPresent(t -> h.put(HttpHeaderNames.AUTHORIZATION.toString(), "Bearer " + t));
        return h;
    }

    private Attempt openStream(boolean resume) {
        String sid = sessionId;
        boolean resuming = resume && sid != null;
        Attempt a = new Attempt(resuming);
        String where = "GET " + endpoints.target(SseEndpoints.EVENTS);
        FullHttpRequest req;
        try {
            req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, endpoints.target(SseEndpoints.EVENTS),
                    Unpooled.EMPTY_BUFFER);
            req.headers().set(HttpHeaderNames.HOST, endpoints.hostHeader());
            req.headers().set(HttpHeaderNames.ACCEPT, "text/event-stream");
            req.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
            authHeaders().forEach((k, v) -> req.headers().set(k, v));
            if (resuming) {
                req.headers().set(SESSION_HEADER, sid);
                if (lastSeq >= 0) {
                    req.headers().set("Last-Event-ID", Long.toString(lastSeq));
                }
            }
        } catch (RuntimeException e) {
            a.fail(new VoxwireException(ErrorCode.AUTH_FAILED, "token supplier failed: " + e.getClass().getSimpleName(), e));
            return a;
        }
        Stream s = new Stream(a, where);
        stream = s;
        Bootstrap b = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        ProxyHandler proxy = net.proxyHandler(endpoints.host(), endpoints.port());
                        if (proxy != null) {
                            p.addLast("proxy", proxy);
                        }
                        if (endpoints.tls()) {
                            p.addLast("tls", net.sslHandler(ch.alloc(), endpoints.host(), endpoints.port()));
                        }
                        p.addLast("http", new HttpClientCodec());
                        p.addLast("sse", new EventStreamHandler(req, parserBuilder, where, s));
                    }
                });
        if (net.proxied()) {
            b.resolver(NoopAddressResolverGroup.INSTANCE);
        }
        ChannelFuture cf;
        try {
            cf = b.connect(net.connectAddress(endpoints.host(), endpoints.port()));
        } catch (RuntimeException e) {
            req.release();
            stream = null;
            a.fail(HttpFailures.io(where, e));
            return a;
        }
        s.channel = cf.channel();
        channels.add(cf.channel());
        cf.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                if (req.refCnt() > 0) {
                    req.release();
                }
                s.attemptFailed(HttpFailures.io(where, f.cause()));
            }
        });
        a.timer = scheduler.schedule(() -> onLoop(() -> s.attemptFailed(new VoxwireException(ErrorCode.CONNECTION_TIMEOUT,
                where + ": not connected within " + config.connectTimeout()))), config.connectTimeout());
        return a;
    }

    private void closeStream() {
        Stream s = stream;
        stream = null;
        if (s != null && s.channel != null) {
            s.channel.close();
        }
    }

    /** One event stream connection. Every callback runs on the event loop. */
    private final class Stream implements EventStreamHandler.Listener {
        final Attempt attempt;
        final String where;
        @Nullable Channel channel;
        @Nullable VoxwireException endCause;

        Stream(Attempt attempt, String where) {
            this.attempt = attempt;
            this.where = where;
        }

        void attemptFailed(VoxwireException e) {
            if (attempt.done.isDone()) {
                return;
            }
            if (stream == this) {
                stream = null;
            }
            if (channel != null) {
                channel.close();
            }
            attempt.fail(e);
        }

        @Override
        public void onOpen(@Nullable String sid) {
            if (stream != this) {
                return;
            }
            if (attempt.resume && sid != null && sid.equals(sessionId)) {
                attempt.succeed(true);
            }
            // otherwise a new session: system:connected comes first and completes the attempt
        }

        @Override
        public void onEvent(SseEvent event) {
            if (stream != this) {
                return;
            }
            heartbeat.pongReceived();
            handleEvent(this, event);
        }

        @Override
        public void onComment(String text) {
            if (stream == this) {
                heartbeat.pongReceived();
            }
        }

        @Override
        public void onRetry(Duration reconnectionTime) {
            retryHint = reconnectionTime;
        }

        @Override
        public void onClosed(@Nullable VoxwireException cause) {
            if (!attempt.done.isDone()) {
                attemptFailed(cause != null ? cause
                        : new VoxwireException(ErrorCode.NETWORK, where + ": stream ended before system:connected"));
                return;
            }
            if (stream != this) {
                return;
            }
            stream = null;
            VoxwireException why = endCause != null ? endCause : cause;
            streamLost(why != null ? why.code() : ErrorCode.NETWORK,
                    why != null ? String.valueOf(why.getMessage()) : where + ": the server ended the stream");
        }
    }

    private void streamLost(ErrorCode code, String message) {
        heartbeat.stop();
        if (!sm.compareAndTransition(ConnectionState.CONNECTED, ConnectionState.RECONNECTING, code)) {
            return;
        }
        log.debug("sse stream to {} lost ({}): {}", endpoints, code, message);
        Duration hint = retryHint;
        if (hint != null && !hint.equals(appliedRetry) && !hint.isZero()) {
            appliedRetry = hint;
            ReconnectPolicy p = config.reconnect();
            if (p.enabled() && hint.compareTo(p.minDelay()) > 0) {
                ReconnectPolicy.Builder pb = p.toBuilder().minDelay(hint);
                if (hint.compareTo(p.maxDelay()) > 0) {
                    pb.maxDelay(hint);
                }
                controller.close();
                controller = newController(pb.build());
            }
        }
        ErrorCode retryCode = code.retryable() ? code : ErrorCode.NETWORK;
        if (code == ErrorCode.AUTH_FAILED || code == ErrorCode.FORBIDDEN) {
            retryCode = code;
        }
        controller.connectionLost(retryCode);
    }

    private void heartbeatDead() {
        Stream s = stream;
        if (s == null || sm.state() != ConnectionState.CONNECTED) {
            return;
        }
        s.endCause = new VoxwireException(ErrorCode.NETWORK, "no sign of life on the SSE stream for "
                + config.heartbeat().missedThreshold() + " heartbeat intervals");
        if (s.channel != null) {
            s.channel.close();
        }
    }

    private void ping() {
        onLoop(() -> {
            String sid = sessionId;
            if (sm.state() != ConnectionState.CONNECTED || sid == null) {
                return;
            }
            Envelope e = Envelope.of(EventTypes.SYSTEM_PING).withId(idPrefix + "hb" + (++pings));
            Map<String, String> h = authHeaders();
            h.put(SESSION_HEADER, sid);
            pool.post(SseEndpoints.SEND, h, CODEC.encode(e), new CompletableFuture<>())
                    .whenComplete((r, err) -> {
                        if (err != null) {
                            log.debug("sse heartbeat ping failed: {}", err.toString());
                        }
                    });
        });
    }

    // ------------------------------------------------------------------ inbound

    private void handleEvent(Stream s, SseEvent event) {
        Envelope env;
        try {
            env = decoder.decode(event.data());
        } catch (VoxwireException e) {
            dispatcher.dispatch(new TransportEvent.Error(ErrorCode.INVALID_PAYLOAD,
                    "undecodable SSE event '" + event.type() + "': " + e.getMessage(), null, false, null));
            return;
        }
        if (env.type().equals(EventTypes.SYSTEM_CONNECTED)) {
            String sid = env.text("sessionId").orElse(null);
            if (sid != null && !sid.equals(sessionId)) {
                sessionId = sid;
                lastSeq = -1;
            }
        }
        if (config.wireLog() && log.isDebugEnabled()) {
            log.debug("sse <- {} seq={} requestId={} ({} chars)", env.type(), env.seq(), env.requestId().orElse(null),
                    event.data().length());
        }
        Long seq = env.seq();
        if (seq == null && !event.lastEventId().isEmpty()) {
            try {
                seq = Long.parseLong(event.lastEventId());
            } catch (NumberFormatException e) {
                seq = null;
            }
        }
        if (seq != null) {
            if (seq <= lastSeq) {
                return; // already seen: a replay overlap
            }
            lastSeq = seq;
        }
        if (env.type().equals(EventTypes.SYSTEM_CONNECTED)) {
            if (!s.attempt.done.isDone()) {
                s.attempt.succeed(false);
            }
            return;
        }
        String rid = env.requestId().orElse(null);
        if (env.type().equals(EventTypes.SYSTEM_PONG) && (rid == null || rid.startsWith(idPrefix + "hb"))) {
            return;
        }
        if (rid != null) {
            if (cancelled.contains(rid)) {
                if (env.type().equals(EventTypes.REQUEST_CANCELLED)) {
                    cancelled.remove(rid);
                }
                return;
            }
            Pending p = pending.get(rid);
            if (p != null) {
                p.onEvent(env);
                return;
            }
        }
        if (env.isError()) {
            dispatcher.dispatch(errorEvent(wireError(env), rid));
        } else {
            dispatcher.dispatch(new TransportEvent.Message(env, rid));
        }
    }

    private static VoxwireException wireError(Envelope env) {
        JsonNode p = env.payload();
        ErrorCode code = ErrorClassifier.fromWireCode(p.path("code").asText(null));
        String message = p.path("message").asText("error event without a message");
        Duration retryAfter = p.path("retryAfterMs").canConvertToLong()
                ? Duration.ofMillis(Math.max(0, p.get("retryAfterMs").asLong())) : null;
        return new VoxwireException(code, message, null, retryAfter);
    }

    private static TransportEvent.Error errorEvent(VoxwireException e, @Nullable String requestId) {
        return TransportEvent.Error.of(e, requestId);
    }

    // ------------------------------------------------------------------ outbound

    @Override
    public RequestHandle send(Envelope request) {
        requireNonNull(request, "request");
        String id = request.id() != null ? request.id() : idPrefix + ids.incrementAndGet();
        Pending p = new Pending(request.withId(id));
        onLoop(() -> enqueue(p));
        return p;
    }

    private void enqueue(Pending p) {
        ConnectionState s = sm.state();
        if (released || s == ConnectionState.CLOSING || s.isTerminal()) {
            p.fail(new VoxwireException(ErrorCode.CLOSED, "transport is " + s.name().toLowerCase() + "; request '"
                    + p.id + "' not sent"), false);
            return;
        }
        try {
            p.bytes = CODEC.encode(p.request);
        } catch (RuntimeException e) {
            p.fail(new VoxwireException(ErrorCode.INVALID_PAYLOAD, "cannot encode request '" + p.id + "': " + e.getMessage()), true);
            return;
        }
        if (pending.putIfAbsent(p.id, p) != null) {
            p.fail(new VoxwireException(ErrorCode.INVALID_PAYLOAD, "request id '" + p.id + "' is already in flight"), true);
            return;
        }
        if (!offer(p)) {
            return;
        }
        p.timer = scheduler.schedule(() -> onLoop(() -> p.timedOut()), config.requestTimeout());
        pump();
    }

    private boolean offer(Pending p) {
        OutboundQueue.Offer<Pending> o = queue.offer(p, p.priority, p.bytes.length);
        for (Pending dropped : o.dropped()) {
            dropped.fail(new VoxwireException(ErrorCode.QUEUE_FULL, "dropped from the full outbound queue to make room"), true);
        }
        if (!o.accepted()) {
            pending.remove(p.id, p);
            p.fail(requireNonNull(o.error()), true);
            return false;
        }
        return true;
    }

    private void pump() {
        while (sm.state() == ConnectionState.CONNECTED && sessionId != null && postsInFlight < maxConcurrentPosts) {
            Pending p = queue.poll();
            if (p == null) {
                return;
            }
            if (p.result.isDone()) {
                continue;
            }
            post(p);
        }
    }

    private void post(Pending p) {
        postsInFlight++;
        p.posted = true;
        p.attempts++;
        Map<String, String> h = authHeaders();
        h.put(SESSION_HEADER, requireNonNull(sessionId));
        CompletableFuture<Void> written = new CompletableFuture<>();
        written.thenRun(() -> p.sent.complete(null));
        if (config.wireLog() && log.isDebugEnabled()) {
            log.debug("sse -> {} id={} ({} bytes)", p.request.type(), p.id, p.bytes.length);
        }
        pool.post(SseEndpoints.SEND, h, p.bytes, written).whenComplete((r, e) -> onLoop(() -> {
            postsInFlight--;
            if (e != null) {
                VoxwireException v = ErrorClassifier.toException(e);
                if (!written.isDone() && !p.result.isDone() && !released && p.attempts < MAX_POST_ATTEMPTS) {
                    p.posted = false; // it never left: safe to send again
                    if (offer(p)) {
                        log.debug("sse POST of '{}' did not leave ({}); queued again", p.id, v.code());
                    }
                } else if (!p.result.isDone()) {
                    p.fail(new VoxwireException(v.code(), "request '" + p.id + "' may not have reached the server: "
                            + v.getMessage(), v), true);
                }
            } else if (r.status() == 202) {
                metrics.messageOut(p.request.type(), p.bytes.length);
                p.sent.complete(null);
                if (p.terminalTypes.isEmpty()) {
                    p.complete(p.request, false);
                }
            } else {
                VoxwireException v = HttpFailures.status("POST " + endpoints.target(SseEndpoints.SEND), r.status(),
                        r.headers(), r.body());
                p.fail(v, true);
                if (r.status() == 410 && sm.state() == ConnectionState.CONNECTED) {
                    Stream s = stream;
                    if (s != null && s.channel != null) {
                        s.endCause = v;
                        s.channel.close(); // the session is gone: reconnect into a new one
                    }
                }
            }
            pump();
        }));
    }

    /** One request in flight. Its state changes on the event loop. */
    private final class Pending implements RequestHandle {
        final String id;
        final Envelope request;
        final Set<String> terminalTypes;
        final Priority priority;
        final CompletableFuture<Void> sent = new CompletableFuture<>();
        final CompletableFuture<Envelope> result = new CompletableFuture<>();
        byte[] bytes = new byte[0];
        boolean posted;
        int attempts;
        Cancellable timer = Cancellable.NOOP;

        Pending(Envelope request) {
            this.request = request;
            this.id = requireNonNull(request.id());
            this.terminalTypes = types.terminalTypesFor(request.type());
            this.priority = Priorities.of(request.type());
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Envelope request() {
            return request;
        }

        @Override
        public CompletionStage<Void> sent() {
            return sent;
        }

        @Override
        public CompletionStage<Envelope> result() {
            return result;
        }

        @Override
        public Subscription onEvent(TransportListener listener) {
            requireNonNull(listener, "listener");
            if (result.isDone()) {
                return () -> { };
            }
            return dispatcher.addRequestListener(id, listener);
        }

        @Override
        public boolean cancel() {
            if (result.isDone()) {
                return false;
            }
            VoxwireException e = new VoxwireException(ErrorCode.CANCELLED, "request '" + id + "' cancelled");
            if (!result.completeExceptionally(e)) {
                return false;
            }
            onLoop(() -> {
                end();
                tellServerCancelled();
            });
            return true;
        }

        void tellServerCancelled() {
            if (!posted) {
                return; // still queued: it will be skipped
            }
            cancelled.add(id);
            while (cancelled.size() > 1_000) {
                cancelled.remove(cancelled.iterator().next());
            }
            send(Envelope.of(EventTypes.REQUEST_CANCEL, EnvelopeCodec.mapper().createObjectNode().put("requestId", id)));
        }

        void timedOut() {
            if (result.isDone()) {
                return;
            }
            fail(new VoxwireException(ErrorCode.CONNECTION_TIMEOUT, "no answer to request '" + id + "' within "
                    + config.requestTimeout()), true);
            tellServerCancelled();
        }

        void onEvent(Envelope env) {
            String type = env.type();
            if (env.isError()) {
                fail(wireError(env), true);
            } else if (terminalTypes.contains(type)) {
                complete(env, true);
            } else if (type.endsWith(":progress")) {
                dispatcher.dispatch(new TransportEvent.Progress(id, env));
            } else {
                dispatcher.dispatch(new TransportEvent.Message(env, id));
            }
        }

        void complete(Envelope env, boolean announce) {
            if (!result.complete(env)) {
                return;
            }
            if (announce) {
                dispatcher.dispatch(new TransportEvent.Result(id, env));
            }
            end();
        }

        void fail(VoxwireException e, boolean announce) {
            if (!result.completeExceptionally(e)) {
                return;
            }
            if (announce) {
                dispatcher.dispatch(errorEvent(e, id));
            }
            end();
        }

        /** Forgets the request once the events already queued for it have been delivered. */
        private void end() {
            timer.cancel();
            pending.remove(id, this);
            onLoopLater(() -> dispatcher.removeRequestListeners(id));
        }

        @Override
        public String toString() {
            return "RequestHandle[" + id + ", " + request.type() + "]";
        }
    }

    // ------------------------------------------------------------------ state

    @Override
    public Subscription onEvent(TransportListener listener) {
        return dispatcher.addListener(requireNonNull(listener, "listener"));
    }

    @Override
    public ConnectionState state() {
        return sm.state();
    }

    @Override
    public TransportHealth health() {
        TransportHealth h = health.snapshot();
        return new TransportHealth(h.transport(), sm.state(), sm.since(), h.lastHeartbeatRoundTrip(), h.reconnects(),
                h.queueDepth(), h.inFlight(), h.lastError());
    }

    @Override
    public CompletionStage<Void> closeAsync() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (!closeFuture.compareAndSet(null, f)) {
            return requireNonNull(closeFuture.get());
        }
        onLoop(() -> {
            if (sm.state().isTerminal()) {
                f.complete(null);
                return;
            }
            sm.transitionTo(ConnectionState.CLOSING, null);
            CompletableFuture<Void> c = connectFuture.get();
            if (c != null) {
                c.completeExceptionally(new VoxwireException(ErrorCode.CLOSED, "transport closed while connecting"));
            }
            endSession().whenComplete((ended, ignored) -> onLoop(() ->
                    release(new VoxwireException(ErrorCode.CLOSED, "transport closed")).whenComplete((ok, e) -> onLoop(() -> {
                        sm.transitionTo(ConnectionState.CLOSED, null);
                        dispatcher.dispatch(new TransportEvent.Closed(null, "closed by the application"));
                        f.complete(null);
                    }))));
        });
        return f;
    }

    /**
     * Tells the server the session is over ({@code DELETE /sse/events}), so that it is not kept for
     * resume; completes (never exceptionally) when answered, on failure, or after
     * {@link #END_SESSION_TIMEOUT}. Event loop.
     */
    private CompletableFuture<Void> endSession() {
        String sid = sessionId;
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (sid == null) {
            done.complete(null);
            return done;
        }
        Map<String, String> h = authHeaders();
        h.put(SESSION_HEADER, sid);
        pool.delete(SseEndpoints.EVENTS, h).whenComplete((r, e) -> done.complete(null));
        ScheduledFuture<?> timeout = loop.schedule(() -> done.complete(null), END_SESSION_TIMEOUT.toMillis(),
                TimeUnit.MILLISECONDS);
        done.whenComplete((x, e) -> timeout.cancel(false));
        return done;
    }

    /** Gives up for good with {@code code}: FAILED, everything released, then {@code Closed}. */
    private void fail(ErrorCode code, String message) {
        ConnectionState s = sm.state();
        if (s.isTerminal() || s == ConnectionState.CLOSING || !ConnectionStateMachine.isLegal(s, ConnectionState.FAILED)) {
            return;
        }
        sm.transitionTo(ConnectionState.FAILED, code);
        release(new VoxwireException(code, message)).whenComplete((ok, e) -> onLoop(
                () -> dispatcher.dispatch(new TransportEvent.Closed(code, message))));
    }

    /** Stops every timer, fails every request, closes every connection. Event loop. */
    private CompletableFuture<Void> release(VoxwireException why) {
        released = true;
        heartbeat.stop();
        controller.close();
        Stream s = stream;
        stream = null;
        if (s != null) {
            s.attempt.fail(why);
        }
        for (Pending p : List.copyOf(pending.values())) {
            p.fail(why, false);
        }
        for (Pending p : queue.drain()) {
            p.fail(why, false);
        }
        pool.close();
        CompletableFuture<Void> done = new CompletableFuture<>();
        channels.close().addListener(f -> done.complete(null));
        return done;
    }

    private void onLoop(Runnable r) {
        if (loop.inEventLoop()) {
            r.run();
            return;
        }
        onLoopLater(r);
    }

    private void onLoopLater(Runnable r) {
        try {
            loop.execute(r);
        } catch (RejectedExecutionException e) {
            log.debug("sse transport task dropped: event loop shut down");
        }
    }

    @Override
    public String toString() {
        return "SseTransport[" + endpoints + ", " + sm.state() + "]";
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
