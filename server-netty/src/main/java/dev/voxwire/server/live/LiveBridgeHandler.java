package dev.voxwire.server.live;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.audio.AudioConverter;
import dev.voxwire.core.audio.AudioFormat;
import dev.voxwire.core.audio.StreamingConverter;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EventTypes;
import dev.voxwire.server.EventHandler;
import dev.voxwire.server.RequestContext;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the live events by bridging each client session to a {@link LiveBackend} session.
 *
 * <ul>
 *   <li>{@code live:start} opens the model session. This request stays open for the whole live
 *       session: {@code live:ready} comes first, then {@code live:transcript}, {@code live:text},
 *       {@code live:audio}, {@code live:turn-complete} and {@code live:interrupted}, all carrying its
 *       {@code requestId}; it ends with {@code live:ended} (after {@code live:end}), an {@code error}
 *       (the backend failed for good), or {@code request:cancelled}. One live session per client
 *       session at a time.</li>
 *   <li>{@code live:audio {data, sampleRate?}} streams 16-bit mono PCM (16 kHz unless
 *       {@code sampleRate} says otherwise; other rates are converted). Audio that arrives while the
 *       model session is still opening is kept (up to {@link #DEFAULT_MAX_PENDING_AUDIO_BYTES}) and
 *       sent once it is open. {@code live:text {text}} sends text. Neither is answered.</li>
 *   <li>{@code live:end} ends the live session.</li>
 * </ul>
 * When the connection closes, the live session is closed too.
 */
public final class LiveBridgeHandler implements EventHandler {
    /** Audio kept while the model session opens: 10 s of 16 kHz PCM16. */
    public static final int DEFAULT_MAX_PENDING_AUDIO_BYTES = 320_000;

    private static final Logger log = LoggerFactory.getLogger(LiveBridgeHandler.class);
    private static final Set<String> TYPES = Set.of(EventTypes.LIVE_START, EventTypes.LIVE_AUDIO,
            EventTypes.LIVE_TEXT, EventTypes.LIVE_END);

    private final LiveBackend backend;
    private final int maxPendingAudioBytes;
    private final Map<String, Bridge> bridges = new ConcurrentHashMap<>();

    private LiveBridgeHandler(LiveBackend backend, int maxPendingAudioBytes) {
        this.backend = backend;
        this.maxPendingAudioBytes = maxPendingAudioBytes;
    }

    /** A handler bridging to {@code backend}. */
    public static LiveBridgeHandler of(LiveBackend backend) {
        return new LiveBridgeHandler(requireNonNull(backend, "backend"), DEFAULT_MAX_PENDING_AUDIO_BYTES);
    }

    /** The same handler keeping at most {@code bytes} of audio while a model session opens (> 0). */
    public LiveBridgeHandler withMaxPendingAudioBytes(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("maxPendingAudioBytes: " + bytes + " (expected: > 0)");
        }
        return new LiveBridgeHandler(backend, bytes);
    }

    /** The backend. */
    public LiveBackend backend() {
        return backend;
    }

    /** Live sessions open now. */
    public int activeSessions() {
        return bridges.size();
    }

    @Override
    public Set<String> types() {
        return TYPES;
    }

    @Override
    public void handle(Envelope request, RequestContext ctx) {
        String sessionId = ctx.session().sessionId();
        switch (request.type()) {
            case EventTypes.LIVE_START -> start(request, ctx, sessionId);
            case EventTypes.LIVE_AUDIO -> withBridge(ctx, sessionId, bridge -> bridge.audio(request.payload(), ctx));
            case EventTypes.LIVE_TEXT -> withBridge(ctx, sessionId, bridge -> {
                bridge.clientText(request.payload().path("text").asText());
                ctx.end();
            });
            case EventTypes.LIVE_END -> withBridge(ctx, sessionId, bridge -> {
                bridge.end();
                ctx.end();
            });
            default -> ctx.fail(ErrorCode.INVALID_PAYLOAD, "'" + request.type() + "' is not a live event");
        }
    }

    private void start(Envelope request, RequestContext ctx, String sessionId) {
        List<String> modalities = new ArrayList<>();
        for (JsonNode m : request.payload().path("responseModalities")) {
            String value = m.asText();
            if (!value.equals("TEXT") && !value.equals("AUDIO")) {
                ctx.fail(ErrorCode.INVALID_PAYLOAD, "responseModalities: " + value + " (expected: TEXT or AUDIO)");
                return;
            }
            modalities.add(value);
        }
        JsonNode instruction = request.payload().get("systemInstruction");
        LiveStart start = new LiveStart(ctx.session().userId(), sessionId, modalities,
                instruction == null || instruction.isNull() ? null : instruction.asText());
        Bridge bridge = new Bridge(sessionId, ctx);
        if (bridges.putIfAbsent(sessionId, bridge) != null) {
            ctx.fail(ErrorCode.INVALID_PAYLOAD, "a live session is already open on this connection (send live:end first)");
            return;
        }
        ctx.onCancel(bridge::end);
        try {
            backend.open(start, bridge).whenComplete(bridge::opened);
        } catch (RuntimeException e) {
            bridge.opened(null, e);
        }
    }

    private void withBridge(RequestContext ctx, String sessionId, Consumer<Bridge> action) {
        Bridge bridge = bridges.get(sessionId);
        if (bridge == null) {
            ctx.fail(ErrorCode.INVALID_PAYLOAD, "no live session on this connection (send live:start first)");
            return;
        }
        action.accept(bridge);
    }

    @Override
    public String toString() {
        return "LiveBridgeHandler[backend=" + backend.name() + ", active=" + bridges.size() + "]";
    }

    /** One client session's live session. */
    private final class Bridge implements LiveBackendListener {
        private final String sessionId;
        private final RequestContext start;
        private @Nullable LiveBackendSession model;
        private @Nullable ByteArrayOutputStream pendingAudio = new ByteArrayOutputStream();
        private final List<String> pendingText = new ArrayList<>();
        private @Nullable StreamingConverter converter;
        private int converterRate;
        private boolean ended;

        Bridge(String sessionId, RequestContext start) {
            this.sessionId = sessionId;
            this.start = start;
        }

        void opened(@Nullable LiveBackendSession session, @Nullable Throwable failure) {
            if (failure != null || session == null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                ErrorCode code = cause instanceof VoxwireException v ? v.code() : ErrorCode.ENGINE_ERROR;
                String message = cause instanceof VoxwireException v ? v.getMessage()
                        : "the live backend '" + backend.name() + "' could not open a session";
                log.atWarn().setMessage("live session failed to open").addKeyValue("event", "live.open-failed")
                        .addKeyValue("userId", start.session().userId()).addKeyValue("code", code.name()).log();
                bridges.remove(sessionId, this);
                start.fail(code, String.valueOf(message));
                return;
            }
            byte[] audio;
            List<String> texts;
            synchronized (this) {
                if (ended) {
                    session.close();
                    return;
                }
                model = session;
                audio = pendingAudio == null ? new byte[0] : pendingAudio.toByteArray();
                pendingAudio = null;
                texts = new ArrayList<>(pendingText);
                pendingText.clear();
            }
            start.emit(EventTypes.LIVE_READY, object().put("backend", backend.name()));
            if (audio.length > 0) {
                session.sendAudio(audio);
            }
            texts.forEach(session::sendText);
            log.atInfo().setMessage("live session open").addKeyValue("event", "live.opened")
                    .addKeyValue("userId", start.session().userId()).log();
        }

        void audio(ObjectNode payload, RequestContext ctx) {
            JsonNode data = payload.path("data");
            byte[] pcm = data.isBinary() ? ((BinaryNode) data).binaryValue() : Base64.getDecoder().decode(data.asText());
            int rate = payload.path("sampleRate").asInt(16_000);
            if (rate != 16_000) {
                if (rate < AudioFormat.MIN_SAMPLE_RATE || rate > AudioFormat.MAX_SAMPLE_RATE) {
                    ctx.fail(ErrorCode.UNSUPPORTED_AUDIO, "sampleRate: " + rate + " (expected: "
                            + AudioFormat.MIN_SAMPLE_RATE + ".." + AudioFormat.MAX_SAMPLE_RATE + ")");
                    return;
                }
                pcm = convert(pcm, rate);
            }
            if ((pcm.length & 1) != 0) {
                ctx.fail(ErrorCode.UNSUPPORTED_AUDIO, "data: " + pcm.length + " bytes (expected: whole 16-bit samples)");
                return;
            }
            LiveBackendSession target;
            synchronized (this) {
                if (ended) {
                    ctx.end();
                    return;
                }
                target = model;
                if (target == null) {
                    ByteArrayOutputStream pending = requireNonNull(pendingAudio);
                    if (pending.size() + pcm.length > maxPendingAudioBytes) {
                        ctx.fail(ErrorCode.QUEUE_FULL, "the live session is still opening and " + maxPendingAudioBytes
                                + " bytes of audio are already waiting; retry later");
                        return;
                    }
                    pending.write(pcm, 0, pcm.length);
                }
            }
            if (target != null) {
                target.sendAudio(pcm);
            }
            ctx.end();
        }

        private synchronized byte[] convert(byte[] pcm, int rate) {
            if (converter == null || converterRate != rate) {
                converter = AudioConverter.streaming(AudioFormat.pcm16(rate, 1), AudioFormat.PCM16_MONO_16K);
                converterRate = rate;
            }
            return converter.convert(pcm);
        }

        void clientText(String text) {
            LiveBackendSession target;
            synchronized (this) {
                if (ended) {
                    return;
                }
                target = model;
                if (target == null) {
                    pendingText.add(text);
                }
            }
            if (target != null) {
                target.sendText(text);
            }
        }

        /** Ends the live session: on live:end, cancellation, or connection close. */
        void end() {
            LiveBackendSession target;
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
                target = model;
                model = null;
                pendingAudio = null;
            }
            bridges.remove(sessionId, this);
            if (target != null) {
                target.close();
            }
            start.complete(EventTypes.LIVE_ENDED, object());
        }

        @Override
        public void transcript(TranscriptKind kind, String text) {
            start.emit(EventTypes.LIVE_TRANSCRIPT, object().put("kind", kind.name().toLowerCase(Locale.ROOT))
                    .put("text", text));
        }

        @Override
        public void text(String text) {
            start.emit(EventTypes.LIVE_TEXT, object().put("text", text));
        }

        @Override
        public void audio(byte[] pcm, int sampleRate) {
            start.emit(EventTypes.LIVE_AUDIO, object().put("data", Base64.getEncoder().encodeToString(pcm))
                    .put("sampleRate", sampleRate));
        }

        @Override
        public void turnComplete() {
            start.emit(EventTypes.LIVE_TURN_COMPLETE, object());
        }

        @Override
        public void interrupted() {
            start.emit(EventTypes.LIVE_INTERRUPTED, object());
        }

        @Override
        public void failed(ErrorCode code, String message) {
            LiveBackendSession target;
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
                target = model;
                model = null;
            }
            bridges.remove(sessionId, this);
            if (target != null) {
                target.close();
            }
            start.fail(code, message);
        }
    }

    private static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }
}
