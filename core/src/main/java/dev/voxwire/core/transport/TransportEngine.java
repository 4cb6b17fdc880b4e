package dev.voxwire.core.transport;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.voxwire.core.internal.SerialContext;
import dev.voxwire.core.internal.SharedScheduler;
import dev.voxwire.core.metrics.TransportMetrics;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.protocol.EventTypes;
import dev.voxwire.core.protocol.Utf8;
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
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A complete {@link AudioTransport} over a {@link LinkOpener}: everything a client transport does
 * that does not depend on the wire. A transport supplies the opener (and its {@link Link}s) and
 * gets, through core's building blocks:
 * <ul>
 *   <li><b>Requests</b>: every {@link #send} gets an id ({@code prefix + counter} unless the
 *       envelope has one; an id already in flight fails with {@code INVALID_PAYLOAD}); server
 *       events are routed by {@code payload.requestId}; an {@code error} fails the handle, a type in
 *       {@link EventTypes#terminalTypesFor} completes it ({@link TransportEvent.Result}), anything
 *       else is {@link TransportEvent.Progress}; a request type without final events completes
 *       once written. Each request times out after {@link TransportConfig#requestTimeout()}
 *       ({@code CONNECTION_TIMEOUT}, and {@code request:cancel} if it was written).
 *   <li><b>Cancel</b>: {@link RequestHandle#cancel()} fails the handle with {@code CANCELLED}; if
 *       the request was written, {@code request:cancel} goes out and its later events are
 *       suppressed until the server confirms; if it was still queued it never goes out.
 *   <li><b>Queue</b>: while not connected, while a resume is being answered, or while the link is
 *       not {@linkplain Link#isWritable() writable}, envelopes wait in core's bounded
 *       {@link OutboundQueue} ({@link TransportConfig#queue()}) and go out once, in priority
 *       order, when the link can take them. Overflow fails the affected requests.
 *   <li><b>Lifecycle</b>: core's {@link ConnectionStateMachine}; the first connect is one attempt
 *       (or retried with the reconnect policy when {@link Builder#retryInitialConnect(boolean)});
 *       a lost link is reopened by core's {@link ReconnectController} behind a
 *       {@link ConnectCircuitBreaker} ({@link TransportEvent.Reconnecting} per attempt);
 *       non-retryable causes end in {@link ConnectionState#FAILED}.
 *   <li><b>Heartbeat</b>: core's {@link HeartbeatMonitor} calls {@link Link#ping()};
 *       {@link LinkListener#onAlive()} answers; at the threshold the link is closed
 *       ({@link Link.CloseReason#HEARTBEAT_TIMEOUT}) and the reconnect loop starts.
 *   <li><b>Resume</b> ({@link TransportConfig#resume()}, see {@link ResumeStyle}): tracks the
 *       session id (from {@code system:connected}) and the last {@code seq}, drops events with
 *       {@code seq <= lastSeq}, reports {@link TransportEvent.Reconnected#resumed()} and
 *       {@code replayed}; on a new session, requests that were written and await a result are
 *       sent again, once, with their ids. A {@code request:cancelled} the application did not ask
 *       for (the server cancels what ran on a detached session and replays that) also sends the
 *       request again, once, as does a refusal by a draining server ({@code system:going-away},
 *       then {@code error GOING_AWAY} or {@code request:cancelled}): it goes out after the reconnect.
 *   <li><b>Close</b>: {@link #closeAsync()} sends {@code request:cancel} for written requests that
 *       await a result, fails every pending request with {@code CLOSED}, closes the link, then
 *       {@code CLOSED} and {@link TransportEvent.Closed} as the last event.
 *   <li><b>Health and metrics</b>: {@link HealthTracker} and {@link TransportMetrics} are fed from
 *       the events, received messages with their size, sent messages with theirs.
 * </ul>
 *
 * <p><b>Threading.</b> All state lives in one serial context: tasks run one at a time, in order,
 * never recursively (a listener that calls {@link #send} only queues work). The context drains on
 * the {@link Builder#executor(Executor) executor} when one is given (a Netty event loop), else on
 * whichever thread submits work to an idle engine. Listeners are called from that context and
 * must not block. Thread-safe.
 */
public final class TransportEngine implements AudioTransport {
    /** How many times in a row a write may fail on a link that is still writable before the request fails. */
    public static final int MAX_WRITE_ATTEMPTS = 3;

    private static final Logger log = LoggerFactory.getLogger(TransportEngine.class);
    private static final AtomicLong INSTANCES = new AtomicLong();

    private final String name;
    private final String description;
    private final TransportConfig config;
    private final LinkOpener opener;
    private final SerialContext serial;
    private final TaskScheduler scheduler;
    private final EventDispatcher dispatcher;
    private final ConnectionStateMachine states;
    private final ConnectCircuitBreaker breaker;
    private final @Nullable RandomGenerator random;
    private volatile ReconnectController reconnect;
    private final HeartbeatMonitor heartbeat;
    private final OutboundQueue<Outgoing> queue;
    private final HealthTracker health;
    private final TransportMetrics metrics;
    private final EnvelopeCodec codec;
    private final EventTypes types;
    private final ResumeStyle resumeStyle;
    private final boolean retryInitialConnect;
    private final String idPrefix;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CompletableFuture<Void> connectFuture = new CompletableFuture<>();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private final AtomicBoolean connectCalled = new AtomicBoolean();

    // ---- confined to the serial context ----------------------------------------------------
    private final Map<String, Handle> requests = new LinkedHashMap<>();
    private final ArrayDeque<Outgoing> resendFirst = new ArrayDeque<>();
    private @Nullable Link link;
    private @Nullable CompletableFuture<Link> pendingOpen;
    private volatile long generation; // written in the serial context only; read by link callbacks
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
    private volatile @Nullable Duration reconnectDelayHint;
    private @Nullable Duration appliedDelayHint;

    private TransportEngine(Builder b) {
        this.name = b.name;
        this.config = b.config;
        this.opener = b.opener;
        this.description = b.description != null ? b.description
                : "the " + name + " transport to " + TransportConfig.redactQuery(config.uri());
        this.serial = SerialContext.create(b.executor, name);
        this.scheduler = b.scheduler != null ? b.scheduler : SharedScheduler.get();
        this.types = b.types;
        this.codec = b.codec;
        this.resumeStyle = b.resumeStyle;
        this.retryInitialConnect = b.retryInitialConnect;
        this.idPrefix = b.idPrefix != null ? b.idPrefix : name + INSTANCES.incrementAndGet() + "-";
        this.dispatcher = EventDispatcher.create(name + " " + TransportConfig.redactQuery(config.uri()));
        this.metrics = b.metrics != null ? b.metrics : TransportMetrics.create(name);
        this.health = HealthTracker.create(name, scheduler.clock());
        this.queue = OutboundQueue.create(config.queue());
        this.health.queueDepth(queue::size).inFlight(inFlight::get);
        this.metrics.queueDepth(queue::size);
        this.dispatcher.addListener(health.listener());
        TransportListener meters = metrics.listener();
        this.dispatcher.addListener(event -> {
            // received messages are counted with their size when they are decoded
            if (!(event instanceof TransportEvent.Message || event instanceof TransportEvent.Progress
                    || event instanceof TransportEvent.Result)) {
                meters.onEvent(event);
            }
        });
        this.states = ConnectionStateMachine.create(scheduler.clock(), dispatcher::dispatch);
        this.breaker = ConnectCircuitBreaker.create(name, b.circuitBreaker, scheduler.clock());
        this.random = b.random;
        this.reconnect = newReconnectController(config.reconnect());
        this.heartbeat = HeartbeatMonitor.create(config.heartbeat(), scheduler, this::sendPing, new HeartbeatListener());
    }

    private ReconnectController newReconnectController(ReconnectPolicy policy) {
        ReconnectController.Builder rb = ReconnectController.builder()
                .policy(policy)
                .scheduler(scheduler)
                .circuitBreaker(breaker)
                .connectAttempt(this::reconnectAttempt)
                .listener(new ReconnectListener());
        if (random != null) {
            rb.random(random);
        }
        return rb.build();
    }

    /** Applies the server's reconnect delay hint, if a new one came, before a reconnect loop starts. */
    private void applyDelayHint() {
        Duration hint = reconnectDelayHint;
        if (hint == null || hint.isZero() || hint.equals(appliedDelayHint)) {
            return;
        }
        appliedDelayHint = hint;
        ReconnectPolicy p = config.reconnect();
        if (!p.enabled() || hint.compareTo(p.minDelay()) <= 0) {
            return;
        }
        ReconnectPolicy.Builder pb = p.toBuilder();
        if (hint.compareTo(p.maxDelay()) > 0) {
            pb.maxDelay(hint);
        }
        pb.minDelay(hint);
        reconnect.close();
        reconnect = newReconnectController(pb.build());
        log.debug("{}: the server asked for {} between reconnects", this, hint);
    }

    /**
     * A builder for an engine named {@code name} (the provider name, such as {@code websocket}),
     * for {@code config}, opening links with {@code opener}.
     */
    public static Builder builder(String name, TransportConfig config, LinkOpener opener) {
        return new Builder(name, config, opener);
    }

    // ---- public API ------------------------------------------------------------------------

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletionStage<Void> connect() {
        if (connectCalled.compareAndSet(false, true)) {
            serial.execute(this::startFirstConnect);
        }
        return connectFuture;
    }

    @Override
    public RequestHandle send(Envelope request) {
        return submitNew(request, null);
    }

    /** Attaches {@code listener} to the request before it goes out: it sees every event of the request. */
    @Override
    public RequestHandle send(Envelope request, TransportListener listener) {
        return submitNew(request, requireNonNull(listener, "listener"));
    }

    private RequestHandle submitNew(Envelope request, @Nullable TransportListener listener) {
        requireNonNull(request, "request");
        String id = request.id() != null ? request.id() : idPrefix + ids.incrementAndGet();
        Handle h = new Handle(id, request.withId(id), types.terminalTypesFor(request.type()));
        if (listener != null) {
            h.onEvent(listener);
        }
        serial.execute(() -> submit(h));
        return h;
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

    /** The id of the server session (from {@code system:connected}), once known. */
    public Optional<String> sessionId() {
        return Optional.ofNullable(sessionId);
    }

    /** The highest {@code seq} seen on the current session (0 before any). */
    public long lastSeq() {
        return lastSeq;
    }

    /** Request ids this engine assigns start with this prefix. */
    public String idPrefix() {
        return idPrefix;
    }

    @Override
    public CompletionStage<Void> closeAsync() {
        serial.execute(this::startClose);
        return closeFuture;
    }

    /**
     * Closes and waits up to {@link #DEFAULT_CLOSE_TIMEOUT}; called from inside the engine (from a
     * listener) it starts the close and returns without waiting, since the close runs after the
     * listener returns.
     */
    @Override
    public void close() {
        if (serial.inContext()) {
            closeAsync();
        } else {
            AudioTransport.super.close();
        }
    }

    @Override
    public String toString() {
        return "TransportEngine{" + name + ", " + TransportConfig.redactQuery(config.uri()) + ", " + state() + "}";
    }

    // ---- helpers ---------------------------------------------------------------------------

    private VoxwireException closedError() {
        return new VoxwireException(ErrorCode.CLOSED, description + " is closed");
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
        attempt(0).whenComplete((l, err) -> serial.execute(() -> {
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
                applyDelayHint();
                reconnect.connectionLost(e.code());
            } else {
                fail(e);
            }
        }));
    }

    /** The ReconnectController's attempt: on the scheduler's thread; hops to the serial context. */
    private CompletionStage<?> reconnectAttempt() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        serial.execute(() -> {
            reconnectAttempts++;
            if (terminal()) {
                done.completeExceptionally(closedError());
                return;
            }
            attempt(reconnectAttempts).whenComplete((l, err) -> {
                if (err != null) {
                    done.completeExceptionally(ErrorClassifier.toException(err));
                } else {
                    done.complete(null);
                }
            });
        });
        return done;
    }

    /** One connect attempt; on success the link is installed (in the serial context) before the stage completes. */
    private CompletableFuture<Link> attempt(int attemptNo) {
        CompletableFuture<Link> result = new CompletableFuture<>();
        String token;
        try {
            token = config.tokenSupplier().token().orElse(null);
        } catch (RuntimeException e) {
            result.completeExceptionally(new VoxwireException(ErrorCode.AUTH_FAILED,
                    "the token supplier failed: " + e.getClass().getSimpleName(), e));
            return result;
        }
        String sid = sessionId;
        LinkOpenRequest.ResumePoint from = resumeStyle == ResumeStyle.AT_OPEN && attemptNo > 0 && config.resume()
                && sid != null ? new LinkOpenRequest.ResumePoint(sid, lastSeq) : null;
        long gen = ++generation;
        CompletableFuture<Link> f;
        try {
            f = requireNonNull(opener.open(LinkOpenRequest.of(token, attemptNo, from), new AttemptListener(gen)),
                    "LinkOpener.open returned null").toCompletableFuture();
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return result;
        }
        pendingOpen = f;
        AtomicBoolean timedOut = new AtomicBoolean();
        Cancellable timeout = scheduler.schedule(() -> serial.execute(() -> {
            if (!f.isDone() && timedOut.compareAndSet(false, true)) {
                f.cancel(false);
            }
        }), config.connectTimeout());
        f.whenComplete((l, err) -> serial.execute(() -> {
            timeout.cancel();
            if (pendingOpen == f) {
                pendingOpen = null;
            }
            if (err != null) {
                result.completeExceptionally(timedOut.get()
                        ? new VoxwireException(ErrorCode.CONNECTION_TIMEOUT,
                                description + ": not connected within " + config.connectTimeout())
                        : err);
                return;
            }
            if (terminal() || gen != generation) {
                l.close(Link.CloseReason.ABANDONED);
                result.completeExceptionally(closedError());
                return;
            }
            opened(l);
            result.complete(l);
        }));
        return result;
    }

    private void opened(Link l) {
        link = l;
        goingAway = false;
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
        String sid = sessionId;
        if (config.resume() && resumeStyle == ResumeStyle.IN_BAND && sid != null) {
            String rid = "r-" + (++resumeCounter);
            resumeId = rid;
            resumeOldSession = sid;
            resumeNewSession = null;
            resumeNewSeq = 0;
            ObjectNode p = EnvelopeCodec.mapper().createObjectNode();
            p.put("sessionId", sid);
            p.put("lastSeq", lastSeq);
            writeRaw(l, Envelope.of(EventTypes.SESSION_RESUME, p).withId(rid));
            Duration wait = config.connectTimeout();
            resumeTimer = scheduler.schedule(() -> serial.execute(() -> {
                if (rid.equals(resumeId)) {
                    log.debug("{}: no answer to session:resume within {}; treating it as a reset", this, wait);
                    resumeAnswered(false, 0, null);
                }
            }), wait);
        } else if (config.resume() && resumeStyle == ResumeStyle.AT_OPEN && l.resumed().orElse(false)) {
            dispatcher.dispatch(new TransportEvent.Reconnected(reconnectAttempts, true, 0));
            flush();
        } else {
            if (!first) {
                sendAgainWhatTheServerNeverGot("new session");
                dispatcher.dispatch(new TransportEvent.Reconnected(reconnectAttempts, false, 0));
            }
            flush();
        }
    }

    // ---- link callbacks --------------------------------------------------------------------

    /** The listener of one attempt; reports of superseded attempts are dropped. */
    private final class AttemptListener implements LinkListener {
        private final long gen;
        private final AtomicBoolean closed = new AtomicBoolean();

        AttemptListener(long gen) {
            this.gen = gen;
        }

        private boolean current() {
            return gen == generation && !closed.get() && !terminal();
        }

        @Override
        public void onText(String json) {
            requireNonNull(json, "json");
            serial.execute(() -> {
                if (current()) {
                    receivedText(json);
                }
            });
        }

        @Override
        public void onEnvelope(Envelope envelope, long bytes) {
            requireNonNull(envelope, "envelope");
            serial.execute(() -> {
                if (current()) {
                    metrics.messageIn(envelope.type(), bytes);
                    received(envelope);
                }
            });
        }

        @Override
        public void onAlive() {
            if (gen == generation && !closed.get()) {
                heartbeat.pongReceived();
            }
        }

        @Override
        public void onWritable() {
            serial.execute(() -> {
                if (gen == generation && link != null) {
                    flush();
                }
            });
        }

        @Override
        public void onReconnectDelayHint(Duration delay) {
            requireNonNull(delay, "delay");
            if (!delay.isNegative() && gen == generation) {
                reconnectDelayHint = delay;
            }
        }

        @Override
        public void onClosed(@Nullable VoxwireException cause) {
            if (closed.compareAndSet(false, true)) {
                serial.execute(() -> linkClosed(gen, cause));
            }
        }
    }

    private void linkClosed(long gen, @Nullable VoxwireException cause) {
        if (gen != generation || link == null) {
            return; // an abandoned link, or one that closed before it counted as open (its attempt fails)
        }
        link = null;
        generation++;
        heartbeat.stop();
        cancelResume();
        if (terminal()) {
            return;
        }
        ErrorCode code = cause == null ? ErrorCode.NETWORK : cause.code();
        String reason = cause == null ? "connection lost" : String.valueOf(cause.getMessage());
        lost(code, reason);
    }

    /** The link is gone (closed, or declared dead): reconnect or fail. */
    private void lost(ErrorCode code, String reason) {
        if (terminal() || states.state() != ConnectionState.CONNECTED) {
            return;
        }
        if (!code.retryable() || !config.reconnect().enabled()) {
            fail(new VoxwireException(code, reason));
            return;
        }
        states.transitionTo(ConnectionState.RECONNECTING, code);
        reconnectPending = true;
        reconnectAttempts = 0;
        applyDelayHint();
        reconnect.connectionLost(code);
    }

    private final class ReconnectListener implements ReconnectController.Listener {
        @Override
        public void onReconnecting(int attempt, Duration delay, ErrorCode cause) {
            serial.execute(() -> {
                if (!terminal()) {
                    dispatcher.dispatch(new TransportEvent.Reconnecting(attempt, delay, cause));
                }
            });
        }

        @Override
        public void onGaveUp(ErrorCode cause, String reason) {
            serial.execute(() -> {
                if (!terminal()) {
                    fail(new VoxwireException(cause, "reconnect of " + description + " gave up: " + reason));
                }
            });
        }
    }

    private final class HeartbeatListener implements HeartbeatMonitor.Listener {
        @Override
        public void onMissed(int missed, int threshold) {
            serial.execute(() -> {
                if (!terminal()) {
                    dispatcher.dispatch(new TransportEvent.HeartbeatMissed(missed, threshold));
                }
            });
        }

        @Override
        public void onDead() {
            serial.execute(() -> {
                Link l = link;
                if (l == null || terminal()) {
                    return;
                }
                link = null;
                generation++;
                cancelResume();
                l.close(Link.CloseReason.HEARTBEAT_TIMEOUT);
                lost(ErrorCode.NETWORK, "no answer to " + config.heartbeat().missedThreshold() + " heartbeats");
            });
        }

        @Override
        public void onRoundTrip(Duration roundTrip) {
            health.roundTrip(roundTrip);
            metrics.heartbeatRoundTrip(roundTrip);
        }
    }

    private void sendPing() {
        serial.execute(() -> {
            Link l = link;
            if (l != null) {
                try {
                    l.ping();
                } catch (RuntimeException e) {
                    log.debug("{}: ping failed; it counts as unanswered", this, e);
                }
            }
        });
    }

    // ---- inbound ---------------------------------------------------------------------------

    private void receivedText(String text) {
        Envelope e;
        try {
            e = codec.decode(text);
        } catch (VoxwireException ex) {
            log.debug("{}: ignoring an undecodable server message: {}", this, ex.getMessage());
            metrics.messageIn("invalid", text.length());
            return;
        }
        metrics.messageIn(e.type(), Utf8.encodedLength(text));
        received(e);
    }

    private void received(Envelope e) {
        String type = e.type();
        Long seq = e.seq();
        if (EventTypes.SYSTEM_CONNECTED.equals(type)) {
            String sid = e.text("sessionId").orElse(null);
            if (resumeId != null) {
                resumeNewSession = sid;
                resumeNewSeq = seq == null ? 0 : seq;
            } else if (sid == null || !sid.equals(sessionId)) {
                sessionId = sid;
                lastSeq = seq == null ? 0 : seq;
            } else if (seq != null && seq > lastSeq) {
                lastSeq = seq; // the same session again (resumed at open)
            }
            dispatcher.dispatch(new TransportEvent.Message(e, null));
            return;
        }
        String rid0 = resumeId;
        if (rid0 != null && (EventTypes.SESSION_RESUMED.equals(type) || EventTypes.SESSION_RESET.equals(type)
                || e.isError() && e.requestId().filter(rid0::equals).isPresent())) {
            if (EventTypes.SESSION_RESUMED.equals(type)) {
                resumeAnswered(true, e.payload().path("replayed").asInt(0), seq);
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
            // The server cancels every request of a session when its connection drops, and the
            // replay (already handled) carries each one's final event. A request still waiting was
            // never received: it was written into a connection that died before delivering it.
            sendAgainWhatTheServerNeverGot("resumed session");
        } else {
            if (resumeNewSession != null) {
                sessionId = resumeNewSession;
            }
            lastSeq = resumeNewSeq;
            sendAgainWhatTheServerNeverGot("new session");
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

    /**
     * After a reconnect: requests written on an earlier link that still wait for their result
     * were dropped (a new session) or never arrived (a resumed session whose replay did not end
     * them); they go out again, first, with their ids. Cancelled ones waiting for a confirmation
     * that will never come are forgotten.
     */
    private void sendAgainWhatTheServerNeverGot(String why) {
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
            h.writtenOn = null; // a write still pending on the old link no longer counts
            resendFirst.addFirst(Outgoing.of(h));
        }
        if (!again.isEmpty()) {
            log.debug("{}: {}; sending {} in-flight requests again", this, why, again.size());
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
            h.fail(new VoxwireException(ev.code(), ev.message(), null, ev.retryAfter()));
            forget(h);
        } else if (EventTypes.REQUEST_CANCELLED.equals(e.type())) {
            if (config.reconnect().enabled() && !h.expectsNoAnswer() && !h.resentAfterServerCancel) {
                // not asked for: the server dropped it with a connection (a detach before a resume);
                // it never ran to the end, so it goes out again, once, on this session
                log.debug("{}: request {} was cancelled by the server without being asked; sending it again", this, rid);
                h.resentAfterServerCancel = true;
                h.written = false;
                resendFirst.addLast(Outgoing.of(h));
                flush();
                return;
            }
            VoxwireException ex = new VoxwireException(ErrorCode.CANCELLED, "request " + rid + " was cancelled by the server");
            dispatcher.dispatch(TransportEvent.Error.of(ex, rid));
            h.fail(ex);
            forget(h);
        } else if (h.terminalTypes.contains(e.type())) {
            dispatcher.dispatch(new TransportEvent.Result(requireNonNull(rid), e));
            h.succeed(e);
            forget(h);
        } else {
            dispatcher.dispatch(new TransportEvent.Progress(requireNonNull(rid), e));
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

    /** The {@link TransportEvent.Error} for an {@code error} envelope: code, message, retry hints. */
    public static TransportEvent.Error errorEvent(Envelope e, @Nullable String requestId) {
        JsonNode p = e.payload();
        ErrorCode code = ErrorClassifier.fromWireCode(p.path("code").asText(null));
        String message = p.path("message").asText("error from the server");
        boolean retry = p.has("retrySuggested") ? p.path("retrySuggested").asBoolean() : code.retryable();
        Duration retryAfter = p.hasNonNull("retryAfterMs")
                ? Duration.ofMillis(Math.max(0, p.path("retryAfterMs").asLong())) : null;
        return new TransportEvent.Error(code, message, requestId, retry, retryAfter);
    }

    private void forget(Handle h) {
        if (requests.remove(h.id) != null) {
            inFlight.decrementAndGet();
        }
        h.timeout.cancel();
        // after the events already dispatched for it have reached its listeners
        serial.execute(() -> {
            if (!requests.containsKey(h.id)) {
                dispatcher.removeRequestListeners(h.id);
            }
        });
    }

    // ---- outbound --------------------------------------------------------------------------

    /** One envelope to write, with its JSON (encoded once). */
    private record Outgoing(@Nullable Handle handle, Envelope envelope, Priority priority, String json) {
        static Outgoing of(Handle h) {
            return new Outgoing(h, h.request, Priorities.of(h.request.type()), h.encoded);
        }
    }

    private void submit(Handle h) {
        if (h.isDone()) {
            return;
        }
        if (terminal()) {
            h.fail(closedError());
            return;
        }
        if (requests.containsKey(h.id)) {
            h.fail(new VoxwireException(ErrorCode.INVALID_PAYLOAD, "request id '" + h.id + "' is already in flight"));
            return;
        }
        try {
            h.encoded = codec.encodeToString(h.request);
        } catch (RuntimeException e) {
            VoxwireException ex = new VoxwireException(ErrorCode.INVALID_PAYLOAD,
                    "request " + h.id + " (" + h.request.type() + ") cannot be encoded: " + e.getMessage(), e);
            dispatcher.dispatch(TransportEvent.Error.of(ex, h.id));
            h.fail(ex);
            return;
        }
        requests.put(h.id, h);
        inFlight.incrementAndGet();
        h.timeout = scheduler.schedule(() -> serial.execute(() -> requestTimedOut(h)), config.requestTimeout());
        enqueue(Outgoing.of(h));
    }

    private void enqueue(Outgoing o) {
        if (canWriteDirectly()) {
            write(o);
            return;
        }
        OutboundQueue.Offer<Outgoing> offer = queue.offer(o, o.priority(), o.json().length());
        if (!offer.accepted()) {
            VoxwireException ex = requireNonNull(offer.error());
            Handle h = o.handle();
            if (h != null) {
                dispatcher.dispatch(TransportEvent.Error.of(ex, h.id));
                h.fail(ex);
                forget(h);
            }
            return;
        }
        for (Outgoing dropped : offer.dropped()) {
            Handle h = dropped.handle();
            if (h != null) {
                VoxwireException ex = new VoxwireException(ErrorCode.QUEUE_FULL,
                        "dropped from the full outbound queue to make room for a " + o.priority() + " message");
                dispatcher.dispatch(TransportEvent.Error.of(ex, h.id));
                h.fail(ex);
                forget(h);
            }
        }
    }

    private boolean canWriteDirectly() {
        Link l = link;
        return l != null && resumeId == null && states.state() == ConnectionState.CONNECTED && resendFirst.isEmpty()
                && queue.isEmpty() && l.isWritable();
    }

    /** Writes what is waiting, as long as the link is open, resumed and writable. */
    private void flush() {
        while (true) {
            Link l = link;
            if (l == null || resumeId != null || states.state() != ConnectionState.CONNECTED || !l.isWritable()) {
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
        if (h != null && h.isDone() && !h.cancelledLocally) {
            return; // timed out or failed while queued
        }
        if (h != null && h.cancelledLocally && !h.written) {
            forget(h);
            return; // cancelled before it was ever sent: nothing to tell the server
        }
        Link l = requireNonNull(link);
        String json = o.json();
        if (h != null) {
            h.written = true;
            h.writtenOn = l;
        }
        CompletionStage<Void> stage;
        try {
            metrics.messageOut(o.envelope().type(), l.wireBytes(o.envelope(), json));
            stage = requireNonNull(l.write(o.envelope(), json), "Link.write returned null");
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((v, err) -> serial.execute(() -> written(l, o, err)));
    }

    private void written(Link l, Outgoing o, @Nullable Throwable err) {
        Handle h = o.handle();
        if (err == null) {
            if (h != null) {
                h.writeFailures = 0;
                h.sent.complete(null);
                if (h.expectsNoAnswer() && !h.isDone()) {
                    h.succeed(o.envelope());
                    forget(h);
                }
            }
            return;
        }
        if (h != null && h.writtenOn != l) {
            return; // superseded: it was sent again (on a new session) after this write started
        }
        VoxwireException ex = ErrorClassifier.toException(err);
        boolean stillOpen = link == l && !terminal();
        // CLOSED, NETWORK and CONNECTION_TIMEOUT mean "not written" (the link went away under it);
        // any other code means the peer got it and refused it
        boolean refused = !notWritten(ex.code());
        boolean retryNow = stillOpen && l.isWritable();
        if (h != null) {
            h.written = false;
            if (h.isDone()) {
                return;
            }
            if (stillOpen && (refused || retryNow && ++h.writeFailures >= MAX_WRITE_ATTEMPTS)) {
                VoxwireException fail = new VoxwireException(ex.code(), "request " + h.id + " was not accepted: "
                        + ex.getMessage(), ex, ex.retryAfter().orElse(null));
                dispatcher.dispatch(TransportEvent.Error.of(fail, h.id));
                h.fail(fail);
                forget(h);
                return;
            }
        } else if (stillOpen && refused) {
            log.debug("{}: {} was refused: {}", this, o.envelope().type(), ex.getMessage());
            return;
        }
        // not written: it goes out again, first, on this link if it can still take it, else on the
        // next link (already open if this write failed late, as a POST on its own connection can)
        resendFirst.addLast(o);
        if (retryNow && h != null || !stillOpen) {
            flush();
        }
    }

    /** Whether a write failing with {@code code} means the envelope did not reach the peer. */
    static boolean notWritten(ErrorCode code) {
        return code == ErrorCode.CLOSED || code == ErrorCode.NETWORK || code == ErrorCode.CONNECTION_TIMEOUT;
    }

    private void writeRaw(Link l, Envelope e) {
        String json = codec.encodeToString(e);
        try {
            metrics.messageOut(e.type(), l.wireBytes(e, json));
            l.write(e, json);
        } catch (RuntimeException ex) {
            log.debug("{}: writing {} failed", this, e.type(), ex);
        }
    }

    private void requestTimedOut(Handle h) {
        if (h.isDone() || !requests.containsKey(h.id)) {
            return;
        }
        VoxwireException ex = new VoxwireException(ErrorCode.CONNECTION_TIMEOUT,
                "request " + h.id + " (" + h.request.type() + ") got no final event within " + config.requestTimeout());
        dispatcher.dispatch(TransportEvent.Error.of(ex, h.id));
        h.fail(ex);
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
        if (terminal()) {
            return;
        }
        ObjectNode p = EnvelopeCodec.mapper().createObjectNode();
        p.put("requestId", requestId);
        Envelope cancel = Envelope.of(EventTypes.REQUEST_CANCEL, p);
        enqueue(new Outgoing(null, cancel, Priority.CONTROL, codec.encodeToString(cancel)));
    }

    // ---- ending ----------------------------------------------------------------------------

    /** Ends in FAILED with {@code e}: everything pending fails, then Closed is the last event. */
    private void fail(VoxwireException e) {
        if (terminal()) {
            return;
        }
        dispatcher.dispatch(TransportEvent.Error.of(e, null));
        states.transitionTo(ConnectionState.FAILED, e.code());
        connectFuture.completeExceptionally(e);
        release(e);
        dispatcher.dispatch(new TransportEvent.Closed(e.code(), String.valueOf(e.getMessage())));
        closeFuture.complete(null);
        log.debug("{} failed ({}): {}", this, e.code(), e.getMessage());
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
        Link l = link;
        if (l != null && resumeId == null) {
            // an orderly end: tell the server to stop what it is still doing for us
            for (Handle h : requests.values()) {
                if (h.written && !h.isDone() && !h.expectsNoAnswer()) {
                    ObjectNode p = EnvelopeCodec.mapper().createObjectNode();
                    p.put("requestId", h.id);
                    writeRaw(l, Envelope.of(EventTypes.REQUEST_CANCEL, p));
                }
            }
        }
        link = null;
        release(closedError());
        CompletionStage<Void> closed;
        try {
            closed = l == null ? CompletableFuture.completedFuture(null) : l.close(Link.CloseReason.CLIENT_CLOSED);
        } catch (RuntimeException e) {
            closed = CompletableFuture.failedFuture(e);
        }
        closed.whenComplete((v, err) -> serial.execute(() -> {
            states.transitionTo(ConnectionState.CLOSED, null);
            dispatcher.dispatch(new TransportEvent.Closed(null, "closed by the application"));
            closeFuture.complete(null);
        }));
    }

    /** Stops every timer, abandons the connect attempt, fails every request and queued message. */
    private void release(VoxwireException cause) {
        reconnect.close();
        heartbeat.stop();
        cancelResume();
        generation++;
        CompletableFuture<Link> po = pendingOpen;
        if (po != null) {
            po.cancel(false);
            pendingOpen = null;
        }
        Link l = link;
        link = null;
        if (l != null) {
            l.close(Link.CloseReason.TRANSPORT_FAILED);
        }
        List<Handle> all = new ArrayList<>(requests.values());
        for (Handle h : all) {
            if (!h.isDone()) {
                dispatcher.dispatch(TransportEvent.Error.of(cause, h.id));
            }
            h.fail(cause);
            forget(h);
        }
        resendFirst.clear();
        for (Outgoing o : queue.drain()) {
            Handle h = o.handle();
            if (h != null) {
                h.fail(cause);
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
        // confined to the serial context
        String encoded = "";
        boolean written;
        @Nullable Link writtenOn;
        boolean resentAfterServerCancel;
        int writeFailures;
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

        void fail(VoxwireException e) {
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
            serial.execute(() -> cancelRequest(this));
            return true;
        }

        @Override
        public String toString() {
            return "RequestHandle{" + id + ", " + request.type() + (isDone() ? ", done" : "") + "}";
        }
    }

    // ---- builder ---------------------------------------------------------------------------

    /** Builds a {@link TransportEngine}; name, config and opener are required, the rest has defaults. */
    public static final class Builder {
        private final String name;
        private final TransportConfig config;
        private final LinkOpener opener;
        private @Nullable Executor executor;
        private @Nullable TaskScheduler scheduler;
        private @Nullable RandomGenerator random;
        private @Nullable TransportMetrics metrics;
        private CircuitBreakerPolicy circuitBreaker = CircuitBreakerPolicy.ofDefaults();
        private EventTypes types = EventTypes.standard();
        private EnvelopeCodec codec = EnvelopeCodec.lenient();
        private ResumeStyle resumeStyle = ResumeStyle.IN_BAND;
        private boolean retryInitialConnect;
        private @Nullable String idPrefix;
        private @Nullable String description;

        private Builder(String name, TransportConfig config, LinkOpener opener) {
            this.name = requireNonNull(name, "name");
            if (!EventTypes.TYPE_NAME.matcher(name).matches() || name.contains(":")) {
                throw new IllegalArgumentException("name: " + name + " (expected: a lower-case word such as websocket)");
            }
            this.config = requireNonNull(config, "config");
            this.opener = requireNonNull(opener, "opener");
        }

        /**
         * Where the engine's serial context drains (a Netty event loop, so that engine work and
         * I/O share a thread); default none: on whichever thread submits work to an idle engine.
         */
        public Builder executor(Executor executor) {
            this.executor = requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Timers (heartbeat, backoff, connect, resume and request timeouts) and the clock;
         * default one shared daemon timer thread and the UTC clock. Tests pass a
         * {@link dev.voxwire.core.reliability.ManualTaskScheduler}.
         */
        public Builder scheduler(TaskScheduler scheduler) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** The backoff jitter source; seed it in tests. */
        public Builder random(RandomGenerator random) {
            this.random = requireNonNull(random, "random");
            return this;
        }

        /** The meters; default {@code TransportMetrics.create(name)}. */
        public Builder metrics(TransportMetrics metrics) {
            this.metrics = requireNonNull(metrics, "metrics");
            return this;
        }

        /** The circuit breaker over connect attempts; default {@link CircuitBreakerPolicy#ofDefaults()}. */
        public Builder circuitBreaker(CircuitBreakerPolicy circuitBreaker) {
            this.circuitBreaker = requireNonNull(circuitBreaker, "circuitBreaker");
            return this;
        }

        /** The event types (each request type's final events); default {@link EventTypes#standard()}. */
        public Builder eventTypes(EventTypes types) {
            this.types = requireNonNull(types, "types");
            return this;
        }

        /** Encodes outbound and decodes inbound envelopes; default {@link EnvelopeCodec#lenient()}. */
        public Builder codec(EnvelopeCodec codec) {
            this.codec = requireNonNull(codec, "codec");
            return this;
        }

        /** How sessions are resumed after a reconnect; default {@link ResumeStyle#IN_BAND}. */
        public Builder resumeStyle(ResumeStyle resumeStyle) {
            this.resumeStyle = requireNonNull(resumeStyle, "resumeStyle");
            return this;
        }

        /**
         * Whether a retryable failure of the first connect starts the reconnect loop; default
         * {@code false}: the first connect is one attempt and its failure ends in {@code FAILED}.
         */
        public Builder retryInitialConnect(boolean retryInitialConnect) {
            this.retryInitialConnect = retryInitialConnect;
            return this;
        }

        /** The prefix of assigned request ids; default {@code name + instance number + "-"}. */
        public Builder idPrefix(String idPrefix) {
            requireNonNull(idPrefix, "idPrefix");
            if (idPrefix.isEmpty() || idPrefix.length() > 64) {
                throw new IllegalArgumentException("idPrefix: '" + idPrefix + "' (expected: 1-64 characters)");
            }
            this.idPrefix = idPrefix;
            return this;
        }

        /**
         * How error messages name this transport; default {@code "the NAME transport to URI"}
         * (query redacted). Must not contain secrets.
         */
        public Builder description(String description) {
            this.description = requireNonNull(description, "description");
            return this;
        }

        /** The engine, not yet connected. */
        public TransportEngine build() {
            return new TransportEngine(this);
        }
    }
}
