package dev.voxwire.gemini;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
import dev.voxwire.core.audio.AudioDecoder;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EventTypes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A Gemini Live session as a core {@link AudioTransport} named {@value #NAME}, so that an
 * application written against {@code AudioTransport} can talk to Gemini directly instead of to
 * a Voxwire server, chosen by the {@code voxwire.transport} flag.
 *
 * <p>Requests ({@link #send(Envelope)}) are those of the server's live bridge ({@code docs/protocol.md}
 * §4.6), so an application switches between a Voxwire server's {@code /ws/live} and Gemini by
 * the flag alone:
 * <ul>
 *   <li>{@code live:start {}} opens a live request, as on the bridge: its handle gets
 *       {@code live:ready {requestId, backend:"gemini"}}, then every session event below as a
 *       {@link TransportEvent.Progress} with {@code payload.requestId} = its id, and ends with
 *       {@code live:ended} after {@code live:end} (or an {@code error} when the session fails for
 *       good). The model session itself is set up by {@link #connect()}; one live request at a
 *       time ({@code INVALID_PAYLOAD} for a second);
 *   <li>{@code live:audio {data: PCM16 LE mono (bytes or base64), sampleRate?}} (16 kHz unless given) &rarr; audio input;
 *   <li>{@code live:text {text}} &rarr; {@code realtimeInput.text};
 *   <li>{@code live:end {}} &rarr; {@code audioStreamEnd} (or {@code activityEnd} with manual
 *       activity), and the open {@code live:start} ends with {@code live:ended};
 *   <li>{@code live:tool-response {functionResponses:[{id, name, response}]}} &rarr; {@code toolResponse};
 *   <li>{@code audio:analyze} (an {@link dev.voxwire.core.AudioRequest}: wav or pcm16) &rarr; the audio,
 *       converted to 16 kHz mono, then {@code audioStreamEnd}; its result is the next
 *       {@code live:turn-complete}.
 * </ul>
 * Events: {@code live:text {text}}, {@code live:audio {data, sampleRate}},
 * {@code live:transcript {kind: input|output, text}}, {@code live:generation-complete},
 * {@code live:turn-complete}, {@code live:interrupted}, {@code live:tool-call {functionCalls}},
 * {@code live:tool-call-cancellation {ids}}, {@code live:usage {...}}, {@code live:go-away {timeLeftMs}}:
 * progress of the open {@code live:start}, or {@link TransportEvent.Message}s when none is open;
 * reconnects as {@link TransportEvent.Reconnecting} and {@link TransportEvent.Reconnected}; and
 * {@link TransportEvent.Closed} last.
 *
 * <p>Configured from a {@link TransportConfig}: {@code uri} is the service's base (or the
 * simulator's), the token supplier gives the API key (asked on every connection), and options
 * {@value #OPTION_MODEL}, {@value #OPTION_MODALITIES} ({@code TEXT} or {@code AUDIO}),
 * {@value #OPTION_SYSTEM_INSTRUCTION}, {@value #OPTION_API_VERSION} ({@code v1beta}/{@code v1alpha}),
 * {@value #OPTION_EPHEMERAL} ({@code true}: the token is an ephemeral token) and
 * {@value #OPTION_TRANSCRIPTION} ({@code true}: input and output transcription).
 */
public final class GeminiLiveTransport implements AudioTransport {
    /** The provider name. */
    public static final String NAME = "gemini-live";
    /** Option: the model. */
    public static final String OPTION_MODEL = "gemini.model";
    /** Option: the response modality, {@code TEXT} or {@code AUDIO} (comma-separated for both). */
    public static final String OPTION_MODALITIES = "gemini.responseModalities";
    /** Option: the system instruction. */
    public static final String OPTION_SYSTEM_INSTRUCTION = "gemini.systemInstruction";
    /** Option: {@code v1beta} or {@code v1alpha}. */
    public static final String OPTION_API_VERSION = "gemini.apiVersion";
    /** Option: {@code true} when the token is an ephemeral token. */
    public static final String OPTION_EPHEMERAL = "gemini.ephemeralToken";
    /** Option: {@code true} for input and output transcription. */
    public static final String OPTION_TRANSCRIPTION = "gemini.transcription";
    /** Event: generation complete. */
    public static final String LIVE_GENERATION_COMPLETE = "live:generation-complete";
    /** Event: tool call. */
    public static final String LIVE_TOOL_CALL = "live:tool-call";
    /** Event: tool call cancellation. */
    public static final String LIVE_TOOL_CALL_CANCELLATION = "live:tool-call-cancellation";
    /** Request: tool response. */
    public static final String LIVE_TOOL_RESPONSE = "live:tool-response";
    /** Event: usage. */
    public static final String LIVE_USAGE = "live:usage";
    /** Event: goAway. */
    public static final String LIVE_GO_AWAY = "live:go-away";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final GeminiLiveClient client;
    private final boolean ownsClient;
    private final LiveConfig liveConfig;
    private final EventDispatcher dispatcher = EventDispatcher.create(NAME);
    private final ConnectionStateMachine state;
    private final Queue<Handle> awaitingTurn = new ConcurrentLinkedQueue<>();
    /** The open {@code live:start} request, which session events go to; null when none. */
    private final java.util.concurrent.atomic.AtomicReference<@Nullable Handle> live =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong ids = new AtomicLong();
    private final Object lock = new Object();
    private @Nullable CompletableFuture<Void> connecting;
    private volatile @Nullable LiveSession session;
    private volatile @Nullable ErrorCode lastError;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    private GeminiLiveTransport(GeminiLiveClient client, boolean ownsClient, LiveConfig liveConfig, Clock clock) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.liveConfig = liveConfig;
        this.state = ConnectionStateMachine.create(clock, dispatcher::dispatch);
    }

    /** A transport over a session of {@code client} (which the transport does not close). */
    public static GeminiLiveTransport create(GeminiLiveClient client, LiveConfig config) {
        return new GeminiLiveTransport(requireNonNull(client, "client"), false, requireNonNull(config, "config"),
                Clock.systemUTC());
    }

    /**
     * A transport configured by {@code config} (see the class comment), with its own client.
     *
     * @throws VoxwireException with {@link ErrorCode#AUTH_FAILED} when the config has no token
     */
    public static GeminiLiveTransport create(TransportConfig config) {
        requireNonNull(config, "config");
        GeminiLiveClient.Builder b = GeminiLiveClient.builder()
                .baseUri(config.uri())
                .tls(config.tls())
                .proxy(config.proxy())
                .connectTimeout(config.connectTimeout())
                .reconnect(config.reconnect());
        boolean ephemeral = config.option(OPTION_EPHEMERAL).map(Boolean::parseBoolean).orElse(false);
        if (config.tokenSupplier().token().isEmpty()) {
            throw new VoxwireException(ErrorCode.AUTH_FAILED,
                    "no Gemini API key (expected: TransportConfig token or tokenSupplier)");
        }
        if (ephemeral) {
            b.ephemeralTokenSupplier(() -> config.tokenSupplier().token().orElse(null));
        } else {
            b.apiKeySupplier(() -> config.tokenSupplier().token().orElse(null));
        }
        config.option(OPTION_API_VERSION).ifPresent(v -> b.apiVersion(ApiVersion.valueOf(v.trim().toUpperCase(Locale.ROOT))));
        return new GeminiLiveTransport(b.build(), true, liveConfig(config), Clock.systemUTC());
    }

    /** The {@link LiveConfig} the options of {@code config} describe. */
    static LiveConfig liveConfig(TransportConfig config) {
        LiveConfig.Builder lc = LiveConfig.builder();
        config.option(OPTION_MODEL).ifPresent(lc::model);
        config.option(OPTION_MODALITIES).ifPresent(m -> {
            List<Modality> list = new ArrayList<>();
            for (String s : m.split(",")) {
                if (!s.isBlank()) {
                    list.add(Modality.valueOf(s.trim().toUpperCase(Locale.ROOT)));
                }
            }
            if (list.isEmpty()) {
                throw new IllegalArgumentException(OPTION_MODALITIES + ": '" + m + "' (expected: TEXT or AUDIO)");
            }
            lc.responseModalities(list.get(0), list.subList(1, list.size()).toArray(new Modality[0]));
        });
        config.option(OPTION_SYSTEM_INSTRUCTION).ifPresent(lc::systemInstruction);
        boolean tx = config.option(OPTION_TRANSCRIPTION).map(Boolean::parseBoolean).orElse(false);
        lc.inputAudioTranscription(tx).outputAudioTranscription(tx);
        lc.sessionResumption(true);
        return lc.build();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The Live configuration of the session. */
    public LiveConfig liveConfig() {
        return liveConfig;
    }

    @Override
    public CompletionStage<Void> connect() {
        synchronized (lock) {
            if (connecting != null) {
                return connecting;
            }
            connecting = new CompletableFuture<>();
            if (!state.compareAndTransition(ConnectionState.DISCONNECTED, ConnectionState.CONNECTING, null)) {
                connecting.completeExceptionally(new VoxwireException(ErrorCode.CLOSED, "the transport is closed"));
                return connecting;
            }
        }
        CompletableFuture<Void> result = connecting;
        client.connect(liveConfig, this::onLiveEvent).whenComplete((s, err) -> {
            if (err != null) {
                VoxwireException e = ErrorClassifier.toException(err);
                lastError = e.code();
                if (state.compareAndTransition(ConnectionState.CONNECTING, ConnectionState.FAILED, e.code())) {
                    dispatcher.dispatch(new TransportEvent.Closed(e.code(), String.valueOf(e.getMessage())));
                }
                finishClose();
                result.completeExceptionally(e);
                return;
            }
            session = s;
            if (state.compareAndTransition(ConnectionState.CONNECTING, ConnectionState.CONNECTED, null)) {
                result.complete(null);
            } else {
                s.closeAsync();
                result.completeExceptionally(new VoxwireException(ErrorCode.CLOSED, "the transport was closed"));
            }
        });
        return result;
    }

    private void onLiveEvent(LiveEvent event) {
        if (event instanceof LiveEvent.Text t) {
            message(EventTypes.LIVE_TEXT, NODES.objectNode().put("text", t.text()));
        } else if (event instanceof LiveEvent.AudioOut a) {
            message(EventTypes.LIVE_AUDIO, NODES.objectNode()
                    .put("data", Base64.getEncoder().encodeToString(a.pcm())).put("sampleRate", a.sampleRate()));
        } else if (event instanceof LiveEvent.InputTranscription t) {
            message(EventTypes.LIVE_TRANSCRIPT, NODES.objectNode()
                    .put("kind", "input").put("text", t.text()).put("finished", t.finished()));
        } else if (event instanceof LiveEvent.OutputTranscription t) {
            message(EventTypes.LIVE_TRANSCRIPT, NODES.objectNode().put("kind", "output").put("text", t.text()));
        } else if (event instanceof LiveEvent.GenerationComplete) {
            message(LIVE_GENERATION_COMPLETE, NODES.objectNode());
        } else if (event instanceof LiveEvent.TurnComplete) {
            Handle waiting = awaitingTurn.poll();
            if (waiting != null) {
                Envelope e = Envelope.of(EventTypes.LIVE_TURN_COMPLETE,
                        NODES.objectNode().put("requestId", waiting.id));
                dispatcher.dispatch(new TransportEvent.Result(waiting.id, e));
                waiting.result.complete(e);
            } else {
                message(EventTypes.LIVE_TURN_COMPLETE, NODES.objectNode());
            }
        } else if (event instanceof LiveEvent.Interrupted) {
            message(EventTypes.LIVE_INTERRUPTED, NODES.objectNode());
        } else if (event instanceof LiveEvent.ToolCall c) {
            ObjectNode p = NODES.objectNode();
            ArrayNode calls = p.putArray("functionCalls");
            for (FunctionCall f : c.calls()) {
                calls.addObject().put("id", f.id()).put("name", f.name()).set("args", f.args());
            }
            message(LIVE_TOOL_CALL, p);
        } else if (event instanceof LiveEvent.ToolCallCancellation c) {
            ObjectNode p = NODES.objectNode();
            ArrayNode ids = p.putArray("ids");
            c.ids().forEach(ids::add);
            message(LIVE_TOOL_CALL_CANCELLATION, p);
        } else if (event instanceof LiveEvent.Usage u) {
            message(LIVE_USAGE, NODES.objectNode()
                    .put("promptTokenCount", u.usage().promptTokenCount())
                    .put("responseTokenCount", u.usage().responseTokenCount())
                    .put("totalTokenCount", u.usage().totalTokenCount()));
        } else if (event instanceof LiveEvent.GoAway g) {
            message(LIVE_GO_AWAY, NODES.objectNode().put("timeLeftMs", g.timeLeft().toMillis()));
        } else if (event instanceof LiveEvent.Reconnecting r) {
            lastError = r.cause();
            state.compareAndTransition(ConnectionState.CONNECTED, ConnectionState.RECONNECTING, r.cause());
            dispatcher.dispatch(new TransportEvent.Reconnecting(r.attempt(), r.delay(), r.cause()));
        } else if (event instanceof LiveEvent.Resumed r) {
            if (!r.handover()) {
                reconnects.incrementAndGet();
                state.compareAndTransition(ConnectionState.RECONNECTING, ConnectionState.CONNECTED, null);
                dispatcher.dispatch(new TransportEvent.Reconnected(r.attempts(), r.resumed(), 0));
            }
        } else if (event instanceof LiveEvent.Closed c) {
            onSessionClosed(c);
        }
        // SessionResumptionUpdate: kept by the session; nothing for transport listeners
    }

    /** A session event: progress of the open {@code live:start}, else a message for the transport's listeners. */
    private void message(String type, ObjectNode payload) {
        Handle h = live.get();
        if (h != null) {
            payload.put("requestId", h.id);
            dispatcher.dispatch(new TransportEvent.Progress(h.id, Envelope.of(type, payload)));
            return;
        }
        dispatcher.dispatch(new TransportEvent.Message(Envelope.of(type, payload), null));
    }

    private void onSessionClosed(LiveEvent.Closed c) {
        ConnectionState s = state.state();
        if (s == ConnectionState.CLOSING) {
            state.compareAndTransition(ConnectionState.CLOSING, ConnectionState.CLOSED, null);
            failAwaiting(ErrorCode.CLOSED, "the transport was closed");
            dispatcher.dispatch(new TransportEvent.Closed(null, "closed"));
        } else if (!s.isTerminal()) {
            ErrorCode code = c.error() != null ? c.error() : ErrorCode.CLOSED;
            lastError = code;
            if (state.compareAndTransition(s, ConnectionState.FAILED, code)) {
                failAwaiting(code, "the Gemini Live session ended: " + c.code() + " " + c.reason());
                dispatcher.dispatch(new TransportEvent.Closed(code, c.code() + " " + c.reason()));
            }
        }
        finishClose();
    }

    private void failAwaiting(ErrorCode code, String message) {
        Handle open = live.getAndSet(null);
        if (open != null) {
            awaitingTurn.add(open);
        }
        Handle h;
        while ((h = awaitingTurn.poll()) != null) {
            dispatcher.dispatch(new TransportEvent.Error(code, message, h.id, code.retryable(), null));
            h.result.completeExceptionally(new VoxwireException(code, message));
        }
    }

    private void finishClose() {
        if (ownsClient) {
            Thread t = new Thread(client::close, "voxwire-gemini-transport-close");
            t.setDaemon(true);
            t.start();
        }
        closed.complete(null);
    }

    @Override
    public RequestHandle send(Envelope request) {
        return sendWith(request, null);
    }

    /** Attaches {@code listener} before anything is sent: it sees every event of the request. */
    @Override
    public RequestHandle send(Envelope request, TransportListener listener) {
        return sendWith(request, requireNonNull(listener, "listener"));
    }

    private RequestHandle sendWith(Envelope request, @Nullable TransportListener listener) {
        requireNonNull(request, "request");
        Envelope req = request.id() == null ? request.withId("g-" + ids.incrementAndGet()) : request;
        String id = requireNonNull(req.id());
        Handle handle = new Handle(id, req);
        if (listener != null) {
            handle.onEvent(listener);
        }
        LiveSession s = session;
        CompletableFuture<Void> sent;
        boolean awaitTurn = false;
        if (s == null) {
            sent = CompletableFuture.failedFuture(new VoxwireException(ErrorCode.CLOSED,
                    "not connected (state " + state.state() + "): call connect() first"));
        } else {
            try {
                switch (req.type()) {
                    case EventTypes.LIVE_AUDIO -> {
                        byte[] pcm = bytes(req.payload().path("data"));
                        int rate = req.payload().path("sampleRate").asInt(16_000);
                        sent = s.sendAudio(AudioDecoder.toPcm16Mono16k(pcm, AudioDecoder.PCM16, rate, 1).data());
                    }
                    case EventTypes.LIVE_TEXT -> sent = s.sendText(requiredText(req, "text"));
                    case EventTypes.LIVE_END -> {
                        sent = liveConfig.automaticActivityDetection() ? s.audioStreamEnd() : s.activityEnd();
                        Handle open = live.getAndSet(null);
                        if (open != null) {
                            sent = sent.thenRun(() -> {
                                Envelope ended = Envelope.of(EventTypes.LIVE_ENDED,
                                        NODES.objectNode().put("requestId", open.id));
                                dispatcher.dispatch(new TransportEvent.Result(open.id, ended));
                                open.result.complete(ended);
                            });
                        }
                    }
                    case EventTypes.LIVE_START -> {
                        if (!live.compareAndSet(null, handle)) {
                            throw new IllegalArgumentException("a live session is already open (request "
                                    + requireNonNull(live.get()).id + "; send live:end first)");
                        }
                        awaitTurn = true; // open until live:end
                        // The model session is already open: live:ready goes out at once, but off this
                        // call, so that a listener added to the returned handle sees it (as over the bridge).
                        sent = CompletableFuture.runAsync(() -> {
                            if (live.get() == handle) {
                                message(EventTypes.LIVE_READY, NODES.objectNode().put("backend", "gemini"));
                            }
                        });
                    }
                    case LIVE_TOOL_RESPONSE -> sent = s.sendToolResponse(toolResponses(req.payload()));
                    case EventTypes.AUDIO_ANALYZE -> {
                        byte[] data = bytes(req.payload().path("data"));
                        String format = req.payload().path("format").asText(AudioDecoder.WAV);
                        int rate = req.payload().path("sampleRate").asInt(AudioDecoder.DEFAULT_SAMPLE_RATE);
                        int channels = req.payload().path("channels").asInt(AudioDecoder.DEFAULT_CHANNELS);
                        byte[] pcm = AudioDecoder.toPcm16Mono16k(data, format, rate, channels).data();
                        awaitTurn = true;
                        awaitingTurn.add(handle);
                        sent = s.sendAudio(pcm).thenCompose(v -> liveConfig.automaticActivityDetection()
                                ? s.audioStreamEnd() : CompletableFuture.completedFuture(null));
                    }
                    default -> sent = CompletableFuture.failedFuture(new VoxwireException(ErrorCode.INVALID_PAYLOAD,
                            "type: '" + req.type() + "' (expected: live:audio, live:text, live:end, live:start, "
                                    + LIVE_TOOL_RESPONSE + " or audio:analyze)"));
                }
            } catch (IllegalArgumentException e) {
                sent = CompletableFuture.failedFuture(new VoxwireException(ErrorCode.INVALID_PAYLOAD,
                        req.type() + ": " + e.getMessage()));
            } catch (VoxwireException e) {
                sent = CompletableFuture.failedFuture(e);
            }
        }
        boolean await = awaitTurn;
        sent.whenComplete((v, err) -> {
            if (err != null) {
                VoxwireException e = ErrorClassifier.toException(err);
                awaitingTurn.remove(handle);
                live.compareAndSet(handle, null);
                handle.sent.completeExceptionally(e);
                handle.result.completeExceptionally(e);
                dispatcher.dispatch(TransportEvent.Error.of(e, id));
            } else {
                handle.sent.complete(null);
                if (!await) {
                    handle.result.complete(req);
                }
            }
        });
        return handle;
    }

    /** Audio bytes: a binary node (an AudioRequest), or base64 text. */
    private static byte[] bytes(JsonNode data) {
        return data.isBinary() ? ((com.fasterxml.jackson.databind.node.BinaryNode) data).binaryValue()
                : Base64.getDecoder().decode(data.asText(""));
    }

    private static String requiredText(Envelope e, String field) {
        JsonNode n = e.payload().get(field);
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException(field + ": missing (expected: a string)");
        }
        return n.asText();
    }

    private static List<FunctionResponse> toolResponses(ObjectNode payload) {
        JsonNode arr = payload.get("functionResponses");
        if (arr == null || !arr.isArray() || arr.isEmpty()) {
            throw new IllegalArgumentException("functionResponses: missing (expected: [{id, name, response}])");
        }
        List<FunctionResponse> out = new ArrayList<>();
        for (JsonNode r : arr) {
            JsonNode resp = r.get("response");
            out.add(FunctionResponse.of(r.path("id").asText(""), r.path("name").asText(""),
                    resp != null && resp.isObject() ? (ObjectNode) resp : NODES.objectNode()));
        }
        return out;
    }

    @Override
    public Subscription onEvent(TransportListener listener) {
        return dispatcher.addListener(listener);
    }

    @Override
    public ConnectionState state() {
        return state.state();
    }

    @Override
    public TransportHealth health() {
        return new TransportHealth(NAME, state.state(), state.since(), null, reconnects.get(), 0,
                awaitingTurn.size(), lastError);
    }

    @Override
    public CompletionStage<Void> closeAsync() {
        ConnectionState s = state.state();
        if (s.isTerminal() || s == ConnectionState.CLOSING) {
            return closed;
        }
        if (!state.compareAndTransition(s, ConnectionState.CLOSING, null)) {
            return closeAsync();
        }
        LiveSession sess = session;
        if (sess == null) {
            synchronized (lock) {
                if (connecting == null) {
                    connecting = CompletableFuture.failedFuture(new VoxwireException(ErrorCode.CLOSED, "closed"));
                }
            }
            state.compareAndTransition(ConnectionState.CLOSING, ConnectionState.CLOSED, null);
            dispatcher.dispatch(new TransportEvent.Closed(null, "closed"));
            finishClose();
        } else {
            sess.closeAsync();
        }
        return closed;
    }

    @Override
    public String toString() {
        return "GeminiLiveTransport{state=" + state.state() + ", client=" + client + "}";
    }

    /** One request. */
    private final class Handle implements RequestHandle {
        private final String id;
        private final Envelope request;
        final CompletableFuture<Void> sent = new CompletableFuture<>();
        final CompletableFuture<Envelope> result = new CompletableFuture<>();

        Handle(String id, Envelope request) {
            this.id = id;
            this.request = request;
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
            return dispatcher.addRequestListener(id, listener);
        }

        @Override
        public boolean cancel() {
            if (result.isDone()) {
                return false;
            }
            awaitingTurn.remove(this);
            live.compareAndSet(this, null);
            return result.completeExceptionally(new VoxwireException(ErrorCode.CANCELLED, "cancelled"));
        }
    }
}
