package dev.voxwire.server.analysis;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.audio.AudioConverter;
import dev.voxwire.core.audio.AudioDecoder;
import dev.voxwire.core.audio.PcmAudio;
import dev.voxwire.core.audio.WavReader;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EventTypes;
import dev.voxwire.server.AnalysisProgress;
import dev.voxwire.server.AudioAnalyzer;
import dev.voxwire.server.EventHandler;
import dev.voxwire.server.RequestContext;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Serves {@code audio:analyze}: payload {@code {format?: "wav"|"pcm16", sampleRate?, channels?,
 * data: base64, analyzer?}}.
 *
 * <p>On the request's {@link RequestContext#worker() worker} (never on the calling event loop) it
 * decodes the base64 data, reads the audio ({@code wav}: PCM16 RIFF/WAVE; {@code pcm16}: raw
 * little-endian interleaved samples at {@code sampleRate}/{@code channels}, 16000/1 when absent;
 * no {@code format}: {@code wav} if the data starts with a RIFF header), converts it to 16 kHz
 * mono, and runs the selected {@link AudioAnalyzer} (by the payload's {@code analyzer} name; the
 * {@linkplain Builder#defaultAnalyzer default} is {@link DefaultAudioAnalyzer#NAME}).
 *
 * <p>Events, in order, each carrying the request's {@code requestId}:
 * <ol>
 *   <li>{@code analysis:progress {stage: "decoded", progress: 0.1}} once the audio is decoded;
 *   <li>{@code analysis:progress {stage, progress}} for each report of the analyzer that advances
 *       the progress ({@code progress} = 0.1 + 0.9 &times; the analyzer's fraction, three decimals;
 *       the built-in analyzer reports {@code "analyzing"} at 0.4, 0.7 and 1.0);
 *   <li>{@code analysis:result} with {@code analyzer}, {@code durationMs}, {@code sampleRate} and
 *       {@code channels} of the input as sent, then the analyzer's fields.
 * </ol>
 * The events depend only on the input, so the same audio gives the same events every time.
 *
 * <p>Errors: an unknown analyzer gives {@code INVALID_PAYLOAD} naming the available ones; audio
 * that cannot be decoded (unknown format, bad header, odd byte count, empty, too long) gives
 * {@code UNSUPPORTED_AUDIO} saying why; an analyzer that throws gives {@code ENGINE_ERROR}.
 * Cancellation is checked between stages and by the analyzer between chunks: a cancelled request
 * sends nothing more. Requests are independent and run concurrently. Immutable and thread-safe.
 */
public final class AnalysisHandler implements EventHandler {
    /** Default longest audio accepted: 10 minutes. */
    public static final Duration DEFAULT_MAX_DURATION = Duration.ofMinutes(10);
    /** The stage of the first progress event. */
    public static final String STAGE_DECODED = "decoded";
    /** The progress reported once the audio is decoded. */
    public static final double DECODED_PROGRESS = 0.1;

    private static final Logger log = LoggerFactory.getLogger(AnalysisHandler.class);
    private static final Set<String> RESERVED = Set.of("analyzer", "durationMs", "sampleRate", "channels", "requestId");
    private static final int MIN_RATE = 1000;
    private static final int MAX_RATE = 384_000;
    private static final int MAX_CHANNELS = 32;

    private final Map<String, AudioAnalyzer> analyzers;
    private final String defaultAnalyzer;
    private final Duration maxDuration;

    private AnalysisHandler(Builder b) {
        this.analyzers = Collections.unmodifiableMap(new LinkedHashMap<>(b.analyzers));
        this.defaultAnalyzer = b.defaultAnalyzer;
        this.maxDuration = b.maxDuration;
    }

    /** A handler with only the built-in analyzer. */
    public static AnalysisHandler ofDefaults() {
        return builder().build();
    }

    /** A builder that already holds the built-in {@link DefaultAudioAnalyzer}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this handler's settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.analyzers.clear();
        b.analyzers.putAll(analyzers);
        b.defaultAnalyzer = defaultAnalyzer;
        b.maxDuration = maxDuration;
        return b;
    }

    @Override
    public Set<String> types() {
        return Set.of(EventTypes.AUDIO_ANALYZE);
    }

    /** The analyzers by name, in registration order. */
    public Map<String, AudioAnalyzer> analyzers() {
        return analyzers;
    }

    /** The name of the analyzer used when a request names none. */
    public String defaultAnalyzer() {
        return defaultAnalyzer;
    }

    /** The longest audio accepted. */
    public Duration maxDuration() {
        return maxDuration;
    }

    @Override
    public void handle(Envelope request, RequestContext ctx) {
        ObjectNode p = request.payload();
        JsonNode dataNode = p.get("data");
        if (dataNode == null || !(dataNode.isTextual() || dataNode.isBinary())) {
            ctx.fail(ErrorCode.INVALID_PAYLOAD, "data: " + (dataNode == null ? "missing" : dataNode.getNodeType())
                    + " (expected: base64 audio as a string, or the bytes of a binary frame)");
            return;
        }
        for (String field : new String[] {"format", "analyzer"}) {
            JsonNode n = p.get(field);
            if (n != null && !n.isNull() && !n.isTextual()) {
                ctx.fail(ErrorCode.INVALID_PAYLOAD, field + ": " + n + " (expected: a string)");
                return;
            }
        }
        String analyzerName = request.text("analyzer").orElse(defaultAnalyzer);
        AudioAnalyzer analyzer = analyzers.get(analyzerName);
        if (analyzer == null) {
            ctx.fail(ErrorCode.INVALID_PAYLOAD,
                    "analyzer: " + analyzerName + " (expected: one of " + analyzers.keySet() + ")");
            return;
        }
        @Nullable String format = request.text("format").orElse(null);
        if (format != null && !format.equals("wav") && !format.equals("pcm16")) {
            ctx.fail(ErrorCode.UNSUPPORTED_AUDIO, "format: " + format + " (expected: wav or pcm16)");
            return;
        }
        int sampleRate;
        int channels;
        try {
            sampleRate = optionalInt(p, "sampleRate", MIN_RATE, MAX_RATE);
            channels = optionalInt(p, "channels", 1, MAX_CHANNELS);
        } catch (VoxwireException e) {
            ctx.fail(e.code(), requireNonNull(e.getMessage()));
            return;
        }
        JsonNode data = dataNode;
        try {
            ctx.worker().execute(() -> run(ctx, analyzer, data, format, sampleRate, channels));
        } catch (RejectedExecutionException e) {
            ctx.fail(ErrorCode.SERVER_ERROR, "the server is too busy to analyse audio now; try again later");
        }
    }

    /** The field's value, 0 when absent; UNSUPPORTED_AUDIO when out of range. */
    private static int optionalInt(ObjectNode p, String field, int min, int max) {
        JsonNode n = p.get(field);
        if (n == null || n.isNull()) {
            return 0;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw new VoxwireException(ErrorCode.INVALID_PAYLOAD, field + ": " + n + " (expected: an integer)");
        }
        int v = n.intValue();
        if (v < min || v > max) {
            throw new VoxwireException(ErrorCode.UNSUPPORTED_AUDIO,
                    field + ": " + v + " (expected: " + min + ".." + max + ")");
        }
        return v;
    }

    private void run(RequestContext ctx, AudioAnalyzer analyzer, JsonNode data, @Nullable String format,
            int sampleRate, int channels) {
        try {
            if (ctx.isCancelled()) {
                return;
            }
            Decoded audio;
            try {
                audio = decode(data, format, sampleRate, channels);
            } catch (VoxwireException e) {
                ctx.fail(e.code(), requireNonNull(e.getMessage()));
                return;
            } catch (RuntimeException e) {
                ctx.fail(ErrorCode.UNSUPPORTED_AUDIO, "the audio cannot be decoded: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()));
                return;
            }
            if (ctx.isCancelled()) {
                return;
            }
            ctx.emit(EventTypes.ANALYSIS_PROGRESS, progress(STAGE_DECODED, DECODED_PROGRESS));
            Progress progress = new Progress(ctx);
            ObjectNode fields;
            try {
                fields = analyzer.analyze(audio.mono16k, progress);
            } catch (CancellationException e) {
                return;
            } catch (VoxwireException e) {
                if (!ctx.isCancelled()) {
                    ctx.fail(e.code(), requireNonNull(e.getMessage()));
                }
                return;
            } catch (RuntimeException e) {
                if (!ctx.isCancelled()) {
                    logged(log.atWarn().setMessage("analyzer {} failed on request {}: {}").addArgument(analyzer.name())
                            .addArgument(ctx.requestId()).addArgument(e.getClass().getName()), ctx, "analysis.analyzer-failed",
                            Map.of("analyzer", analyzer.name(), "exception", e.getClass().getName())).log();
                    ctx.fail(ErrorCode.ENGINE_ERROR, "the " + analyzer.name() + " analyzer failed; try again later");
                }
                return;
            }
            if (ctx.isCancelled()) {
                return;
            }
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            result.put("analyzer", analyzer.name());
            result.put("durationMs", audio.durationMs);
            result.put("sampleRate", audio.sampleRate);
            result.put("channels", audio.channels);
            if (fields != null) {
                for (Map.Entry<String, JsonNode> e : fields.properties()) {
                    if (!RESERVED.contains(e.getKey())) {
                        result.set(e.getKey(), e.getValue());
                    }
                }
            }
            ctx.complete(EventTypes.ANALYSIS_RESULT, result);
        } catch (RuntimeException e) {
            logged(log.atError().setMessage("audio analysis failed unexpectedly on request {}")
                    .addArgument(ctx.requestId()), ctx, "analysis.failed", Map.of())
                    .setCause(e).log();
            ctx.fail(ErrorCode.SERVER_ERROR, "the audio analysis failed unexpectedly; try again later");
        }
    }

    private Decoded decode(JsonNode data, @Nullable String format, int sampleRate, int channels) {
        byte[] bytes;
        try {
            bytes = data.isBinary() ? ((BinaryNode) data).binaryValue() : Base64.getDecoder().decode(data.asText());
        } catch (IllegalArgumentException e) {
            throw new VoxwireException(ErrorCode.INVALID_PAYLOAD, "data: not valid base64 (" + e.getMessage() + ")");
        }
        if (bytes.length == 0) {
            throw new VoxwireException(ErrorCode.UNSUPPORTED_AUDIO, "data: empty (expected: audio bytes)");
        }
        String fmt = format;
        if (fmt == null) {
            if (!isRiff(bytes)) {
                throw new VoxwireException(ErrorCode.UNSUPPORTED_AUDIO,
                        "format: missing and the data is not a WAV file (expected: format wav or pcm16)");
            }
            fmt = "wav";
        }
        try {
            return decodeAudio(bytes, fmt, sampleRate, channels);
        } catch (VoxwireException e) {
            if (e.code() == ErrorCode.UNSUPPORTED_AUDIO) {
                throw e;
            }
            throw new VoxwireException(ErrorCode.UNSUPPORTED_AUDIO, requireNonNull(e.getMessage()), e);
        }
    }

    private Decoded decodeAudio(byte[] bytes, String fmt, int sampleRate, int channels) {
        Decoded d;
        if (fmt.equals("wav")) {
            PcmAudio original = WavReader.read(bytes);
            checkNotEmpty(original.frames());
            checkDuration(original.frames(), original.sampleRate());
            d = new Decoded(AudioConverter.toPcm16Mono16k(original), original.sampleRate(), original.channels(),
                    Math.round(original.frames() * 1000.0 / original.sampleRate()));
        } else {
            int rate = sampleRate == 0 ? 16_000 : sampleRate;
            int ch = channels == 0 ? 1 : channels;
            if (bytes.length % (2 * ch) != 0) {
                throw new VoxwireException(ErrorCode.UNSUPPORTED_AUDIO, "data: " + bytes.length
                        + " bytes (expected: whole pcm16 frames, a multiple of " + 2 * ch + " bytes for " + ch
                        + " channel(s))");
            }
            int frames = bytes.length / (2 * ch);
            checkDuration(frames, rate);
            d = new Decoded(AudioDecoder.toPcm16Mono16k(bytes, "pcm16", rate, ch), rate, ch,
                    Math.round(frames * 1000.0 / rate));
        }
        checkNotEmpty(d.mono16k.frames());
        return d;
    }

    private static boolean isRiff(byte[] b) {
        return b.length >= 4 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F';
    }

    private static void checkNotEmpty(int frames) {
        if (frames == 0) {
            throw new VoxwireException(ErrorCode.UNSUPPORTED_AUDIO, "the audio holds no samples");
        }
    }

    private void checkDuration(long frames, int rate) {
        if (frames * 1000L / rate > maxDuration.toMillis()) {
            throw new VoxwireException(ErrorCode.UNSUPPORTED_AUDIO, "duration: "
                    + Duration.ofMillis(frames * 1000L / rate) + " (expected: at most " + maxDuration + ")");
        }
    }

    /** {@code b} with {@code event}, {@code userId}, {@code clientId} (when present) and {@code metadata}. */
    private static LoggingEventBuilder logged(LoggingEventBuilder b, RequestContext ctx, String event,
            Map<String, Object> extra) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("requestId", ctx.requestId());
        metadata.putAll(extra);
        b.addKeyValue("event", event).addKeyValue("userId", ctx.session().userId());
        ctx.session().clientId().ifPresent(c -> b.addKeyValue("clientId", c));
        return b.addKeyValue("metadata", metadata);
    }

    private static ObjectNode progress(String stage, double progress) {
        return JsonNodeFactory.instance.objectNode().put("stage", stage).put("progress", progress);
    }

    @Override
    public String toString() {
        return "AnalysisHandler[analyzers=" + analyzers.keySet() + ", default=" + defaultAnalyzer
                + ", maxDuration=" + maxDuration + "]";
    }

    /** Decoded input: the 16 kHz mono audio and what the client sent. */
    private static final class Decoded {
        final PcmAudio mono16k;
        final int sampleRate;
        final int channels;
        final long durationMs;

        Decoded(PcmAudio mono16k, int sampleRate, int channels, long durationMs) {
            this.mono16k = mono16k;
            this.sampleRate = sampleRate;
            this.channels = channels;
            this.durationMs = durationMs;
        }
    }

    /** Maps an analyzer's progress to {@code analysis:progress} events that never go backwards. */
    private static final class Progress implements AnalysisProgress {
        private final RequestContext ctx;
        private double last = DECODED_PROGRESS;

        Progress(RequestContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public synchronized void report(String stage, double fraction) {
            requireNonNull(stage, "stage");
            if (Double.isNaN(fraction)) {
                return;
            }
            double f = Math.max(0, Math.min(1, fraction));
            double overall = Math.round((DECODED_PROGRESS + (1 - DECODED_PROGRESS) * f) * 1000) / 1000.0;
            if (overall > last && !ctx.isCancelled()) {
                last = overall;
                ctx.emit(EventTypes.ANALYSIS_PROGRESS, progress(stage, overall));
            }
        }

        @Override
        public boolean isCancelled() {
            return ctx.isCancelled();
        }
    }

    /** Builds an {@link AnalysisHandler}. */
    public static final class Builder {
        private final Map<String, AudioAnalyzer> analyzers = new LinkedHashMap<>();
        private String defaultAnalyzer = DefaultAudioAnalyzer.NAME;
        private Duration maxDuration = DEFAULT_MAX_DURATION;

        private Builder() {
            analyzers.put(DefaultAudioAnalyzer.NAME, DefaultAudioAnalyzer.ofDefaults());
        }

        /** Adds an analyzer, replacing any with the same name (including the built-in one). */
        public Builder analyzer(AudioAnalyzer analyzer) {
            requireNonNull(analyzer, "analyzer");
            String name = requireNonNull(analyzer.name(), "analyzer.name()");
            if (name.isBlank()) {
                throw new IllegalArgumentException("analyzer.name(): \"" + name + "\" (expected: not blank)");
            }
            analyzers.put(name, analyzer);
            return this;
        }

        /** The analyzer used when a request names none (default {@value DefaultAudioAnalyzer#NAME}). */
        public Builder defaultAnalyzer(String name) {
            this.defaultAnalyzer = requireNonNull(name, "name");
            return this;
        }

        /** The longest audio accepted (> 0; default 10 minutes). */
        public Builder maxDuration(Duration maxDuration) {
            requireNonNull(maxDuration, "maxDuration");
            if (maxDuration.isNegative() || maxDuration.isZero()) {
                throw new IllegalArgumentException("maxDuration: " + maxDuration + " (expected: > 0)");
            }
            this.maxDuration = maxDuration;
            return this;
        }

        /** The handler; fails when the default analyzer is not registered. */
        public AnalysisHandler build() {
            if (!analyzers.containsKey(defaultAnalyzer)) {
                throw new IllegalArgumentException("defaultAnalyzer: " + defaultAnalyzer
                        + " (expected: one of " + analyzers.keySet() + ")");
            }
            return new AnalysisHandler(this);
        }
    }
}
