package dev.voxwire.gemini.internal;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ErrorClassifier;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.Subscription;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.audio.AudioChunker;
import dev.voxwire.core.audio.AudioConverter;
import dev.voxwire.core.audio.AudioFormat;
import dev.voxwire.core.audio.PcmAudio;
import dev.voxwire.core.audio.WavReader;
import dev.voxwire.core.reliability.Cancellable;
import dev.voxwire.core.reliability.ReconnectController;
import dev.voxwire.gemini.Content;
import dev.voxwire.gemini.FunctionResponse;
import dev.voxwire.gemini.LiveCloseException;
import dev.voxwire.gemini.LiveConfig;
import dev.voxwire.gemini.LiveEvent;
import dev.voxwire.gemini.LiveListener;
import dev.voxwire.gemini.LiveSession;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Live session over one or more connections.
 *
 * <p>State lives under {@link #lock}; events are dispatched outside it through a
 * {@link LiveEventQueue}. Outgoing messages go straight to the current connection while the
 * session is {@link Phase#OPEN}; during a {@code goAway} handover or a reconnect they wait in
 * {@link #buffer} and are flushed, in order, under the lock, the moment the new connection's
 * {@code setupComplete} arrives, before any later send can overtake them.
 */
public final class LiveSessionImpl implements LiveSession {
    private static final Logger log = LoggerFactory.getLogger(LiveSessionImpl.class);
    private static final int NORMAL = 1000;
    private static final int INVALID_ARGUMENT = 1007;

    enum Phase { CONNECTING, OPEN, HANDOVER, RECONNECTING, CLOSING, CLOSED }

    enum Kind { INITIAL, HANDOVER, RECONNECT }

    private final ClientSettings settings;
    private final LiveConfig config;
    private final LiveEventQueue events = new LiveEventQueue();
    private final ReconnectController reconnect;
    private final CompletableFuture<LiveEvent.Closed> closeFuture = new CompletableFuture<>();
    private final Consumer<LiveSessionImpl> onClosed;
    private final Object lock = new Object();

    // Guarded by lock.
    private Phase phase = Phase.CONNECTING;
    private @Nullable Conn current;
    private final Set<Conn> live = new LinkedHashSet<>();
    private final ArrayDeque<Outgoing> buffer = new ArrayDeque<>();
    private long bufferedBytes;
    private @Nullable String handle;
    private int handoverGeneration;
    private int connIds;
    private int lastCloseCode = 1006;
    private String lastCloseReason = "";

    private LiveSessionImpl(ClientSettings settings, LiveConfig config, Consumer<LiveSessionImpl> onClosed) {
        this.settings = settings;
        this.config = config;
        this.onClosed = onClosed;
        this.handle = config.resumptionHandle().orElse(null);
        this.reconnect = ReconnectController.builder()
                .policy(settings.reconnect())
                .scheduler(settings.scheduler())
                .connectAttempt(this::reconnectAttempt)
                .listener(new ReconnectController.Listener() {
                    @Override
                    public void onReconnecting(int attempt, Duration delay, ErrorCode cause) {
                        int code;
                        String reason;
                        synchronized (lock) {
                            code = lastCloseCode;
                            reason = lastCloseReason;
                        }
                        log.info("Gemini Live: connection lost ({} {}), reconnect attempt {} in {}", code, reason,
                                attempt, delay);
                        events.dispatch(new LiveEvent.Reconnecting(attempt, delay, cause, code, reason));
                    }

                    @Override
                    public void onGaveUp(ErrorCode cause, String reason) {
                        giveUp(cause, reason);
                    }
                })
                .build();
    }

    /**
     * Opens a session: completes with it once {@code setupComplete} arrived, or fails with a
     * {@link VoxwireException} ({@link LiveCloseException} when the service closed the connection).
     */
    public static CompletableFuture<LiveSession> connect(ClientSettings settings, LiveConfig config,
            @Nullable LiveListener listener, Consumer<LiveSessionImpl> onClosed) {
        requireNonNull(settings, "settings");
        requireNonNull(config, "config");
        LiveSessionImpl session = new LiveSessionImpl(settings, config, onClosed);
        if (listener != null) {
            session.events.add(listener);
        }
        CompletableFuture<LiveSession> result = new CompletableFuture<>();
        Conn c = session.openConn(session.handle, x -> session.switchTo(x, Kind.INITIAL));
        c.ready.whenComplete((conn, err) -> {
            if (err != null) {
                VoxwireException e = Secrets.sanitize(err, c.secret);
                session.failConnect(e);
                result.completeExceptionally(e);
            } else if (session.isClosed()) {
                result.completeExceptionally(new VoxwireException(ErrorCode.CLOSED,
                        "the session was closed while connecting"));
            } else {
                session.reconnect.connected();
                result.complete(session);
            }
        });
        return result;
    }

    // ---- connections ---------------------------------------------------------------------------

    private Conn openConn(@Nullable String resumeFrom, Consumer<Conn> onSetup) {
        Conn c;
        synchronized (lock) {
            c = new Conn(++connIds, resumeFrom, onSetup);
            if (phase == Phase.CLOSING || phase == Phase.CLOSED) {
                c.ready.completeExceptionally(new VoxwireException(ErrorCode.CLOSED, "the session is closed"));
                return c;
            }
            live.add(c);
        }
        Credential cred;
        try {
            cred = requireNonNull(settings.credentials().get(), "credential");
        } catch (RuntimeException e) {
            synchronized (lock) {
                live.remove(c);
            }
            c.ready.completeExceptionally(e instanceof VoxwireException ? e
                    : new VoxwireException(ErrorCode.AUTH_FAILED, "the credential supplier failed: "
                            + e.getClass().getSimpleName()));
            return c;
        }
        c.secret = cred.secret();
        Wire.Request request = settings.request(cred);
        String setup = LiveCodec.setup(config, resumeFrom);
        log.debug("Gemini Live: connection {} to {}{}", c.id, Secrets.redactUri(request.uri()),
                resumeFrom != null ? " (resuming)" : "");
        CompletableFuture<Wire.Connection> opening;
        try {
            opening = settings.wire().open(request, c);
        } catch (RuntimeException e) {
            opening = CompletableFuture.failedFuture(e);
        }
        opening.whenComplete((w, err) -> {
            if (err != null) {
                c.fail(Secrets.sanitize(err, c.secret));
                c.released();
                return;
            }
            c.opened(w, setup);
        });
        return c;
    }

    /** The new connection's setup is complete: make it current and flush what waited. Runs on its I/O thread. */
    private void switchTo(Conn c, Kind kind) {
        Conn old = null;
        boolean accepted = false;
        synchronized (lock) {
            if (phase != Phase.CLOSING && phase != Phase.CLOSED) {
                accepted = true;
                old = current;
                current = c;
                phase = Phase.OPEN;
                Wire.Connection w = c.wire();
                Outgoing o;
                while ((o = buffer.poll()) != null) {
                    w.sendText(o.json).whenComplete(o::complete);
                }
                bufferedBytes = 0;
            }
        }
        if (!accepted) {
            c.closeQuietly(NORMAL, "session closed");
            return;
        }
        if (old != null && old != c) {
            old.closeQuietly(NORMAL, "handed over to a new connection");
        }
        boolean resumed = c.resumeFrom != null;
        if (kind == Kind.HANDOVER) {
            log.debug("Gemini Live: handed over to a new connection (resumed={})", resumed);
            events.dispatch(new LiveEvent.Resumed(1, resumed, true));
        } else if (kind == Kind.RECONNECT) {
            log.info("Gemini Live: reconnected (resumed={})", resumed);
            events.dispatch(new LiveEvent.Resumed(Math.max(1, reconnect.attemptsSoFar()), resumed, false));
        }
    }

    private void onServerMessage(Conn conn, LiveCodec.ServerMessage m) {
        boolean isCurrent;
        boolean handover = false;
        synchronized (lock) {
            isCurrent = conn == current;
            for (LiveEvent e : m.events()) {
                if (e instanceof LiveEvent.SessionResumptionUpdate u && isCurrent && u.resumable()
                        && u.handle().isPresent()) {
                    handle = u.handle().get();
                } else if (e instanceof LiveEvent.GoAway && isCurrent && phase == Phase.OPEN) {
                    phase = Phase.HANDOVER;
                    handover = true;
                }
            }
        }
        for (LiveEvent e : m.events()) {
            if (!isCurrent && (e instanceof LiveEvent.GoAway || e instanceof LiveEvent.SessionResumptionUpdate)) {
                continue; // control messages of a connection already replaced
            }
            events.dispatch(e);
        }
        if (handover) {
            beginHandover();
        }
    }

    private void beginHandover() {
        String from;
        int gen;
        synchronized (lock) {
            from = config.sessionResumption() ? handle : null;
            gen = ++handoverGeneration;
        }
        log.debug("Gemini Live: goAway, opening a new connection{}", from != null ? " with the latest handle" : "");
        openResuming(from, Kind.HANDOVER).whenComplete((c, err) -> {
            if (err != null) {
                handoverFailed(gen, err);
            }
        });
    }

    private void handoverFailed(int gen, Throwable err) {
        Conn old;
        ErrorCode code = ErrorClassifier.classify(err);
        synchronized (lock) {
            if (phase != Phase.HANDOVER || gen != handoverGeneration) {
                return;
            }
            noteFailure(err);
            old = current;
            current = null;
            phase = Phase.RECONNECTING;
        }
        log.info("Gemini Live: handover connection failed ({}); reconnecting", code);
        if (old != null) {
            old.closeQuietly(NORMAL, "handover failed");
        }
        reconnect.connectionLost(code);
    }

    /** Opens a connection resuming {@code from}; when the service refuses the handle (1007), once more without it. */
    private CompletableFuture<Conn> openResuming(@Nullable String from, Kind kind) {
        Conn c = openConn(from, x -> switchTo(x, kind));
        if (from == null) {
            return c.ready;
        }
        return c.ready.exceptionallyCompose(err -> {
            Throwable t = ErrorClassifier.unwrap(err);
            if (t instanceof LiveCloseException lce && lce.closeCode() == INVALID_ARGUMENT && !isClosed()) {
                log.info("Gemini Live: the service refused the resumption handle ({}); starting a new session",
                        lce.reason());
                synchronized (lock) {
                    if (from.equals(handle)) {
                        handle = null;
                    }
                }
                return openConn(null, x -> switchTo(x, kind)).ready;
            }
            return CompletableFuture.failedFuture(err);
        });
    }

    private CompletableFuture<Conn> reconnectAttempt() {
        String from;
        synchronized (lock) {
            if (phase != Phase.RECONNECTING) {
                return CompletableFuture.failedFuture(new VoxwireException(ErrorCode.CLOSED, "the session is closed"));
            }
            from = config.sessionResumption() ? handle : null;
        }
        return openResuming(from, Kind.RECONNECT).whenComplete((c, err) -> {
            if (err != null) {
                synchronized (lock) {
                    noteFailure(err);
                }
            }
        });
    }

    /** Holds the lock. */
    private void noteFailure(Throwable err) {
        Throwable t = ErrorClassifier.unwrap(err);
        if (t instanceof LiveCloseException lce) {
            lastCloseCode = lce.closeCode();
            lastCloseReason = lce.reason();
        } else {
            lastCloseCode = 1006;
            lastCloseReason = String.valueOf(t.getMessage());
        }
    }

    private void onConnClosed(Conn conn, int code, String reason) {
        ErrorCode ec = ErrorClassifier.fromCloseCode(code, reason);
        boolean retry = false;
        boolean terminal = false;
        synchronized (lock) {
            if (conn != current) {
                return; // replaced, or never made current
            }
            switch (phase) {
                case HANDOVER:
                    current = null; // the handover connection takes over when ready
                    return;
                case OPEN:
                    current = null;
                    lastCloseCode = code;
                    lastCloseReason = reason;
                    if (ec.retryable() && settings.reconnect().enabled()) {
                        phase = Phase.RECONNECTING;
                        retry = true;
                    } else {
                        phase = Phase.CLOSED;
                        terminal = true;
                        failBuffer(ec, "the session ended: " + code + " " + reason);
                    }
                    break;
                default:
                    return;
            }
        }
        if (retry) {
            log.info("Gemini Live: connection closed with {} \"{}\" ({}): reconnecting", code, reason, ec);
            reconnect.connectionLost(ec);
        } else if (terminal) {
            log.info("Gemini Live: connection closed with {} \"{}\" ({}): not retried", code, reason, ec);
            finish(new LiveEvent.Closed(code, reason, code == NORMAL ? null : ec));
        }
    }

    private void giveUp(ErrorCode cause, String why) {
        int code;
        String reason;
        synchronized (lock) {
            if (phase != Phase.RECONNECTING) {
                return;
            }
            phase = Phase.CLOSED;
            code = lastCloseCode;
            reason = lastCloseReason.isEmpty() ? why : lastCloseReason;
            failBuffer(cause, "the session ended: " + why);
        }
        log.warn("Gemini Live: gave up reconnecting: {} ({})", why, cause);
        finish(new LiveEvent.Closed(code, reason, cause));
    }

    private void failConnect(VoxwireException e) {
        synchronized (lock) {
            if (phase == Phase.CLOSED) {
                return;
            }
            phase = Phase.CLOSED;
        }
        int code = e instanceof LiveCloseException lce ? lce.closeCode() : 1006;
        String reason = e instanceof LiveCloseException lce ? lce.reason() : String.valueOf(e.getMessage());
        finish(new LiveEvent.Closed(code, reason, e.code()));
    }

    /** Releases everything and delivers the last event. Phase is already CLOSED or CLOSING. */
    private void finish(LiveEvent.Closed closed) {
        List<Conn> conns;
        synchronized (lock) {
            phase = Phase.CLOSED;
            conns = new ArrayList<>(live);
        }
        reconnect.close();
        for (Conn c : conns) {
            c.closeQuietly(NORMAL, "session closed");
        }
        closeFuture.complete(closed);
        events.dispatch(closed);
        try {
            onClosed.accept(this);
        } catch (RuntimeException e) {
            log.debug("close callback failed", e);
        }
    }

    /** Holds the lock. */
    private void failBuffer(ErrorCode code, String message) {
        Outgoing o;
        while ((o = buffer.poll()) != null) {
            o.future.completeExceptionally(new VoxwireException(code, message));
        }
        bufferedBytes = 0;
    }

    // ---- sending -------------------------------------------------------------------------------

    private CompletableFuture<Void> enqueue(List<String> messages) {
        List<CompletableFuture<Void>> futures = new ArrayList<>(messages.size());
        synchronized (lock) {
            if (phase == Phase.CLOSING || phase == Phase.CLOSED) {
                return CompletableFuture.failedFuture(new VoxwireException(ErrorCode.CLOSED, "the session is closed"));
            }
            Conn c = current;
            if (phase == Phase.OPEN && c != null) {
                Wire.Connection w = c.wire();
                for (String m : messages) {
                    futures.add(w.sendText(m));
                }
            } else {
                long size = 0;
                for (String m : messages) {
                    size += m.length();
                }
                if (bufferedBytes + size > settings.maxBufferedBytes()) {
                    return CompletableFuture.failedFuture(new VoxwireException(ErrorCode.QUEUE_FULL,
                            "the send buffer is full while the session reconnects: " + bufferedBytes + " + " + size
                                    + " bytes (maxBufferedBytes " + settings.maxBufferedBytes() + ")"));
                }
                for (String m : messages) {
                    Outgoing o = new Outgoing(m);
                    buffer.add(o);
                    futures.add(o.future);
                }
                bufferedBytes += size;
            }
        }
        if (futures.size() == 1) {
            return futures.get(0);
        }
        return CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]));
    }

    @Override
    public CompletableFuture<Void> sendAudio(byte[] pcm16k) {
        requireNonNull(pcm16k, "pcm16k");
        List<byte[]> chunks;
        try {
            chunks = AudioChunker.split(pcm16k, AudioFormat.PCM16_MONO_16K, settings.audioChunk());
        } catch (VoxwireException e) {
            return CompletableFuture.failedFuture(e);
        }
        List<String> messages = new ArrayList<>(chunks.size());
        for (byte[] chunk : chunks) {
            messages.add(LiveCodec.audio(chunk, 0, chunk.length));
        }
        if (messages.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return enqueue(messages);
    }

    @Override
    public CompletableFuture<Void> sendAudio(PcmAudio audio) {
        requireNonNull(audio, "audio");
        PcmAudio pcm;
        try {
            pcm = AudioConverter.toPcm16Mono16k(audio);
        } catch (VoxwireException e) {
            return CompletableFuture.failedFuture(e);
        }
        return sendAudio(pcm.data());
    }

    @Override
    public CompletableFuture<Void> sendWav(byte[] wav) {
        requireNonNull(wav, "wav");
        try {
            return sendAudio(WavReader.read(wav));
        } catch (VoxwireException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Void> sendWav(Path wavFile) {
        requireNonNull(wavFile, "wavFile");
        try {
            return sendAudio(WavReader.read(wavFile));
        } catch (VoxwireException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Void> sendText(String text) {
        return enqueue(List.of(LiveCodec.text(requireNonNull(text, "text"))));
    }

    @Override
    public CompletableFuture<Void> sendClientContent(List<Content> turns, boolean turnComplete) {
        requireNonNull(turns, "turns");
        return enqueue(List.of(LiveCodec.clientContent(List.copyOf(turns), turnComplete)));
    }

    @Override
    public CompletableFuture<Void> activityStart() {
        if (config.automaticActivityDetection()) {
            return CompletableFuture.failedFuture(new VoxwireException(ErrorCode.PROTOCOL,
                    "activityStart: automatic activity detection is on (expected: "
                            + "LiveConfig.automaticActivityDetection(false))"));
        }
        return enqueue(List.of(LiveCodec.activityStart()));
    }

    @Override
    public CompletableFuture<Void> activityEnd() {
        if (config.automaticActivityDetection()) {
            return CompletableFuture.failedFuture(new VoxwireException(ErrorCode.PROTOCOL,
                    "activityEnd: automatic activity detection is on (expected: "
                            + "LiveConfig.automaticActivityDetection(false))"));
        }
        return enqueue(List.of(LiveCodec.activityEnd()));
    }

    @Override
    public CompletableFuture<Void> audioStreamEnd() {
        if (!config.automaticActivityDetection()) {
            return CompletableFuture.failedFuture(new VoxwireException(ErrorCode.PROTOCOL,
                    "audioStreamEnd: automatic activity detection is off (expected: activityEnd())"));
        }
        return enqueue(List.of(LiveCodec.audioStreamEnd()));
    }

    @Override
    public CompletableFuture<Void> sendToolResponse(List<FunctionResponse> responses) {
        requireNonNull(responses, "responses");
        if (responses.isEmpty()) {
            throw new IllegalArgumentException("responses: [] (expected: at least one)");
        }
        return enqueue(List.of(LiveCodec.toolResponse(List.copyOf(responses))));
    }

    // ---- the rest of the API -------------------------------------------------------------------

    @Override
    public LiveConfig config() {
        return config;
    }

    @Override
    public Subscription onEvent(LiveListener listener) {
        return events.add(listener);
    }

    @Override
    public Optional<String> resumptionHandle() {
        synchronized (lock) {
            return Optional.ofNullable(handle);
        }
    }

    @Override
    public boolean isClosed() {
        synchronized (lock) {
            return phase == Phase.CLOSING || phase == Phase.CLOSED;
        }
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        List<Conn> conns;
        synchronized (lock) {
            if (phase == Phase.CLOSING || phase == Phase.CLOSED) {
                return closeFuture.thenApply(c -> null);
            }
            phase = Phase.CLOSING;
            conns = new ArrayList<>(live);
            failBuffer(ErrorCode.CLOSED, "the session was closed");
        }
        reconnect.close();
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (Conn c : conns) {
            closing.add(c.closeQuietly(NORMAL, "client closed the session"));
        }
        CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0]))
                .whenComplete((ok, err) -> finish(new LiveEvent.Closed(NORMAL, "closed by the client", null)));
        return closeFuture.thenApply(c -> null);
    }

    @Override
    public CompletableFuture<LiveEvent.Closed> closeFuture() {
        return closeFuture;
    }

    @Override
    public void close() {
        try {
            closeAsync().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("Gemini Live: close did not finish in time", e);
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "LiveSession{model=" + config.model() + ", phase=" + phase + ", connections=" + live.size() + "}";
        }
    }

    /** A message waiting for a connection. */
    private static final class Outgoing {
        final String json;
        final CompletableFuture<Void> future = new CompletableFuture<>();

        Outgoing(String json) {
            this.json = json;
        }

        void complete(@Nullable Void v, @Nullable Throwable err) {
            if (err != null) {
                future.completeExceptionally(err);
            } else {
                future.complete(null);
            }
        }
    }

    /** One WebSocket connection of the session, from its opening until it is closed. */
    private final class Conn implements Wire.Listener {
        final int id;
        final @Nullable String resumeFrom;
        final Consumer<Conn> onSetup;
        final CompletableFuture<Conn> ready = new CompletableFuture<>();
        volatile @Nullable String secret;
        private volatile Wire.@Nullable Connection wire;
        private volatile boolean setupDone;
        private volatile boolean closeRequested;
        private volatile Cancellable setupTimer = Cancellable.NOOP;

        Conn(int id, @Nullable String resumeFrom, Consumer<Conn> onSetup) {
            this.id = id;
            this.resumeFrom = resumeFrom;
            this.onSetup = onSetup;
        }

        Wire.Connection wire() {
            Wire.Connection w = wire;
            if (w == null) {
                throw new IllegalStateException("connection " + id + " is not open");
            }
            return w;
        }

        void opened(Wire.Connection w, String setup) {
            wire = w;
            if (closeRequested || ready.isDone()) {
                w.close(NORMAL, "session closed");
                return;
            }
            try {
                setupTimer = settings.scheduler().schedule(this::setupTimedOut, settings.setupTimeout());
            } catch (RuntimeException e) {
                fail(new VoxwireException(ErrorCode.CLOSED, "the client is closed"));
                return;
            }
            w.sendText(setup);
        }

        private void setupTimedOut() {
            fail(new VoxwireException(ErrorCode.CONNECTION_TIMEOUT,
                    "no setupComplete from Gemini Live within " + settings.setupTimeout()));
        }

        void fail(VoxwireException e) {
            setupTimer.cancel();
            if (ready.completeExceptionally(e)) {
                Wire.Connection w = wire;
                if (w != null) {
                    w.close(NORMAL, "setup failed");
                }
            }
        }

        CompletableFuture<Void> closeQuietly(int code, String reason) {
            closeRequested = true;
            setupTimer.cancel();
            if (!ready.isDone()) {
                ready.completeExceptionally(new VoxwireException(ErrorCode.CLOSED, "the session is closed"));
            }
            Wire.Connection w = wire;
            if (w == null) {
                return CompletableFuture.completedFuture(null);
            }
            return w.close(code, reason).exceptionally(e -> null);
        }

        void released() {
            synchronized (lock) {
                live.remove(this);
            }
        }

        @Override
        public void onMessage(String text) {
            LiveCodec.ServerMessage m;
            try {
                m = LiveCodec.read(text);
            } catch (Exception e) {
                log.warn("Gemini Live: ignoring a server message that is not valid JSON ({} chars): {}",
                        text.length(), e.getClass().getSimpleName());
                return;
            }
            if (!setupDone) {
                if (m.setupComplete() && !ready.isDone()) {
                    setupDone = true;
                    setupTimer.cancel();
                    onSetup.accept(this);
                    ready.complete(this);
                }
                return; // nothing counts before setupComplete
            }
            onServerMessage(this, m);
        }

        @Override
        public void onClosed(int code, String reason) {
            setupTimer.cancel();
            released();
            String r = Secrets.scrub(reason, secret);
            log.debug("Gemini Live: connection {} closed: {} {}", id, code, r);
            if (!setupDone) {
                fail(LiveCloseException.of(code, r, "setup"));
                return;
            }
            onConnClosed(this, code, r);
        }
    }
}
