package dev.voxwire.gemini;

import static dev.voxwire.gemini.EventRecorder.only;
import static dev.voxwire.gemini.EventRecorder.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.testkit.AudioFixtures.Encoding;
import dev.voxwire.testkit.AudioFixtures;
import dev.voxwire.testkit.gemini.GeminiLiveSimulator;
import dev.voxwire.testkit.gemini.ScriptedTurn;
import dev.voxwire.testkit.gemini.SimulatedSession;
import dev.voxwire.testkit.gemini.SimulatorScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Setup and every message type against the simulator, over real sockets. */
class GeminiLiveClientTest {
    static final String KEY = "test-api-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    private GeminiLiveSimulator sim;
    private GeminiLiveClient client;

    @TempDir
    Path dir;

    private void start(SimulatorScript script) {
        sim = GeminiLiveSimulator.builder().script(script).build().start();
        client = GeminiLiveClient.builder().apiKey(KEY).baseUri(sim.baseUrl()).build();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    private LiveSession connect(LiveConfig config, EventRecorder rec) throws Exception {
        return client.connect(config, rec).get(15, TimeUnit.SECONDS);
    }

    private static LiveConfig.Builder textMode() {
        return LiveConfig.builder().responseModalities(Modality.TEXT);
    }

    private JsonNode firstMessage(int session) throws Exception {
        return JSON.readTree(sim.sessions().get(session).receivedMessages().get(0));
    }

    @Test
    void textModeAnswersRealtimeTextWithTextChunksThenGenerationCompleteUsageAndTurnComplete() throws Exception {
        start(SimulatorScript.echo());
        EventRecorder rec = new EventRecorder();
        LiveSession session = connect(textMode().build(), rec);
        assertThat(rec.next(LiveEvent.SessionResumptionUpdate.class).handle()).isPresent();

        session.sendText("Hello there, how are you doing on this fine day?").get(5, TimeUnit.SECONDS);
        List<LiveEvent> turn = rec.untilTurnComplete();
        assertThat(text(turn)).isEqualTo("Hello there, how are you doing on this fine day?");
        assertThat(only(turn, LiveEvent.Text.class)).hasSizeGreaterThan(1);
        assertThat(only(turn, LiveEvent.GenerationComplete.class)).hasSize(1);
        assertThat(only(turn, LiveEvent.Usage.class)).singleElement()
                .satisfies(u -> assertThat(u.usage().totalTokenCount()).isPositive());
        assertThat(turn.get(turn.size() - 2)).isInstanceOf(LiveEvent.Usage.class);
        assertThat(rec.next(LiveEvent.SessionResumptionUpdate.class).resumable()).isTrue();
        assertThat(session.resumptionHandle()).isPresent();

        SimulatedSession s = sim.sessions().get(0);
        assertThat(s.apiVersion()).isEqualTo("v1beta");
        assertThat(s.method()).isEqualTo("BidiGenerateContent");
        assertThat(s.credential()).isEqualTo(SimulatedSession.Credential.API_KEY_HEADER);
        assertThat(s.model()).contains("models/" + LiveConfig.DEFAULT_MODEL);
        assertThat(s.responseModalities()).containsExactly("TEXT");
        JsonNode sent = JSON.readTree(s.receivedMessages().get(1));
        assertThat(sent.path("realtimeInput").path("text").asText()).startsWith("Hello there");
    }

    @Test
    void setupCarriesEveryConfiguredField() throws Exception {
        start(SimulatorScript.echo());
        ObjectNode params = JsonNodeFactory.instance.objectNode().put("type", "OBJECT");
        params.putObject("properties").putObject("city").put("type", "STRING");
        LiveConfig config = LiveConfig.builder()
                .model("models/gemini-2.5-flash-native-audio-preview-12-2025")
                .responseModalities(Modality.AUDIO)
                .voiceName("Puck").languageCode("en-US")
                .systemInstruction("Be brief.")
                .addTool(FunctionDeclaration.of("get_weather", "Weather of a city", params))
                .automaticActivityDetection(false)
                .inputAudioTranscription(true).outputAudioTranscription(true)
                .contextWindowCompression(25_000, 8_000)
                .temperature(0.5)
                .build();
        connect(config, new EventRecorder()).close();
        JsonNode setup = firstMessage(0).path("setup");
        assertThat(setup.path("model").asText()).isEqualTo("models/gemini-2.5-flash-native-audio-preview-12-2025");
        assertThat(setup.path("generationConfig").path("responseModalities").get(0).asText()).isEqualTo("AUDIO");
        assertThat(setup.path("generationConfig").path("speechConfig").path("voiceConfig")
                .path("prebuiltVoiceConfig").path("voiceName").asText()).isEqualTo("Puck");
        assertThat(setup.path("generationConfig").path("temperature").asDouble()).isEqualTo(0.5);
        assertThat(setup.path("systemInstruction").path("parts").get(0).path("text").asText()).isEqualTo("Be brief.");
        assertThat(setup.path("tools").get(0).path("functionDeclarations").get(0).path("name").asText())
                .isEqualTo("get_weather");
        assertThat(setup.path("realtimeInputConfig").path("automaticActivityDetection").path("disabled").asBoolean())
                .isTrue();
        assertThat(setup.has("inputAudioTranscription")).isTrue();
        assertThat(setup.has("outputAudioTranscription")).isTrue();
        assertThat(setup.path("contextWindowCompression").path("triggerTokens").asText()).isEqualTo("25000");
        assertThat(setup.path("contextWindowCompression").path("slidingWindow").path("targetTokens").asText())
                .isEqualTo("8000");
        assertThat(setup.path("sessionResumption").isObject()).isTrue();
    }

    @Test
    void audioModeConvertsWavInputAndReturns24kAudioWithBothTranscriptions() throws Exception {
        start(SimulatorScript.echo());
        EventRecorder rec = new EventRecorder();
        LiveSession session = connect(LiveConfig.builder().responseModalities(Modality.AUDIO)
                .inputAudioTranscription(true).outputAudioTranscription(true).build(), rec);
        // 500 ms of 48 kHz stereo: converted to 16 kHz mono before sending
        Path wav = dir.resolve("in.wav");
        Files.write(wav, AudioFixtures.speechLike(Duration.ofMillis(500), 48_000, 2, Encoding.PCM_S16LE, 7));
        session.sendWav(wav).get(5, TimeUnit.SECONDS);
        session.audioStreamEnd().get(5, TimeUnit.SECONDS);
        List<LiveEvent> turn = rec.untilTurnComplete();

        assertThat(only(turn, LiveEvent.InputTranscription.class)).singleElement()
                .satisfies(t -> assertThat(t.text()).isEqualTo("500 ms of audio at 16000 Hz"));
        List<LiveEvent.AudioOut> audio = only(turn, LiveEvent.AudioOut.class);
        assertThat(audio).isNotEmpty().allSatisfy(a -> assertThat(a.sampleRate()).isEqualTo(24_000));
        assertThat(audio.stream().mapToInt(a -> a.pcm().length).sum()).isEqualTo(24_000 * 2 / 2);
        assertThat(only(turn, LiveEvent.OutputTranscription.class).stream().map(LiveEvent.OutputTranscription::text)
                .reduce("", String::concat)).isEqualTo("Received 500 ms of audio at 16000 Hz.");

        // sent as realtimeInput.audio chunks of 40 ms (1,280 bytes) at 16 kHz
        List<String> received = sim.sessions().get(0).receivedMessages();
        List<JsonNode> chunks = received.stream().map(GeminiLiveClientTest::parse)
                .filter(n -> n.path("realtimeInput").has("audio")).toList();
        assertThat(chunks).hasSize(13);
        assertThat(chunks).allSatisfy(c -> assertThat(c.path("realtimeInput").path("audio").path("mimeType").asText())
                .isEqualTo("audio/pcm;rate=16000"));
        assertThat(chunks.get(0).path("realtimeInput").path("audio").path("data").binaryValue()).hasSize(1280);
        assertThat(parse(received.get(received.size() - 1)).path("realtimeInput").path("audioStreamEnd").asBoolean())
                .isTrue();
    }

    @Test
    void manualActivitySignalsMarkTheTurn() throws Exception {
        start(SimulatorScript.echo());
        EventRecorder rec = new EventRecorder();
        LiveSession session = connect(textMode().automaticActivityDetection(false).build(), rec);
        session.activityStart().get(5, TimeUnit.SECONDS);
        session.sendAudio(AudioFixtures.speechLikePcm(Duration.ofMillis(200), 16_000, 1, Encoding.PCM_S16LE, 3))
                .get(5, TimeUnit.SECONDS);
        session.activityEnd().get(5, TimeUnit.SECONDS);
        assertThat(text(rec.untilTurnComplete())).isEqualTo("Received 200 ms of audio at 16000 Hz.");
        assertThatThrownBy(() -> session.audioStreamEnd().get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(VoxwireException.class).hasMessageContaining("automatic activity detection is off");
    }

    @Test
    void clientContentWithTurnCompleteIsAnswered() throws Exception {
        start(SimulatorScript.echo());
        EventRecorder rec = new EventRecorder();
        LiveSession session = connect(textMode().build(), rec);
        session.sendClientContent(List.of(Content.user("Earlier question"), Content.model("Earlier answer")), false)
                .get(5, TimeUnit.SECONDS);
        session.sendClientContent(List.of(Content.user("What now?")), true).get(5, TimeUnit.SECONDS);
        assertThat(text(rec.untilTurnComplete())).isEqualTo("Earlier questionWhat now?");
    }

    @Test
    void toolCallRoundTrip() throws Exception {
        start(SimulatorScript.builder().onTurn(1, ScriptedTurn.builder()
                .toolCall("get_weather", Map.of("city", "Paris"))
                .awaitToolResponse()
                .echoToolResponse()
                .build()).build());
        EventRecorder rec = new EventRecorder();
        LiveSession session = connect(textMode().addTool(FunctionDeclaration.of("get_weather", "Weather")).build(), rec);
        session.sendText("Weather in Paris?");
        LiveEvent.ToolCall call = rec.next(LiveEvent.ToolCall.class);
        assertThat(call.calls()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("get_weather");
            assertThat(c.args().path("city").asText()).isEqualTo("Paris");
            assertThat(c.id()).isNotBlank();
        });
        FunctionCall c = call.calls().get(0);
        session.sendToolResponse(List.of(c.respond(JsonNodeFactory.instance.objectNode().put("sky", "clear"))))
                .get(5, TimeUnit.SECONDS);
        assertThat(text(rec.untilTurnComplete())).isEqualTo("get_weather returned {\"sky\":\"clear\"}.");
    }

    @Test
    void inputDuringAToolCallCancelsItAndInterruptsTheTurn() throws Exception {
        start(SimulatorScript.builder().onTurn(1, ScriptedTurn.builder()
                .toolCall("slow", Map.of())
                .awaitToolResponse()
                .text("never")
                .build()).build());
        EventRecorder rec = new EventRecorder();
        LiveSession session = connect(textMode().addTool(FunctionDeclaration.of("slow", "Slow")).build(), rec);
        session.sendText("go");
        String id = rec.next(LiveEvent.ToolCall.class).calls().get(0).id();
        session.sendText("never mind");
        assertThat(rec.next(LiveEvent.ToolCallCancellation.class).ids()).containsExactly(id);
        assertThat(rec.next()).isInstanceOf(LiveEvent.Interrupted.class);
        assertThat(rec.next()).isInstanceOf(LiveEvent.Usage.class);
        assertThat(rec.next()).isInstanceOf(LiveEvent.TurnComplete.class);
        assertThat(text(rec.untilTurnComplete())).isEqualTo("never mind");
    }

    @Test
    void v1alphaAndEphemeralTokensUseTheirPaths() throws Exception {
        start(SimulatorScript.echo());
        try (GeminiLiveClient alpha = GeminiLiveClient.builder().apiKey(KEY).baseUri(sim.baseUrl())
                .apiVersion(ApiVersion.V1ALPHA).build();
             GeminiLiveClient token = GeminiLiveClient.builder().ephemeralToken("auth_tokens/abc-123-def")
                     .baseUri(sim.baseUrl() + "/").build()) {
            alpha.connect(textMode().build()).get(15, TimeUnit.SECONDS).close();
            token.connect(textMode().build()).get(15, TimeUnit.SECONDS).close();
        }
        assertThat(sim.sessions().get(0).apiVersion()).isEqualTo("v1alpha");
        assertThat(sim.sessions().get(0).method()).isEqualTo("BidiGenerateContent");
        assertThat(sim.sessions().get(1).apiVersion()).isEqualTo("v1alpha");
        assertThat(sim.sessions().get(1).method()).isEqualTo("BidiGenerateContentConstrained");
        assertThat(sim.sessions().get(1).credential()).isEqualTo(SimulatedSession.Credential.TOKEN_QUERY);
    }

    @Test
    void unknownModelFailsTheConnectWith1008AndTheServiceReason() {
        start(SimulatorScript.echo());
        CompletableFuture<LiveSession> f = client.connect(textMode().model("gemini-0.1-nonexistent").build());
        assertThatThrownBy(() -> f.get(15, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(LiveCloseException.class, e -> {
                    assertThat(e.closeCode()).isEqualTo(1008);
                    assertThat(e.reason()).startsWith("models/gemini-0.1-nonexistent is not found for API version v1beta");
                    assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL);
                });
        assertThat(sim.sessions()).hasSize(1);
    }

    @Test
    void missingSetupCompleteFailsWithConnectionTimeout() {
        start(SimulatorScript.builder().noSetupComplete().build());
        try (GeminiLiveClient quick = GeminiLiveClient.builder().apiKey(KEY).baseUri(sim.baseUrl())
                .setupTimeout(Duration.ofMillis(300)).build()) {
            CompletableFuture<LiveSession> f = quick.connect(textMode().build());
            assertThatThrownBy(() -> f.get(15, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(VoxwireException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION_TIMEOUT);
                        assertThat(e.getMessage()).contains("setupComplete", "PT0.3S");
                    });
        }
    }

    @Test
    void closeEndsWithClosedAsTheLastEventAndLaterSendsFail() throws Exception {
        start(SimulatorScript.echo());
        EventRecorder rec = new EventRecorder();
        LiveSession session = connect(textMode().build(), rec);
        session.closeAsync().get(10, TimeUnit.SECONDS);
        LiveEvent.Closed closed = rec.next(LiveEvent.Closed.class);
        assertThat(closed.code()).isEqualTo(1000);
        assertThat(closed.errorCode()).isEmpty();
        assertThat(session.isClosed()).isTrue();
        assertThatThrownBy(() -> session.sendText("late").get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(VoxwireException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CLOSED));
        assertThat(sim.sessions().get(0).closeCode()).contains(1000);
        assertThat(client.openSessions()).isZero();
    }

    private static JsonNode parse(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
