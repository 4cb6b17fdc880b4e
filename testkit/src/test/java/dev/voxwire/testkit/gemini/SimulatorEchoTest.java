package dev.voxwire.testkit.gemini;

import static dev.voxwire.testkit.gemini.LiveTestClient.audio;
import static dev.voxwire.testkit.gemini.LiveTestClient.clientText;
import static dev.voxwire.testkit.gemini.LiveTestClient.pcm;
import static dev.voxwire.testkit.gemini.LiveTestClient.setup;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SimulatorEchoTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static GeminiLiveSimulator sim;

    @BeforeAll
    static void start() {
        sim = GeminiLiveSimulator.builder().build().start();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static String setupWith(String modality, String extra) {
        return "{\"setup\":{\"model\":\"" + LiveTestClient.MODEL + "\",\"generationConfig\":{\"responseModalities\":[\""
                + modality + "\"]}" + extra + "}}";
    }

    private static String text(List<JsonNode> messages) {
        return messages.stream().map(m -> m.path("serverContent").path("modelTurn").path("parts").path(0).path("text"))
                .filter(JsonNode::isTextual).map(JsonNode::asText).collect(Collectors.joining());
    }

    private static byte[] audioOut(List<JsonNode> messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (JsonNode m : messages) {
            JsonNode inline = m.path("serverContent").path("modelTurn").path("parts").path(0).path("inlineData");
            if (!inline.isMissingNode()) {
                assertThat(inline.path("mimeType").asText()).isEqualTo("audio/pcm;rate=24000");
                byte[] b = Base64.getDecoder().decode(inline.path("data").asText());
                out.write(b, 0, b.length);
            }
        }
        return out.toByteArray();
    }

    private static List<String> transcripts(List<JsonNode> messages, String field) {
        return messages.stream().map(m -> m.path("serverContent").path(field).path("text"))
                .filter(JsonNode::isTextual).map(JsonNode::asText).collect(Collectors.toList());
    }

    @Test
    void textTurnIsEchoedInChunksThenGenerationCompleteThenTurnCompleteWithUsage() {
        String said = "The quick brown fox jumps over the lazy dog, twice over, and then rests a while.";
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("TEXT"))) {
            c.send(clientText(said));
            List<JsonNode> turn = c.untilTurnComplete();
            assertThat(text(turn)).isEqualTo(said);
            assertThat(turn.size()).isGreaterThan(3);
            for (JsonNode m : turn.subList(0, turn.size() - 2)) {
                assertThat(m.path("serverContent").path("modelTurn").path("role").asText()).isEqualTo("model");
            }
            assertThat(turn.get(turn.size() - 2).toString()).isEqualTo("{\"serverContent\":{\"generationComplete\":true}}");
            JsonNode last = turn.get(turn.size() - 1);
            assertThat(last.path("serverContent").path("turnComplete").asBoolean()).isTrue();
            JsonNode usage = last.path("usageMetadata");
            assertThat(usage.path("promptTokenCount").asInt()).isPositive();
            assertThat(usage.path("responseTokenCount").asInt()).isPositive();
            assertThat(usage.path("totalTokenCount").asInt())
                    .isEqualTo(usage.path("promptTokenCount").asInt() + usage.path("responseTokenCount").asInt());
        }
    }

    @Test
    void serverMessagesArePrettyPrintedJsonInBinaryFrames() {
        try (LiveTestClient c = LiveTestClient.connect(HTTP, sim)) {
            c.send(setup("TEXT"));
            LiveTestClient.Frame f = c.nextFrame();
            assertThat(f.binary()).isTrue();
            assertThat(f.text()).isEqualTo("{\n  \"setupComplete\": {}\n}");
        }
    }

    @Test
    void clientMessagesInBinaryFramesAreAcceptedToo() {
        try (LiveTestClient c = LiveTestClient.connect(HTTP, sim)) {
            c.sendBinary(setup("TEXT"));
            assertThat(c.next().has("setupComplete")).isTrue();
            c.sendBinary(clientText("binary"));
            assertThat(text(c.untilTurnComplete())).isEqualTo("binary");
        }
    }

    @Test
    void realtimeTextStartsATurn() {
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("TEXT"))) {
            c.send("{\"realtimeInput\":{\"text\":\"hello there\"}}");
            assertThat(text(c.untilTurnComplete())).isEqualTo("hello there");
        }
    }

    @Test
    void clientContentWithoutTurnCompleteIsHeldUntilTheTurnCompletes() {
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("TEXT"))) {
            c.send("{\"clientContent\":{\"turns\":[{\"role\":\"user\",\"parts\":[{\"text\":\"one \"}]}]}}");
            c.send("{\"clientContent\":{\"turns\":[{\"role\":\"user\",\"parts\":[{\"text\":\"two\"}]}],\"turnComplete\":true}}");
            assertThat(text(c.untilTurnComplete())).isEqualTo("one two");
        }
    }

    @Test
    void audioInTextModeIsReportedWithDurationAndRate() {
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("TEXT"))) {
            c.send(audio(pcm(16000, 250, 10000), 16000));
            c.send(audio(pcm(16000, 250, 10000), 16000));
            c.send("{\"realtimeInput\":{\"audioStreamEnd\":true}}");
            assertThat(text(c.untilTurnComplete())).isEqualTo("Received 500 ms of audio at 16000 Hz.");
        }
    }

    @Test
    void audioModeReturns24kHzPcmOfTheReceivedAudio() {
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("AUDIO"))) {
            c.send(audio(pcm(16000, 500, 10000), 16000));
            c.send("{\"realtimeInput\":{\"audioStreamEnd\":true}}");
            List<JsonNode> turn = c.untilTurnComplete();
            byte[] out = audioOut(turn);
            assertThat(out.length).isEqualTo(24000 / 2 * 2); // 500 ms at 24 kHz, 16-bit
            assertThat(text(turn)).isEmpty();
            assertThat(turn.get(turn.size() - 1).path("usageMetadata").path("responseTokensDetails").path(0)
                    .path("modality").asText()).isEqualTo("AUDIO");
        }
    }

    @Test
    void audioModeAnswersTextWithAToneAndTranscribesItWhenAsked() {
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setupWith("AUDIO", ",\"outputAudioTranscription\":{}"))) {
            c.send(clientText("say this back"));
            List<JsonNode> turn = c.untilTurnComplete();
            assertThat(audioOut(turn).length).isPositive().isEven();
            assertThat(String.join("", transcripts(turn, "outputTranscription"))).isEqualTo("say this back");
            assertThat(transcripts(turn, "outputTranscription")).containsExactly("say", " this", " back");
            int lastTranscript = 0;
            int generationComplete = 0;
            for (int i = 0; i < turn.size(); i++) {
                if (turn.get(i).path("serverContent").has("outputTranscription")) {
                    lastTranscript = i;
                }
                if (turn.get(i).path("serverContent").has("generationComplete")) {
                    generationComplete = i;
                }
            }
            assertThat(lastTranscript).isLessThan(generationComplete);
        }
    }

    @Test
    void inputTranscriptionOnlyWhenAskedFor() {
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setupWith("TEXT", ",\"inputAudioTranscription\":{}"))) {
            c.send(audio(pcm(24000, 100, 10000), 24000));
            c.send("{\"realtimeInput\":{\"audioStreamEnd\":true}}");
            List<JsonNode> turn = c.untilTurnComplete();
            assertThat(transcripts(turn, "inputTranscription")).containsExactly("100 ms of audio at 24000 Hz");
        }
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("TEXT"))) {
            c.send(audio(pcm(16000, 100, 10000), 16000));
            c.send("{\"realtimeInput\":{\"audioStreamEnd\":true}}");
            assertThat(transcripts(c.untilTurnComplete(), "inputTranscription")).isEmpty();
        }
    }

    @Test
    void manualActivitySignalsDelimitTheTurn() {
        String manual = setupWith("TEXT", ",\"realtimeInputConfig\":{\"automaticActivityDetection\":{\"disabled\":true}}");
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, manual)) {
            c.send(audio(pcm(16000, 100, 10000), 16000)); // outside an activity: not part of a turn
            c.send("{\"realtimeInput\":{\"activityStart\":{}}}");
            c.send(audio(pcm(16000, 300, 10000), 16000));
            c.send(audio(pcm(16000, 1000, 0), 16000)); // silence does not end a manual turn
            c.send("{\"realtimeInput\":{\"activityEnd\":{}}}");
            assertThat(text(c.untilTurnComplete())).isEqualTo("Received 1300 ms of audio at 16000 Hz.");
        }
    }

    @Test
    void automaticActivityDetectionEndsTheTurnAfterTheConfiguredSilence() {
        String auto = setupWith("TEXT", ",\"realtimeInputConfig\":{\"automaticActivityDetection\":{\"silenceDurationMs\":200}}");
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, auto)) {
            c.send(audio(pcm(16000, 100, 0), 16000)); // leading silence: no turn yet
            c.send(audio(pcm(16000, 200, 10000), 16000));
            c.send(audio(pcm(16000, 100, 0), 16000));
            c.send(audio(pcm(16000, 100, 0), 16000));
            assertThat(text(c.untilTurnComplete())).isEqualTo("Received 500 ms of audio at 16000 Hz.");
        }
    }

    @Test
    void deprecatedMediaChunksUseOnlyTheFirstChunk() {
        String b64 = Base64.getEncoder().encodeToString(pcm(16000, 100, 10000));
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("TEXT"))) {
            c.send("{\"realtimeInput\":{\"mediaChunks\":[{\"mimeType\":\"audio/pcm;rate=16000\",\"data\":\"" + b64
                    + "\"},{\"mimeType\":\"audio/pcm;rate=16000\",\"data\":\"" + b64 + "\"}]}}");
            c.send("{\"realtimeInput\":{\"audioStreamEnd\":true}}");
            assertThat(text(c.untilTurnComplete())).isEqualTo("Received 100 ms of audio at 16000 Hz.");
        }
    }

    @Test
    void receivedMessagesAreRecordedPerSessionAndOverall() {
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("TEXT"))) {
            c.send(clientText("recorded"));
            c.untilTurnComplete();
            SimulatedSession s = sim.sessions().get(sim.sessions().size() - 1);
            assertThat(s.receivedMessages()).containsExactly(setup("TEXT"), clientText("recorded"));
            assertThat(s.turnCount()).isEqualTo(1);
            assertThat(s.responseModalities()).containsExactly("TEXT");
            assertThat(sim.receivedMessages()).contains(clientText("recorded"));
        }
    }

    @Test
    void protoSnakeCaseFieldNamesAreAcceptedLikeTheService() {
        String snakeSetup = "{\"setup\":{\"model\":\"" + LiveTestClient.MODEL
                + "\",\"generation_config\":{\"response_modalities\":[\"TEXT\"]}}}";
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, snakeSetup)) {
            c.send("{\"client_content\":{\"turns\":[{\"role\":\"user\",\"parts\":[{\"text\":\"snake\"}]}],"
                    + "\"turn_complete\":true}}");
            assertThat(text(c.untilTurnComplete())).isEqualTo("snake");
            c.send("{\"realtime_input\":{\"text\":\"case\"}}");
            assertThat(text(c.untilTurnComplete())).isEqualTo("case");
        }
    }

    @Test
    void leadingSilenceBeforeSpeechIsCappedAtOneSecond() {
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("TEXT"))) {
            for (int i = 0; i < 30; i++) {
                c.send(audio(pcm(16000, 100, 0), 16000));
            }
            c.send(audio(pcm(16000, 100, 10000), 16000));
            c.send("{\"realtimeInput\":{\"audioStreamEnd\":true}}");
            assertThat(text(c.untilTurnComplete())).isEqualTo("Received 1100 ms of audio at 16000 Hz.");
        }
    }

    @Test
    void videoFramesAreAcceptedAndDoNotStartATurn() throws Exception {
        try (LiveTestClient c = LiveTestClient.ready(HTTP, sim, setup("TEXT"))) {
            c.send("{\"realtimeInput\":{\"video\":{\"mimeType\":\"image/jpeg\",\"data\":\"/9j/4AAQ\"}}}");
            assertThat(c.poll(java.time.Duration.ofMillis(100))).isNull();
            c.send(clientText("after video"));
            assertThat(text(c.untilTurnComplete())).isEqualTo("after video");
        }
    }
}
