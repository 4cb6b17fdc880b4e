package dev.voxwire.server.analysis;

import static dev.voxwire.server.analysis.TestAudio.analyze;
import static dev.voxwire.server.analysis.TestAudio.analyzeWav;
import static dev.voxwire.server.analysis.TestAudio.base64;
import static dev.voxwire.server.analysis.TestAudio.concat;
import static dev.voxwire.server.analysis.TestAudio.noise;
import static dev.voxwire.server.analysis.TestAudio.silence;
import static dev.voxwire.server.analysis.TestAudio.sine;
import static dev.voxwire.server.analysis.TestAudio.wav;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.audio.PcmAudio;
import dev.voxwire.core.protocol.EventTypes;
import dev.voxwire.server.AnalysisProgress;
import dev.voxwire.server.AudioAnalyzer;
import dev.voxwire.server.analysis.FakeRequestContext.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AnalysisHandlerTest {
    private static final int RATE = 16_000;
    private final FakeSession session = FakeSession.of("s-1", "alice");
    private final AnalysisHandler handler = AnalysisHandler.ofDefaults();

    private ObjectNode resultOf(AnalysisHandler h, byte[] wav) {
        FakeRequestContext ctx = FakeRequestContext.direct("r-1", session);
        h.handle(analyzeWav(wav), ctx);
        List<Event> events = ctx.untilEnd();
        Event last = events.get(events.size() - 1);
        assertThat(last.type()).as("last event %s", last).isEqualTo(EventTypes.ANALYSIS_RESULT);
        return last.payload();
    }

    private Event errorOf(ObjectNode payload) {
        FakeRequestContext ctx = FakeRequestContext.direct("r-1", session);
        handler.handle(analyze(payload), ctx);
        Event e = ctx.next();
        assertThat(e.type()).as("event %s", e).isEqualTo(EventTypes.ERROR);
        assertThat(ctx.pending()).isEmpty();
        return e;
    }

    private static ObjectNode payload(String format, byte[] data) {
        return JsonNodeFactory.instance.objectNode().put("format", format).put("data", base64(data));
    }

    @Test
    void servesAudioAnalyze() {
        assertThat(handler.types()).containsExactly(EventTypes.AUDIO_ANALYZE);
        assertThat(handler.defaultAnalyzer()).isEqualTo("energy-pitch");
    }

    @Test
    void estimatesThePitchOfA220HzSineWithin3Hz() {
        ObjectNode r = resultOf(handler, wav(sine(220, 16_000, 1000, RATE), RATE, 1));

        assertThat(r.get("analyzer").asText()).isEqualTo("energy-pitch");
        assertThat(r.get("requestId").asText()).isEqualTo("r-1");
        assertThat(r.get("pitchHz").asDouble()).isCloseTo(220.0, within(3.0));
        assertThat(r.get("durationMs").asLong()).isEqualTo(1000);
        assertThat(r.get("voicedSegments")).hasSize(1);
        assertThat(r.get("silenceRatio").asDouble()).isLessThan(0.05);
    }

    @Test
    void reportsTheInputsSampleRateAndChannelsWhileAnalysingConvertedAudio() {
        int rate = 44_100;
        short[] stereo = TestAudio.toChannels(sine(220, 16_000, 500, rate), 2);

        ObjectNode r = resultOf(handler, wav(stereo, rate, 2));

        assertThat(r.get("sampleRate").asInt()).isEqualTo(44_100);
        assertThat(r.get("channels").asInt()).isEqualTo(2);
        assertThat(r.get("durationMs").asLong()).isEqualTo(500);
        assertThat(r.get("pitchHz").asDouble()).isCloseTo(220.0, within(3.0));
    }

    @Test
    void silenceHasNoVoicedSegmentsNoPitchAndASilenceRatioOfOne() {
        ObjectNode r = resultOf(handler, wav(silence(1000, RATE), RATE, 1));

        assertThat(r.get("voicedSegments")).isEmpty();
        assertThat(r.get("silenceRatio").asDouble()).isEqualTo(1.0);
        assertThat(r.get("pitchHz").isNull()).isTrue();
        assertThat(r.get("rmsDbfs").asDouble()).isEqualTo(DefaultAudioAnalyzer.MIN_DBFS);
        assertThat(r.get("peakDbfs").asDouble()).isEqualTo(DefaultAudioAnalyzer.MIN_DBFS);
    }

    @Test
    void toneBurstsSeparatedBySilenceGiveOneSegmentEachWithBoundariesWithin30Ms() {
        short[] audio = concat(
                silence(300, RATE),
                sine(180, 12_000, 400, RATE),         // 300..700
                noise(30, 500, RATE, 1),              // low noise (about -61 dBFS), 700..1200
                sine(250, 8_000, 300, RATE),          // 1200..1500
                silence(400, RATE),                   // 1500..1900
                sine(140, 20_000, 250, RATE),         // 1900..2150
                silence(200, RATE));

        ObjectNode r = resultOf(handler, wav(audio, RATE, 1));

        JsonNode segments = r.get("voicedSegments");
        long[][] expected = {{300, 700}, {1200, 1500}, {1900, 2150}};
        assertThat(segments).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(segments.get(i).get("startMs").asLong()).as("start of segment %d", i)
                    .isCloseTo(expected[i][0], within(30L));
            assertThat(segments.get(i).get("endMs").asLong()).as("end of segment %d", i)
                    .isCloseTo(expected[i][1], within(30L));
        }
        double voiced = (400 + 300 + 250) / 2350.0;
        assertThat(r.get("silenceRatio").asDouble()).isCloseTo(1 - voiced, within(0.03));
    }

    @Test
    void rmsAndPeakOfFullAndHalfScaleSinesMatchTheoryWithin0point1Db() {
        ObjectNode full = resultOf(handler, wav(sine(1000, 32_767, 1000, RATE), RATE, 1));
        ObjectNode half = resultOf(handler, wav(sine(1000, 16_384, 1000, RATE), RATE, 1));

        double fullRms = 20 * Math.log10(1 / Math.sqrt(2));
        assertThat(full.get("peakDbfs").asDouble()).isCloseTo(0.0, within(0.1));
        assertThat(full.get("rmsDbfs").asDouble()).isCloseTo(fullRms, within(0.1));
        assertThat(half.get("peakDbfs").asDouble()).isCloseTo(20 * Math.log10(0.5), within(0.1));
        assertThat(half.get("rmsDbfs").asDouble()).isCloseTo(fullRms + 20 * Math.log10(0.5), within(0.1));
    }

    @Test
    void analysesRawPcm16WithItsDeclaredRateAndChannels() {
        short[] stereo = TestAudio.toChannels(sine(200, 10_000, 600, 8_000), 2);
        ObjectNode p = payload("pcm16", TestAudio.pcm16(stereo)).put("sampleRate", 8_000).put("channels", 2);
        FakeRequestContext ctx = FakeRequestContext.direct("r-1", session);

        handler.handle(analyze(p), ctx);

        List<Event> events = ctx.untilEnd();
        ObjectNode r = events.get(events.size() - 1).payload();
        assertThat(events.get(events.size() - 1).type()).isEqualTo(EventTypes.ANALYSIS_RESULT);
        assertThat(r.get("sampleRate").asInt()).isEqualTo(8_000);
        assertThat(r.get("channels").asInt()).isEqualTo(2);
        assertThat(r.get("durationMs").asLong()).isEqualTo(600);
        assertThat(r.get("pitchHz").asDouble()).isCloseTo(200.0, within(3.0));
    }

    @Test
    void rawPcm16DefaultsTo16kHzMono() {
        ObjectNode p = payload("pcm16", TestAudio.pcm16(sine(300, 10_000, 250, RATE)));
        FakeRequestContext ctx = FakeRequestContext.direct("r-1", session);

        handler.handle(analyze(p), ctx);

        List<Event> events = ctx.untilEnd();
        ObjectNode r = events.get(events.size() - 1).payload();
        assertThat(r.get("sampleRate").asInt()).isEqualTo(16_000);
        assertThat(r.get("channels").asInt()).isEqualTo(1);
        assertThat(r.get("durationMs").asLong()).isEqualTo(250);
    }

    @Test
    void sendsProgressEventsThenTheResultTheSameWayForTheSameInput() {
        byte[] wav = wav(concat(sine(220, 10_000, 400, RATE), silence(200, RATE)), RATE, 1);
        List<List<Event>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            FakeRequestContext ctx = FakeRequestContext.direct("r-1", session);
            handler.handle(analyzeWav(wav), ctx);
            runs.add(ctx.untilEnd());
        }

        List<Event> events = runs.get(0);
        assertThat(events).extracting(Event::type).containsExactly(
                EventTypes.ANALYSIS_PROGRESS, EventTypes.ANALYSIS_PROGRESS, EventTypes.ANALYSIS_PROGRESS,
                EventTypes.ANALYSIS_PROGRESS, EventTypes.ANALYSIS_RESULT);
        assertThat(events.get(0).text("stage")).isEqualTo("decoded");
        assertThat(events.subList(1, 4)).extracting(e -> e.text("stage")).containsOnly("analyzing");
        assertThat(events.subList(0, 4)).extracting(e -> e.payload().get("progress").asDouble())
                .containsExactly(0.1, 0.4, 0.7, 1.0);
        assertThat(events).allSatisfy(e -> assertThat(e.text("requestId")).isEqualTo("r-1"));
        assertThat(runs.get(1)).isEqualTo(runs.get(0));
    }

    @Test
    void decodesAndAnalysesOnTheWorkerNeverOnTheCallingThread() {
        ManualExecutor worker = new ManualExecutor();
        FakeRequestContext ctx = FakeRequestContext.of("r-1", session, worker);

        handler.handle(analyzeWav(wav(sine(220, 10_000, 300, RATE), RATE, 1)), ctx);

        assertThat(ctx.pending()).isEmpty();
        assertThat(worker.queued()).isEqualTo(1);
        worker.runAll();
        List<Event> events = ctx.untilEnd();
        assertThat(events.get(events.size() - 1).type()).isEqualTo(EventTypes.ANALYSIS_RESULT);
    }

    @Test
    void badAudioIsUnsupportedAudioSayingWhy() {
        assertThat(errorOf(payload("mp3", new byte[] {1, 2, 3, 4})).text("message"))
                .contains("format: mp3").contains("wav or pcm16");
        assertThat(errorOf(payload("pcm16", new byte[] {1, 2, 3})).text("message"))
                .contains("3 bytes").contains("multiple of 2");
        assertThat(errorOf(payload("pcm16", new byte[0])).text("message")).contains("empty");
        assertThat(errorOf(JsonNodeFactory.instance.objectNode().put("data", base64(new byte[] {9, 9, 9, 9})))
                .text("message")).contains("format: missing").contains("not a WAV file");
        assertThat(errorOf(payload("pcm16", new byte[4]).put("sampleRate", 5)).text("message"))
                .contains("sampleRate: 5");

        Event garbage = errorOf(payload("wav", "this is not a wav file at all".getBytes()));
        assertThat(garbage.text("code")).isEqualTo("UNSUPPORTED_AUDIO");
        assertThat(garbage.text("message")).isNotBlank();
        assertThat(garbage.payload().get("retrySuggested").asBoolean()).isFalse();
        assertThat(garbage.text("requestId")).isEqualTo("r-1");
    }

    @Test
    void unsupportedAudioErrorsCarryTheUnsupportedAudioCode() {
        assertThat(errorOf(payload("mp3", new byte[] {1, 2})).text("code")).isEqualTo("UNSUPPORTED_AUDIO");
        assertThat(errorOf(payload("pcm16", new byte[] {1, 2, 3})).text("code")).isEqualTo("UNSUPPORTED_AUDIO");
    }

    @Test
    void audioLongerThanTheLimitIsRefused() {
        AnalysisHandler strict = AnalysisHandler.builder().maxDuration(java.time.Duration.ofMillis(500)).build();
        FakeRequestContext ctx = FakeRequestContext.direct("r-1", session);

        strict.handle(analyzeWav(wav(silence(1000, RATE), RATE, 1)), ctx);

        Event e = ctx.next(EventTypes.ERROR);
        assertThat(e.text("code")).isEqualTo("UNSUPPORTED_AUDIO");
        assertThat(e.text("message")).contains("PT1S").contains("PT0.5S");
    }

    @Test
    void missingOrBadDataIsInvalidPayload() {
        Event missing = errorOf(JsonNodeFactory.instance.objectNode().put("format", "wav"));
        assertThat(missing.text("code")).isEqualTo("INVALID_PAYLOAD");
        assertThat(missing.text("message")).contains("data: missing");

        Event notBase64 = errorOf(JsonNodeFactory.instance.objectNode().put("format", "wav").put("data", "***"));
        assertThat(notBase64.text("code")).isEqualTo("INVALID_PAYLOAD");
        assertThat(notBase64.text("message")).contains("base64");
    }

    @Test
    void nonTextFormatOrAnalyzerIsInvalidPayload() {
        byte[] wav = wav(silence(100, RATE), RATE, 1);
        assertThat(errorOf(payload("wav", wav).put("analyzer", 3)).text("message"))
                .isEqualTo("analyzer: 3 (expected: a string)");
        assertThat(errorOf(payload("wav", wav).put("format", true)).text("code")).isEqualTo("INVALID_PAYLOAD");
    }

    @Test
    void unknownAnalyzerIsInvalidPayloadNamingTheAvailableOnes() {
        AnalysisHandler h = AnalysisHandler.builder().analyzer(fixed("pronunciation", new AtomicBoolean())).build();
        FakeRequestContext ctx = FakeRequestContext.direct("r-1", session);
        ObjectNode p = payload("wav", wav(silence(100, RATE), RATE, 1)).put("analyzer", "whisper");

        h.handle(analyze(p), ctx);

        Event e = ctx.next(EventTypes.ERROR);
        assertThat(e.text("code")).isEqualTo("INVALID_PAYLOAD");
        assertThat(e.text("message")).contains("analyzer: whisper").contains("energy-pitch").contains("pronunciation");
        assertThat(ctx.pending()).isEmpty();
    }

    @Test
    void aCustomAnalyzerIsPickedByNameAndItsFieldsAndProgressAreSent() {
        AtomicBoolean called = new AtomicBoolean();
        AnalysisHandler h = AnalysisHandler.builder().analyzer(fixed("pronunciation", called)).build();
        FakeRequestContext ctx = FakeRequestContext.direct("r-1", session);
        ObjectNode p = payload("wav", wav(sine(220, 10_000, 200, 22_050), 22_050, 1)).put("analyzer", "pronunciation");

        h.handle(analyze(p), ctx);

        List<Event> events = ctx.untilEnd();
        assertThat(called).isTrue();
        assertThat(events).extracting(Event::type).containsExactly(
                EventTypes.ANALYSIS_PROGRESS, EventTypes.ANALYSIS_PROGRESS, EventTypes.ANALYSIS_RESULT);
        assertThat(events.get(1).text("stage")).isEqualTo("scoring");
        assertThat(events.get(1).payload().get("progress").asDouble()).isEqualTo(0.55);
        ObjectNode r = events.get(2).payload();
        assertThat(r.get("analyzer").asText()).isEqualTo("pronunciation");
        assertThat(r.get("score").asDouble()).isEqualTo(0.9);
        assertThat(r.get("durationMs").asLong()).as("the server's own fields win").isEqualTo(200);
        assertThat(r.get("sampleRate").asInt()).isEqualTo(22_050);
        assertThat(r.get("channels").asInt()).isEqualTo(1);
    }

    @Test
    void aCustomAnalyzerCanBeTheDefault() {
        AnalysisHandler h = AnalysisHandler.builder()
                .analyzer(fixed("pronunciation", new AtomicBoolean()))
                .defaultAnalyzer("pronunciation")
                .build();

        ObjectNode r = resultOf(h, wav(silence(100, RATE), RATE, 1));

        assertThat(r.get("analyzer").asText()).isEqualTo("pronunciation");
        assertThatThrownBy(() -> AnalysisHandler.builder().defaultAnalyzer("nope").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("defaultAnalyzer: nope").hasMessageContaining("energy-pitch");
    }

    @Test
    void anAnalyzerThatThrowsGivesARetryableEngineError() {
        AudioAnalyzer broken = new AudioAnalyzer() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public ObjectNode analyze(PcmAudio audio, AnalysisProgress progress) {
                throw new IllegalStateException("model not loaded");
            }
        };
        AnalysisHandler h = AnalysisHandler.builder().analyzer(broken).defaultAnalyzer("broken").build();
        FakeRequestContext ctx = FakeRequestContext.direct("r-1", session);

        h.handle(analyzeWav(wav(silence(100, RATE), RATE, 1)), ctx);

        ctx.next(EventTypes.ANALYSIS_PROGRESS);
        Event e = ctx.next(EventTypes.ERROR);
        assertThat(e.text("code")).isEqualTo("ENGINE_ERROR");
        assertThat(e.text("message")).contains("broken");
        assertThat(e.payload().get("retrySuggested").asBoolean()).isTrue();
    }

    @Test
    void cancellingDuringAnalysisStopsBeforeTheResult() {
        AtomicReference<FakeRequestContext> ref = new AtomicReference<>();
        FakeRequestContext ctx = FakeRequestContext.direct("r-1", session).onEvent(e -> {
            if ("decoded".equals(e.text("stage"))) {
                ref.get().cancel();
            }
        });
        ref.set(ctx);
        AtomicBoolean analyzerSawCancel = new AtomicBoolean();
        AnalysisHandler h = AnalysisHandler.builder().analyzer(new AudioAnalyzer() {
            @Override
            public String name() {
                return "watching";
            }

            @Override
            public ObjectNode analyze(PcmAudio audio, AnalysisProgress progress) {
                analyzerSawCancel.set(progress.isCancelled());
                return DefaultAudioAnalyzer.ofDefaults().analyze(audio, progress);
            }
        }).defaultAnalyzer("watching").build();

        h.handle(analyzeWav(wav(sine(220, 10_000, 500, RATE), RATE, 1)), ctx);

        assertThat(ctx.untilEnd()).extracting(Event::type)
                .containsExactly(EventTypes.ANALYSIS_PROGRESS, EventTypes.REQUEST_CANCELLED);
        assertThat(analyzerSawCancel).isTrue();
        assertThat(ctx.attemptedAfterEnd()).as("nothing attempted after the cancel").isEmpty();
    }

    @Test
    void aRequestCancelledBeforeTheWorkerRunsSendsNothing() {
        ManualExecutor worker = new ManualExecutor();
        FakeRequestContext ctx = FakeRequestContext.of("r-1", session, worker);

        handler.handle(analyzeWav(wav(sine(220, 10_000, 300, RATE), RATE, 1)), ctx);
        ctx.cancel();
        worker.runAll();

        assertThat(ctx.pending()).extracting(Event::type).containsExactly(EventTypes.REQUEST_CANCELLED);
        assertThat(ctx.attemptedAfterEnd()).isEmpty();
    }

    @Test
    void manyConcurrentRequestsAreAnsweredIndependently() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<FakeRequestContext> contexts = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                FakeRequestContext ctx = FakeRequestContext.of("r-" + i, session, pool);
                contexts.add(ctx);
                handler.handle(analyzeWav(wav(sine(120 + 10 * i, 10_000, 300, RATE), RATE, 1)), ctx);
            }
            for (int i = 0; i < 20; i++) {
                List<Event> events = contexts.get(i).untilEnd();
                Event last = events.get(events.size() - 1);
                assertThat(last.type()).isEqualTo(EventTypes.ANALYSIS_RESULT);
                assertThat(events).allSatisfy(e -> assertThat(e.text("requestId")).startsWith("r-"));
                assertThat(last.text("requestId")).isEqualTo("r-" + (contexts.indexOf(contexts.get(i))));
                assertThat(last.payload().get("pitchHz").asDouble()).isCloseTo(120 + 10 * i, within(3.0));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** An analyzer that reports one progress step and returns a fixed score. */
    private static AudioAnalyzer fixed(String name, AtomicBoolean called) {
        return new AudioAnalyzer() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public ObjectNode analyze(PcmAudio audio, AnalysisProgress progress) {
                called.set(true);
                assertThat(audio.sampleRate()).isEqualTo(16_000);
                assertThat(audio.channels()).isEqualTo(1);
                progress.report("scoring", 0.5);
                progress.report("scoring", 0.4);
                return JsonNodeFactory.instance.objectNode().put("score", 0.9).put("durationMs", -1);
            }
        };
    }
}
