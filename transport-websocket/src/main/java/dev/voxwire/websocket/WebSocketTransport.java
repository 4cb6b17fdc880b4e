package dev.voxwire.websocket;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.AudioRequest;
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
import dev.voxwire.core.audio.AudioFormat;
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
import dev.voxwire.core.reliability.TaskScheduler;
import dev.voxwire.websocket.connect.CloseInfo;
import dev.voxwire.websocket.connect.ConnectSpec;
import dev.voxwire.websocket.connect.WebSocketConnection;
import dev.voxwire.websocket.connect.WebSocketConnector;
import dev.voxwire.websocket.internal.AudioPayloads;
import dev.voxwire.websocket.internal.SharedConnector;
import dev.voxwire.websocket.internal.WireLog;
import io.netty.channel.EventLoop;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket {@link AudioTransport} (provider name {@value #NAME}): one persistent connection
 * to a Voxwire server carrying many requests, kept alive by heartbeats and brought back by
 * reconnects.
 *
 * <ul>
 *   <li><b>Connect</b>: {@link TransportConfig#connectTimeout()} covers TCP, proxy, TLS and the
 *       upgrade ({@code CONNECTION_TIMEOUT}); the {@link TransportConfig#tokenSupplier() token} is
 *       asked on every (re)connect and sent as {@code Authorization: Bearer}; extra
 *       {@link TransportConfig#headers() headers}, {@link TransportConfig#tls() TLS} and
 *       {@link TransportConfig#proxy() proxy} settings are applied. The first connect is one
 *       attempt unless the option {@value #OPTION_RETRY_INITIAL_CONNECT} is {@code true}.
 *   <li><b>Requests</b>: every {@link #send} gets an id; the server's events carrying it as
 *       {@code requestId} are routed to its {@link RequestHandle}; its final event (by
 *       {@link EventTypes#terminalTypesFor}) completes {@link RequestHandle#result()}.
 *       Cancelling sends {@code request:cancel} and suppresses the request's later events.
 *   <li><b>Queue</b>: while disconnected, reconnecting, waiting for a resume answer or while the
 *       channel is not writable, envelopes wait in core's bounded {@link OutboundQueue}
 *       ({@link TransportConfig#queue()}), and go out once, in priority order, when the
 *       connection can take them.
 *   <li><b>Heartbeat</b>: WebSocket ping frames per {@link TransportConfig#heartbeat()}; when the
 *       missed-pong threshold is reached the connection is dropped and the reconnect loop starts.
 *   <li><b>Reconnect</b>: core's {@link ReconnectController} (full jitter, max attempts,
 *       {@link TransportEvent.Reconnecting} per attempt) behind a {@link ConnectCircuitBreaker};
 *       non-retryable failures ({@code AUTH_FAILED}, {@code FORBIDDEN}, ...) end in
 *       {@link ConnectionState#FAILED} at once.
 *   <li><b>Resume</b> ({@link TransportConfig#resume()}): after a reconnect the first message is
 *       {@code session:resume {sessionId, lastSeq}}; {@code session:resumed} means the missed
 *       events are replayed (duplicates by {@code seq} are dropped) and
 *       {@link TransportEvent.Reconnected#resumed()} is {@code true}; {@code session:reset} (or no
 *       answer within the connect timeout) means a new session: requests that were in flight
 *       and expect a result are sent again, once, with their ids. A {@code request:cancelled}
 *       the application did not ask for (the server cancels what ran on a detached session and
 *       replays that) also sends the request again, as does a refusal by a draining server.
 *   <li><b>Wire log</b> ({@link TransportConfig#wireLog()}): every frame at DEBUG on logger
 *       {@code dev.voxwire.websocket.wire}, tokens and audio elided.
 * </ul>
 *
 * <p>Options ({@link TransportConfig#options()}): {@value #OPTION_PERMESSAGE_DEFLATE}
 * ({@code true} offers permessage-deflate), {@value #OPTION_MAX_FRAME_BYTES} (largest message,
 * default 4 MiB), {@value #OPTION_RETRY_INITIAL_CONNECT}, {@value #OPTION_MAX_MESSAGE_BYTES}
 * (largest message the server takes, default 1 MiB: bigger WAV files are converted to 16 kHz mono
 * before sending), {@value #OPTION_CLOSE_TIMEOUT} (close handshake wait, such as {@code 5s}).
 *
 * <p>Audio goes as base64 in JSON ({@code audio:analyze}); the server does not accept binary
 * frames yet. Thread-safe. All state changes run on one Netty event loop; listeners are called
 * there and must not block.
 */
public final class WebSocketTransport implements AudioTransport {
    /** The provider name. */
    public static final String NAME = "websocket";
    /** Option: offer permessage-deflate ({@code true}/{@code false}, default false). */
    public static final String OPTION_PERMESSAGE_DEFLATE = "permessageDeflate";
    /** Option: the largest message read, in bytes (default 4 MiB). */
    public static final String OPTION_MAX_FRAME_BYTES = "maxFrameBytes";
    /** Option: retry the first connect with the reconnect policy (default false: one attempt). */
    public static final String OPTION_RETRY_INITIAL_CONNECT = "retryInitialConnect";
    /** Option: the largest message the server accepts, in bytes (default 1 MiB). */
    public static final String OPTION_MAX_MESSAGE_BYTES = "maxMessageBytes";
    /** Option: how long a close waits for the server's close frame (default 5 s). */
    public static final String OPTION_CLOSE_TIMEOUT = "closeTimeout";
    /** The largest message the server accepts by default (its {@code maxMessageBytes}). */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(WebSocketTransport.class);
    private static final AtomicLong INSTANCES = new AtomicLong();

    private final TransportConfig config;
    private final URI uri;
    private final WebSocketConnector connector;
    private final EventLoop loop;
    private final TaskScheduler scheduler;
    private final EventDispatcher dispatcher;
    private final ConnectionStateMachine states;
    private final ReconnectController reconnect;
    private final HeartbeatMonitor heartbeat;
    private final OutboundQueue<Outgoing> queue;
    private final HealthTracker health;
    private final TransportMetrics metrics;
    private final EnvelopeCodec codec = EnvelopeCodec.lenient();
    private final EventTypes types;
    private final WireLog wire;
    private final String idPrefix;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CompletableFuture<Void> connectFuture = new CompletableFuture<>();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private final AtomicBoolean connectCalled = new AtomicBoolean();
    private final boolean retryInitialConnect;
    private final int maxMessageBytes;
    private final ConnectSpec baseSpec;

    // ---- loop-confined state --------------------------------------------------------------
    private final Map<String, Handle> requests = new LinkedHashMap<>();
    private final ArrayDeque<Outgoing> resendFirst = new ArrayDeque<>();
    private @Nullable WebSocketConnection connection;
    private @Nullable CompletableFuture<WebSocketConnection> pendingConnect;
    private long generation;
    private boolean everConnected;
    private boolean closing;
    private volatile @Nullable String sessionId;
    private volatile long lastSeq;
    private @Nullable String resumeId;
    private @Nullable String resumeOldSession;
    private @Nullable String resumeNewSession;
    private long resumeNewSeq;
    private Cancellable resumeTimer = Cancellable.NOOP;
    private int reconnectAttempts;
    private boolean reconnectPending;
    private long resumeCounter;
    private boolean goingAway;

    private WebSocketTransport(Builder b) {
        this.config = b.config;
        this.uri = toWebSocketUri(config.uri());
        this.connector = b.connector != null ? b.connector : SharedConnector.get();
        this.loop = connector.group().next();
        this.scheduler = b.scheduler != null ? b.scheduler : TaskScheduler.of(loop);
        this.types = b.types;
        this.idPrefix = "ws" + INSTANCES.incrementAndGet() + "-";
        this.dispatcher = EventDispatcher.create(NAME + " " + TransportConfig.redactQuery(uri));
        this.metrics = b.metrics != null ? b.metrics : TransportMetrics.create(NAME);
        this.health = HealthTracker.create(NAME, scheduler.clock());
        this.queue = OutboundQueue.create(config.queue());
        this.health.queueDepth(this::queueDepth).inFlight(inFlight::get);
        this.metrics.queueDepth(this::queueDepth);
        this.dispatcher.addListener(health.listener());
        TransportListener meters = metrics.listener();
        this.dispatcher.addListener(event -> {
            // received messages are counted with their size in received()
            if (!(event instanceof TransportEvent.Message || event instanceof TransportEvent.Progress
                    || event instanceof TransportEvent.Result)) {
                meters.onEvent(event);
            }
        });
        this.states = ConnectionStateMachine.create(scheduler.clock(), dispatcher::dispatch);
        this.wire = new WireLog(config.wireLog(), NAME + "[" + TransportConfig.redactQuery(uri) + "]");
        this.retryInitialConnect = Boolean.parseBoolean(config.option(OPTION_RETRY_INITIAL_CONNECT).orElse("false"));
        this.maxMessageBytes = intOption(OPTION_MAX_MESSAGE_BYTES, DEFAULT_MAX_MESSAGE_BYTES);
        ConnectSpec.Builder spec = ConnectSpec.builder(uri)
                .tls(config.tls())
                .proxy(config.proxy())
                .connectTimeout(config.connectTimeout())
                .compression(Boolean.parseBoolean(config.option(OPTION_PERMESSAGE_DEFLATE).orElse("false")))
                .maxFramePayloadBytes(intOption(OPTION_MAX_FRAME_BYTES, ConnectSpec.DEFAULT_MAX_FRAME_PAYLOAD_BYTES));
        config.option(OPTION_CLOSE_TIMEOUT).ifPresent(v -> spec.closeTimeout(
                dev.voxwire.core.flags.Durations.parse(OPTION_CLOSE_TIMEOUT, v)));
        this.baseSpec = spec.build();
        ConnectCircuitBreaker breaker = ConnectCircuitBreaker.create(NAME, b.circuitBreaker, scheduler.clock());
        ReconnectController.Builder rb = ReconnectController.builder()
                .policy(config.reconnect())
                .scheduler(scheduler)
                .circuitBreaker(breaker)
                .connectAttempt(this::reconnectAttempt)
                .listener(new ReconnectListener());
        if (b.random != null) {
            rb.random(b.random);
        }
        this.reconnect = rb.build();
        this.heartbeat = HeartbeatMonitor.create(config.heartbeat(), scheduler, this::sendPing, new HeartbeatListener());
    }

    /** A transport for {@code config} on the shared connector (its event loop threads are daemons). */
    public static WebSocketTransport create(TransportConfig config) {
        return builder(config).build();
    }

    /** A builder for {@code config}. */
    public static Builder builder(TransportConfig config) {
        return new Builder(config);
    }

    private int intOption(String name, int dflt) {
        String v = config.option(name).orElse(null);
        if (v == null) {
            return dflt;
        }
        try {
            int i = Integer.parseInt(v.trim());
            if (i <= 0) {
                throw new NumberFormatException();
            }
            return i;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + name + ": " + v + " (expected: a positive integer)");
        }
    }

    /** {@code uri} with {@code http(s)} mapped to {@code ws(s)}. */
    static URI toWebSocketUri(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("http") || scheme.equals("https")) {
            String s = uri.toString();
            return URI.create((scheme.equals("http") ? "ws" : "wss") + s.substring(scheme.length()));
        }
        return uri;
    }

    // ---- public API ------------------------------------------------------------------------

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletionStage<Void> connect() {
        if (connectCalled.compareAndSet(false, true)) {
            run(this::startFirstConnect, () -> connectFuture.completeExceptionally(closedError()));
        }
        return connectFuture;
    }

    @Override
    public RequestHandle send(Envelope request) {
        requireNonNull(request, "request");
        String id = request.id() != null ? request.id() : idPrefix + ids.incrementAndGet();
        Envelope withId = request.withId(id);
        Handle h = new Handle(id, withId, types.terminalTypesFor(request.type()));
        run(() -> submit(h), () -> h.fail(closedError(), false));
        return h;
    }

    /**
     * Sends a WAV file for analysis ({@code audio:analyze}). 16-bit PCM files that fit in one
     * message go as they are; other encodings, and files too large for one message, are
     * converted to 16 kHz mono 16-bit PCM first.
     *
     * @throws VoxwireException with {@code UNSUPPORTED_AUDIO} when the file cannot be read or decoded
     */
    public RequestHandle sendAudio(Path wavFile) {
        requireNonNull(wavFile, "wavFile");
        return sendAudio(AudioPayloads.fromWavFile(wavFile, maxMessageBytes));
    }

    /**
     * Reads raw audio of {@code format} from {@code in} to its end (on the calling thread; the
     * caller closes the stream) and sends it for analysis as 16-bit PCM, converted when the
     * stream holds another encoding.
     *
     * @throws VoxwireException with {@code PAYLOAD_TOO_LARGE} when the stream is larger than one
     *     message can carry, {@code UNSUPPORTED_AUDIO} when it cannot be read
     */
    public RequestHandle sendAudio(InputStream in, AudioFormat format) {
        requireNonNull(in, "in");
        requireNonNull(format, "format");
        return sendAudio(AudioPayloads.fromStream(in, format, maxMessageBytes * 3L / 4 - 1024));
    }

    @Override
    public Subscription onEvent(TransportListener listener) {
        return dispatcher.addListener(requireNonNull(listener, "listener"));
    }

    @Override
    public ConnectionState state() {
        return states.state();
    }

    @Override
    public TransportHealth health() {
        return health.snapshot();
    }

    /** The meters of this transport; bind them with {@code metrics().bindTo(registry)}. */
    public TransportMetrics metrics() {
        return metrics;
    }

    /** The id of the server session this transport is on (from {@code system:connected}), once known. */
    public Optional<String> sessionId() {
        return Optional.ofNullable(sessionId);
    }

    /** The highest {@code seq} seen on the current session (0 before any). */
    public long lastSeq() {
        return lastSeq;
    }

    @Override
    public CompletionStage<Void> closeAsync() {
        run(this::startClose, () -> closeFuture.complete(null));
        return closeFuture;
    }

    /**
     * Closes and waits up to {@link #DEFAULT_CLOSE_TIMEOUT}; called on the transport's event loop
     * (from a listener) it starts the close and returns without waiting.
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
        return "WebSocketTransport{" + TransportConfig.redactQuery(uri) + ", " + state() + "}";
    }

    // ---- loop helpers ----------------------------------------------------------------------

    /** Runs {@code task} on the loop, later (never inline); {@code rejected} when the loop is gone. */
    private void run(Runnable task, Runnable rejected) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            rejected.run();
        }
    }

    /** Runs {@code task} on the loop: inline when already there. For callbacks, not for API calls. */
    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            try {
                loop.execute(task);
            } catch (RejectedExecutionException e) {
                log.debug("{}: event loop gone, dropping a callback", this);
            }
        }
    }

    private int queueDepth() {
        return queue.size();
    }

    private VoxwireException closedError() {
        return new VoxwireException(ErrorCode.CLOSED, "the WebSocket transport to " + TransportConfig.redactQuery(uri)
                + " is closed");
    }

    private boolean terminal() {
        return closing || states.state().isTerminal();
    }

    // ---- connecting ------------------------------------------------------------------------

    private void startFirstConnect() {
        if (terminal() || states.state() != ConnectionState.DISCONNECTED) {
            if (terminal()) {
                connectFuture.completeExceptionally(closedError());
            }
            return;
        }
        states.transitionTo(ConnectionState.CONNECTING, null);
        attempt().whenComplete((c, err) -> onLoop(() -> {
            if (err == null) {
                return; // opened() already moved the state
            }
            VoxwireException e = ErrorClassifier.toException(err);
            if (terminal()) {
                connectFuture.completeExceptionally(closedError());
                return;
            }
            if (retryInitialConnect && e.code().retryable() && config.reconnect().enabled()) {
                states.transitionTo(ConnectionState.RECONNECTING, e.code());
                dispatcher.dispatch(TransportEvent.Error.of(e, null));
                reconnectPending = true;
                reconnectAttempts = 0;
                reconnect.connectionLost(e.code());
            } else {
                fail(e, ConnectionState.CONNECTING);
            }
        }));
    }

    /** The ReconnectController's attempt: on the scheduler's thread; hops to the loop. */
    private CompletionStage<?> reconnectAttempt() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        onLoop(() -> {
            reconnectAttempts++;
            if (terminal()) {
                done.completeExceptionally(closedError());
                return;
            }
            attempt().whenComplete((c, err) -> {
                if (err != null) {
                    done.completeExceptionally(ErrorClassifier.toException(err));
                } else {
                    done.complete(null);
                }
            });
        });
        return done;
    }

    /** One connect attempt; on success the connection is installed (on the loop) before the stage completes. */
    private CompletableFuture<WebSocketConnection> attempt() {
        CompletableFuture<WebSocketConnection> result = new CompletableFuture<>();
        ConnectSpec.Builder spec = baseSpec.toBuilder();
        try {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            Optional<String> token = config.tokenSupplier().token();
            config.headers().forEach((k, v) -> {
                if (token.isEmpty() || !k.equalsIgnoreCase("Authorization")) {
                    headers.put(k, List.of(v));
                }
            });
            token.ifPresent(t -> headers.put("Authorization", List.of("Bearer " + t)));
            spec.headers(headers);
        } catch (RuntimeException e) {
            result.completeExceptionally(new VoxwireException(ErrorCode.AUTH_FAILED,
                    "the token supplier failed: " + e.getClass().getSimpleName(), e));
            return result;
        }
        long gen = ++generation;
        wire.note("connecting (attempt generation " + gen + ")");
        CompletableFuture<WebSocketConnection> f = connector.connect(spec.build(), new ConnListener(gen));
        pendingConnect = f;
        f.whenComplete((c, err) -> onLoop(() -> {
            if (pendingConnect == f) {
                pendingConnect = null;
            }
            if (err != null) {
                wire.note("connect failed: " + ErrorClassifier.toException(err).code());
                result.completeExceptionally(err);
                return;
            }
            if (terminal() || gen != generation) {
                c.close(1000, "transport closed");
                result.completeExceptionally(closedError());
                return;
            }
            opened(c);
            result.complete(c);
        }));
        return result;
    }

    private void opened(WebSocketConnection c) {
        connection = c;
        goingAway = false;
        wire.note("connected");
        boolean first = !everConnected;
        everConnected = true;
        boolean firstAttempt = states.state() == ConnectionState.CONNECTING;
        states.transitionTo(ConnectionState.CONNECTED, null);
        if (firstAttempt) {
            reconnect.connected();
        }
        heartbeat.start();
        connectFuture.complete(null); // after the timers are armed: callers may drive a manual scheduler at once
        if (first && !reconnectPending) {
            flush();
            return;
        }
        reconnectPending = false;
        if (config.resume() && sessionId != null) {
            resumeId = "r-" + (++resumeCounter);
            resumeOldSession = sessionId;
            resumeNewSession = null;
            resumeNewSeq = 0;
            ObjectNode p = EnvelopeCodec.mapper().createObjectNode();
            p.put("sessionId", sessionId);
            p.put("lastSeq", lastSeq);
            writeRaw(c, Envelope.of(EventTypes.SESSION_RESUME, p).withId(resumeId));
            Duration wait = config.connectTimeout();
            String rid = resumeId;
            resumeTimer = scheduler.schedule(() -> onLoop(() -> {
                if (rid.equals(resumeId)) {
                    log.debug("{}: no answer to session:resume within {}; treating it as a reset", this, wait);
                    resumeAnswered(false, 0, null);
                }
            }), wait);
        } else {
            if (!first) {
                sessionReset();
                dispatcher.dispatch(new TransportEvent.Reconnected(reconnectAttempts, false, 0));
            }
            flush();
        }
    }

    // ---- connection callbacks --------------------------------------------------------------

    private final class ConnListener implements WebSocketConnection.Listener {
        private final long gen;

        ConnListener(long gen) {
            this.gen = gen;
        }

        @Override
        public void onText(WebSocketConnection c, String text) {
            onLoop(() -> {
                if (gen == generation && connection == c) {
                    received(text);
                }
            });
        }

        @Override
        public void onBinary(WebSocketConnection c, byte[] data) {
            wire.note("binary frame of " + data.length + " bytes ignored");
        }

        @Override
        public void onPong(WebSocketConnection c) {
            wire.note("pong");
            heartbeat.pongReceived();
        }

        @Override
        public void onWritabilityChanged(WebSocketConnection c, boolean writable) {
            if (writable) {
                onLoop(() -> {
                    if (connection == c) {
                        flush();
                    }
                });
            }
        }

        @Override
        public void onClosed(WebSocketConnection c, CloseInfo info) {
            onLoop(() -> connectionClosed(c, info));
        }
    }

    private void connectionClosed(WebSocketConnection c, CloseInfo info) {
        wire.note("closed " + info.code() + (info.reason().isEmpty() ? "" : " " + info.reason()));
        if (connection != c) {
            return; // an abandoned connection
        }
        connection = null;
        heartbeat.stop();
        cancelResume();
        if (terminal()) {
            return;
        }
        ErrorCode code;
        String reason;
        if (info.abnormal() || info.code() == 1005) {
            code = ErrorCode.NETWORK;
            reason = "connection lost" + info.cause().map(t -> " (" + t.getClass().getSimpleName() + ")").orElse("");
        } else if (info.code() == 1000) {
            code = ErrorCode.GOING_AWAY;
            reason = "the server closed the connection";
        } else {
            code = ErrorClassifier.fromCloseCode(info.code(), info.reason());
            reason = "the server closed the connection with " + info.code()
                    + (info.reason().isEmpty() ? "" : " (" + info.reason() + ")");
        }
        lost(code, reason);
    }

    /** The connection is gone (closed, or declared dead): reconnect or fail. */
    private void lost(ErrorCode code, String reason) {
        if (terminal() || states.state() != ConnectionState.CONNECTED) {
            return;
        }
        if (!code.retryable() || !config.reconnect().enabled()) {
            fail(new VoxwireException(code, reason), ConnectionState.CONNECTED);
            return;
        }
        states.transitionTo(ConnectionState.RECONNECTING, code);
        reconnectPending = true;
        reconnectAttempts = 0;
        reconnect.connectionLost(code);
    }

    private final class ReconnectListener implements ReconnectController.Listener {
        @Override
        public void onReconnecting(int attempt, Duration delay, ErrorCode cause) {
            onLoop(() -> {
                if (!terminal()) {
                    dispatcher.dispatch(new TransportEvent.Reconnecting(attempt, delay, cause));
                }
            });
        }

        @Override
        public void onGaveUp(ErrorCode cause, String reason) {
            onLoop(() -> {
                if (!terminal()) {
                    fail(new VoxwireException(cause, "reconnect to " + TransportConfig.redactQuery(uri)
                            + " gave up: " + reason), states.state());
                }
            });
        }
    }

    private final class HeartbeatListener implements HeartbeatMonitor.Listener {
        @Override
        public void onMissed(int missed, int threshold) {
            onLoop(() -> {
                if (!terminal()) {
                    dispatcher.dispatch(new TransportEvent.HeartbeatMissed(missed, threshold));
                }
            });
        }

        @Override
        public void onDead() {
            onLoop(() -> {
                WebSocketConnection c = connection;
                if (c == null || terminal()) {
                    return;
                }
                wire.note("heartbeat: peer unresponsive, dropping the connection");
                connection = null;
                generation++;
                cancelResume();
                c.close(1001, "heartbeat timeout");
                lost(ErrorCode.NETWORK, "no pong after " + config.heartbeat().missedThreshold() + " pings");
            });
        }

        @Override
        public void onRoundTrip(Duration roundTrip) {
            health.roundTrip(roundTrip);
            metrics.heartbeatRoundTrip(roundTrip);
        }
    }

    private void sendPing() {
        onLoop(() -> {
            WebSocketConnection c = connection;
            if (c != null) {
                wire.note("ping");
                c.ping();
            }
        });
    }

    // ---- inbound ---------------------------------------------------------------------------

    private void received(String text) {
        wire.in(text);
        Envelope e;
        try {
            e = codec.decode(text);
        } catch (VoxwireException ex) {
            log.debug("{}: ignoring an undecodable server message: {}", this, ex.getMessage());
            metrics.messageIn("invalid", text.length());
            return;
        }
        metrics.messageIn(e.type(), text.getBytes(StandardCharsets.UTF_8).length);
        String type = e.type();
        Long seq = e.seq();
        if (EventTypes.SYSTEM_CONNECTED.equals(type)) {
            String sid = e.text("sessionId").orElse(null);
            if (resumeId != null) {
                resumeNewSession = sid;
                resumeNewSeq = seq == null ? 0 : seq;
            } else {
                sessionId = sid;
                lastSeq = seq == null ? 0 : seq;
            }
            dispatcher.dispatch(new TransportEvent.Message(e, null));
            return;
        }
        if (resumeId != null && (EventTypes.SESSION_RESUMED.equals(type) || EventTypes.SESSION_RESET.equals(type)
                || e.isError() && e.requestId().filter(resumeId::equals).isPresent())) {
            if (EventTypes.SESSION_RESUMED.equals(type)) {
                int replayed = e.payload().path("replayed").asInt(0);
                resumeAnswered(true, replayed, seq);
            } else {
                // session:reset, or an error from a server that does not know session:resume
                if (seq != null) {
                    resumeNewSeq = Math.max(resumeNewSeq, seq);
                }
                resumeAnswered(false, 0, null);
            }
            return;
        }
        if (seq != null) {
            if (resumeId == null) {
                if (seq <= lastSeq) {
                    log.debug("{}: dropping duplicate {} seq {} (last {})", this, type, seq, lastSeq);
                    return;
                }
                lastSeq = seq;
            } else if (seq > lastSeq) {
                lastSeq = seq; // a replayed event of the old session
            }
        }
        route(e);
    }

    private void resumeAnswered(boolean resumed, int replayed, @Nullable Long resumedSeq) {
        cancelResume();
        if (resumed) {
            sessionId = resumeOldSession;
            if (resumedSeq != null) {
                lastSeq = resumedSeq;
            }
        } else {
            if (resumeNewSession != null) {
                sessionId = resumeNewSession;
            }
            lastSeq = resumeNewSeq;
            sessionReset();
        }
        resumeOldSession = null;
        resumeNewSession = null;
        dispatcher.dispatch(new TransportEvent.Reconnected(reconnectAttempts, resumed, replayed));
        flush();
    }

    private void cancelResume() {
        resumeTimer.cancel();
        resumeTimer = Cancellable.NOOP;
        resumeId = null;
    }

    /** A new session: the server cancelled what was in flight on the old one; send it again, once. */
    private void sessionReset() {
        List<Handle> again = new ArrayList<>();
        List<Handle> gone = new ArrayList<>();
        for (Handle h : requests.values()) {
            if (h.cancelledLocally && h.written) {
                gone.add(h); // cancelled and waiting for a confirmation the old session will never send
            } else if (h.written && !h.isDone() && !h.expectsNoAnswer()) {
                again.add(h);
            }
        }
        gone.forEach(this::forget);
        for (int i = again.size() - 1; i >= 0; i--) {
            Handle h = again.get(i);
            h.written = false;
            resendFirst.addFirst(new Outgoing(h, h.request, Priorities.of(h.request.type())));
        }
        if (!again.isEmpty()) {
            log.debug("{}: new session; sending {} in-flight requests again", this, again.size());
        }
    }

    private void route(Envelope e) {
        String rid = e.requestId().orElse(null);
        Handle h = rid == null ? null : requests.get(rid);
        if (EventTypes.SYSTEM_GOING_AWAY.equals(e.type())) {
            goingAway = true;
        }
        if (h == null) {
            if (e.isError()) {
                dispatcher.dispatch(errorEvent(e, rid));
            } else {
                dispatcher.dispatch(new TransportEvent.Message(e, rid));
            }
            return;
        }
        if (h.cancelledLocally) {
            // suppressed: the application cancelled it; forget it once the server confirms
            if (EventTypes.REQUEST_CANCELLED.equals(e.type()) || e.isError() || h.terminalTypes.contains(e.type())) {
                forget(h);
            }
            return;
        }
        if (parkable(h, e)) {
            // the server is draining: it dropped the request unprocessed; it goes out again on the next session
            log.debug("{}: request {} refused by a draining server ({}); it will be sent again after the reconnect",
                    this, rid, e.type());
            return;
        }
        if (e.isError()) {
            TransportEvent.Error ev = errorEvent(e, rid);
            dispatcher.dispatch(ev);
            h.fail(new VoxwireException(ev.code(), ev.message(), null, ev.retryAfter()), true);
            forget(h);
        } else if (EventTypes.REQUEST_CANCELLED.equals(e.type())) {
            if (config.reconnect().enabled() && !h.expectsNoAnswer()) {
                // not asked for: the server dropped it with a connection (a detach before a resume);
                // it never ran to the end, so it goes out again, once, on this session
                log.debug("{}: request {} was cancelled by the server without being asked; sending it again", this, rid);
                h.written = false;
                resendFirst.addLast(new Outgoing(h, h.request, Priorities.of(h.request.type())));
                flush();
                return;
            }
            VoxwireException ex = new VoxwireException(ErrorCode.CANCELLED, "request " + rid + " was cancelled by the server");
            dispatcher.dispatch(TransportEvent.Error.of(ex, rid));
            h.fail(ex, true);
            forget(h);
        } else if (h.terminalTypes.contains(e.type())) {
            dispatcher.dispatch(new TransportEvent.Result(rid, e));
            h.succeed(e);
            forget(h);
        } else {
            dispatcher.dispatch(new TransportEvent.Progress(rid, e));
        }
    }

    /** Whether {@code e} says a draining server dropped {@code h} without processing it. */
    private boolean parkable(Handle h, Envelope e) {
        if (!config.reconnect().enabled() || h.expectsNoAnswer()) {
            return false;
        }
        if (e.isError()) {
            return ErrorCode.GOING_AWAY.name().equals(e.payload().path("code").asText());
        }
        return goingAway && EventTypes.REQUEST_CANCELLED.equals(e.type());
    }

    private static TransportEvent.Error errorEvent(Envelope e, @Nullable String rid) {
        JsonNode p = e.payload();
        ErrorCode code = ErrorClassifier.fromWireCode(p.path("code").asText(null));
        String message = p.path("message").asText("error from the server");
        boolean retry = p.has("retrySuggested") ? p.path("retrySuggested").asBoolean() : code.retryable();
        Duration retryAfter = p.hasNonNull("retryAfterMs") ? Duration.ofMillis(Math.max(0, p.path("retryAfterMs").asLong()))
                : null;
        return new TransportEvent.Error(code, message, rid, retry, retryAfter);
    }

    private void forget(Handle h) {
        if (requests.remove(h.id) != null) {
            inFlight.decrementAndGet();
        }
        h.timeout.cancel();
        dispatcher.removeRequestListeners(h.id);
    }

    // ---- outbound --------------------------------------------------------------------------

    private record Outgoing(@Nullable Handle handle, Envelope envelope, Priority priority) {
    }

    private void submit(Handle h) {
        if (h.isDone()) {
            return;
        }
        if (terminal()) {
            h.fail(closedError(), false);
            return;
        }
        if (requests.containsKey(h.id)) {
            h.fail(new VoxwireException(ErrorCode.INVALID_PAYLOAD, "request id '" + h.id + "' is already in flight"), false);
            return;
        }
        requests.put(h.id, h);
        inFlight.incrementAndGet();
        h.timeout = scheduler.schedule(() -> onLoop(() -> requestTimedOut(h)), config.requestTimeout());
        enqueue(new Outgoing(h, h.request, Priorities.of(h.request.type())));
    }

    private void enqueue(Outgoing o) {
        if (canWriteDirectly()) {
            write(o);
            return;
        }
        String json = codec.encodeToString(o.envelope());
        OutboundQueue.Offer<Outgoing> offer = queue.offer(o, o.priority(), json.length());
        if (!offer.accepted()) {
            VoxwireException ex = requireNonNull(offer.error());
            if (o.handle() != null) {
                dispatcher.dispatch(TransportEvent.Error.of(ex, o.handle().id));
                o.handle().fail(ex, true);
                forget(o.handle());
            }
            return;
        }
        for (Outgoing dropped : offer.dropped()) {
            if (dropped.handle() != null) {
                VoxwireException ex = new VoxwireException(ErrorCode.QUEUE_FULL,
                        "dropped from the full outbound queue to make room for a " + o.priority() + " message");
                dispatcher.dispatch(TransportEvent.Error.of(ex, dropped.handle().id));
                dropped.handle().fail(ex, true);
                forget(dropped.handle());
            }
        }
    }

    private boolean canWriteDirectly() {
        WebSocketConnection c = connection;
        return c != null && resumeId == null && states.state() == ConnectionState.CONNECTED && resendFirst.isEmpty()
                && queue.isEmpty() && c.isWritable();
    }

    /** Writes what is waiting, as long as the connection is open, resumed and writable. */
    private void flush() {
        while (true) {
            WebSocketConnection c = connection;
            if (c == null || resumeId != null || states.state() != ConnectionState.CONNECTED || !c.isWritable()) {
                return;
            }
            Outgoing o = resendFirst.pollFirst();
            if (o == null) {
                o = queue.poll();
            }
            if (o == null) {
                return;
            }
            write(o);
        }
    }

    private void write(Outgoing o) {
        Handle h = o.handle();
        if (h != null && (h.isDone() && !h.cancelledLocally)) {
            return; // timed out or failed while queued
        }
        if (h != null && h.cancelledLocally && !h.written) {
            forget(h);
            return; // cancelled before it was ever sent: nothing to tell the server
        }
        WebSocketConnection c = requireNonNull(connection);
        String json = codec.encodeToString(o.envelope());
        if (h != null) {
            h.written = true;
        }
        wire.out(json);
        metrics.messageOut(o.envelope().type(), json.getBytes(StandardCharsets.UTF_8).length);
        c.sendText(json).whenComplete((v, err) -> onLoop(() -> {
            if (err == null) {
                if (h != null) {
                    h.sent.complete(null);
                    if (h.expectsNoAnswer() && !h.isDone()) {
                        h.succeed(o.envelope());
                        forget(h);
                    }
                }
                return;
            }
            // not written: the connection closed under it; it goes out again after the reconnect
            if (h != null) {
                h.written = false;
                if (!h.isDone()) {
                    resendFirst.addLast(o);
                }
            } else {
                resendFirst.addLast(o);
            }
        }));
    }

    private void writeRaw(WebSocketConnection c, Envelope e) {
        String json = codec.encodeToString(e);
        wire.out(json);
        metrics.messageOut(e.type(), json.getBytes(StandardCharsets.UTF_8).length);
        c.sendText(json);
    }

    private void requestTimedOut(Handle h) {
        if (h.isDone() || !requests.containsKey(h.id)) {
            return;
        }
        VoxwireException ex = new VoxwireException(ErrorCode.CONNECTION_TIMEOUT,
                "request " + h.id + " (" + h.request.type() + ") got no final event within " + config.requestTimeout());
        dispatcher.dispatch(TransportEvent.Error.of(ex, h.id));
        h.fail(ex, true);
        if (h.written) {
            sendCancel(h.id);
        }
        forget(h);
    }

    private void cancelRequest(Handle h) {
        if (!requests.containsKey(h.id)) {
            return;
        }
        dispatcher.removeRequestListeners(h.id);
        if (h.written) {
            sendCancel(h.id); // the handle stays, suppressing late events, until the server confirms
        } else {
            forget(h); // still queued: write() skips it
        }
    }

    private void sendCancel(String requestId) {
        ObjectNode p = EnvelopeCodec.mapper().createObjectNode();
        p.put("requestId", requestId);
        enqueue(new Outgoing(null, Envelope.of(EventTypes.REQUEST_CANCEL, p), Priority.CONTROL));
    }

    // ---- ending ----------------------------------------------------------------------------

    /** Ends in FAILED with {@code e}: everything pending fails, then Closed is the last event. */
    private void fail(VoxwireException e, ConnectionState expectedFrom) {
        if (terminal()) {
            return;
        }
        ConnectionState now = states.state();
        dispatcher.dispatch(TransportEvent.Error.of(e, null));
        if (now != ConnectionState.FAILED) {
            states.transitionTo(ConnectionState.FAILED, e.code());
        }
        connectFuture.completeExceptionally(e);
        release(e);
        dispatcher.dispatch(new TransportEvent.Closed(e.code(), String.valueOf(e.getMessage())));
        closeFuture.complete(null);
        log.debug("{} failed ({}, from {}): {}", this, e.code(), expectedFrom, e.getMessage());
    }

    private void startClose() {
        if (terminal()) {
            if (states.state().isTerminal()) {
                closeFuture.complete(null);
            }
            return;
        }
        closing = true;
        states.transitionTo(ConnectionState.CLOSING, null);
        connectFuture.completeExceptionally(closedError());
        WebSocketConnection c = connection;
        if (c != null && resumeId == null) {
            // an orderly end: tell the server to stop what it is still doing for us
            for (Handle h : requests.values()) {
                if (h.written && !h.isDone() && !h.expectsNoAnswer()) {
                    ObjectNode p = EnvelopeCodec.mapper().createObjectNode();
                    p.put("requestId", h.id);
                    writeRaw(c, Envelope.of(EventTypes.REQUEST_CANCEL, p));
                }
            }
        }
        release(closedError());
        CompletableFuture<Void> closed = c == null ? CompletableFuture.completedFuture(null)
                : c.close(1000, "client closed");
        closed.whenComplete((v, err) -> onLoop(() -> {
            states.transitionTo(ConnectionState.CLOSED, null);
            dispatcher.dispatch(new TransportEvent.Closed(null, "closed by the application"));
            closeFuture.complete(null);
        }));
    }

    /** Stops every timer, abandons the connection attempt, fails every request and queued message. */
    private void release(VoxwireException cause) {
        reconnect.close();
        heartbeat.stop();
        cancelResume();
        generation++;
        CompletableFuture<WebSocketConnection> pc = pendingConnect;
        if (pc != null) {
            pc.cancel(false);
            pendingConnect = null;
        }
        WebSocketConnection c = connection;
        connection = null;
        if (c != null && !closing) {
            c.close(1000, "transport failed");
        }
        List<Handle> all = new ArrayList<>(requests.values());
        for (Handle h : all) {
            if (!h.isDone()) {
                dispatcher.dispatch(TransportEvent.Error.of(cause, h.id));
            }
            h.fail(cause, true);
            forget(h);
        }
        resendFirst.clear();
        for (Outgoing o : queue.drain()) {
            if (o.handle() != null) {
                o.handle().fail(cause, true);
            }
        }
    }

    // ---- request handles -------------------------------------------------------------------

    private final class Handle implements RequestHandle {
        final String id;
        final Envelope request;
        final Set<String> terminalTypes;
        final CompletableFuture<Void> sent = new CompletableFuture<>();
        final CompletableFuture<Envelope> result = new CompletableFuture<>();
        final AtomicBoolean ended = new AtomicBoolean();
        volatile boolean cancelledLocally;
        // loop-confined
        boolean written;
        Cancellable timeout = Cancellable.NOOP;

        Handle(String id, Envelope request, Set<String> terminalTypes) {
            this.id = id;
            this.request = request;
            this.terminalTypes = terminalTypes;
        }

        boolean expectsNoAnswer() {
            return terminalTypes.isEmpty();
        }

        boolean isDone() {
            return ended.get();
        }

        void succeed(Envelope e) {
            if (ended.compareAndSet(false, true)) {
                result.complete(e);
            }
        }

        void fail(VoxwireException e, boolean fromLoop) {
            if (ended.compareAndSet(false, true)) {
                sent.completeExceptionally(e);
                result.completeExceptionally(e);
            }
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
            if (isDone()) {
                return () -> { };
            }
            return dispatcher.addRequestListener(id, listener);
        }

        @Override
        public boolean cancel() {
            if (!ended.compareAndSet(false, true)) {
                return false;
            }
            cancelledLocally = true;
            VoxwireException ex = new VoxwireException(ErrorCode.CANCELLED, "request " + id + " was cancelled");
            sent.completeExceptionally(ex);
            result.completeExceptionally(ex);
            run(() -> cancelRequest(this), () -> { });
            return true;
        }

        @Override
        public String toString() {
            return "RequestHandle{" + id + ", " + request.type() + (isDone() ? ", done" : "") + "}";
        }
    }

    // ---- builder ---------------------------------------------------------------------------

    /** Builds a {@link WebSocketTransport}; only the config is required. */
    public static final class Builder {
        private final TransportConfig config;
        private @Nullable WebSocketConnector connector;
        private @Nullable TaskScheduler scheduler;
        private @Nullable RandomGenerator random;
        private @Nullable TransportMetrics metrics;
        private CircuitBreakerPolicy circuitBreaker = CircuitBreakerPolicy.ofDefaults();
        private EventTypes types = EventTypes.standard();

        private Builder(TransportConfig config) {
            this.config = requireNonNull(config, "config");
            String scheme = toWebSocketUri(config.uri()).getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("ws") && !scheme.equals("wss")) {
                throw new IllegalArgumentException("uri: " + TransportConfig.redactQuery(config.uri())
                        + " (expected: ws://, wss://, http:// or https://)");
            }
        }

        /** The connector (and so the event loop) to use; default a shared one with daemon threads. Not closed by the transport. */
        public Builder connector(WebSocketConnector connector) {
            this.connector = requireNonNull(connector, "connector");
            return this;
        }

        /** Timers (heartbeat, backoff, request timeouts, breaker clock); default the connection's event loop and the UTC clock. */
        public Builder scheduler(TaskScheduler scheduler) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** The backoff jitter source; seed it in tests. */
        public Builder random(RandomGenerator random) {
            this.random = requireNonNull(random, "random");
            return this;
        }

        /** The meters; default {@code TransportMetrics.create("websocket")}. */
        public Builder metrics(TransportMetrics metrics) {
            this.metrics = requireNonNull(metrics, "metrics");
            return this;
        }

        /** The circuit breaker over connect attempts; default {@link CircuitBreakerPolicy#ofDefaults()}. */
        public Builder circuitBreaker(CircuitBreakerPolicy circuitBreaker) {
            this.circuitBreaker = requireNonNull(circuitBreaker, "circuitBreaker");
            return this;
        }

        /** The event types (to know each request's final events); default {@link EventTypes#standard()}. */
        public Builder eventTypes(EventTypes types) {
            this.types = requireNonNull(types, "types");
            return this;
        }

        public WebSocketTransport build() {
            return new WebSocketTransport(this);
        }
    }
}
