package dev.voxwire.testkit.gemini;

import static dev.voxwire.testkit.gemini.LiveTestClient.setup;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SimulatorValidationTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static GeminiLiveSimulator sim;

    @BeforeAll
    static void start() {
        sim = GeminiLiveSimulator.builder().addModel("my-tuned-live-model").build().start();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static LiveTestClient.Closed closeAfter(String... messages) {
        try (LiveTestClient c = LiveTestClient.connect(HTTP, sim)) {
            for (String m : messages) {
                c.send(m);
            }
            return c.awaitClose();
        }
    }

    @Test
    void messageBeforeSetupIsAnInvalidArgument() {
        LiveTestClient.Closed closed = closeAfter(LiveTestClient.clientText("hi"));
        assertThat(closed).isEqualTo(new LiveTestClient.Closed(1007, "Request contains an invalid argument."));
    }

    @Test
    void unknownModelIsClosedWith1008AndTheNotFoundText() {
        LiveTestClient.Closed closed = closeAfter("{\"setup\":{\"model\":\"models/gemini-2.0-flash-live-001\"}}");
        assertThat(closed.code()).isEqualTo(1008);
        assertThat(closed.reason()).startsWith("models/gemini-2.0-flash-live-001 is not found for API version v1beta, "
                + "or is not supported for bidiGenerateContent. Call Lis");
        assertThat(closed.reason().length()).isEqualTo(123);
    }

    @Test
    void unknownModelReasonNamesTheApiVersionOfThePath() {
        try (LiveTestClient c = LiveTestClient.connect(HTTP, URI.create(sim.wsUrl("v1alpha") + "?key=k"))) {
            c.send("{\"setup\":{\"model\":\"models/nope\"}}");
            assertThat(c.awaitClose().reason()).startsWith("models/nope is not found for API version v1alpha,");
        }
    }

    @Test
    void modelsAddedByConfigurationAreKnown() {
        try (LiveTestClient c = LiveTestClient.connect(HTTP, sim)) {
            c.send("{\"setup\":{\"model\":\"models/my-tuned-live-model\"}}");
            assertThat(c.next().has("setupComplete")).isTrue();
        }
    }

    @Test
    void everyCurrentLiveModelIsKnown() {
        for (String model : GeminiLiveSimulator.DEFAULT_MODELS) {
            try (LiveTestClient c = LiveTestClient.connect(HTTP, sim)) {
                c.send("{\"setup\":{\"model\":\"models/" + model + "\"}}");
                assertThat(c.next().has("setupComplete")).as(model).isTrue();
            }
        }
    }

    @Test
    void responseModalitiesAtTheTopLevelOfSetupIsAnUnknownField() {
        LiveTestClient.Closed closed = closeAfter("{\"setup\":{\"model\":\"" + LiveTestClient.MODEL
                + "\",\"responseModalities\":[\"TEXT\"]}}");
        assertThat(closed.code()).isEqualTo(1007);
        assertThat(closed.reason())
                .isEqualTo("Invalid JSON payload received. Unknown name \"responseModalities\" at 'setup': Cannot find field.");
    }

    @Test
    void malformedJsonIsAnInvalidArgument() {
        assertThat(closeAfter("{\"setup\":").code()).isEqualTo(1007);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[]",
        "{}",
        "{\"setup\":{}}",
        "{\"setup\":{\"model\":42}}",
        "{\"setup\":{\"model\":\"" + LiveTestClient.MODEL + "\",\"generationConfig\":{\"responseModalities\":[\"VIDEO\"]}}}",
        "{\"setup\":{\"model\":\"" + LiveTestClient.MODEL + "\",\"generationConfig\":{\"responseMimeType\":\"application/json\"}}}",
        "{\"setup\":{\"model\":\"" + LiveTestClient.MODEL + "\",\"generationConfig\":{\"temperature\":\"hot\"}}}",
        "{\"setup\":{\"model\":\"" + LiveTestClient.MODEL + "\",\"realtimeInputConfig\":{\"activityHandling\":\"SOMETIMES\"}}}",
        "{\"setup\":{\"model\":\"" + LiveTestClient.MODEL + "\",\"tools\":[{\"functionDeclarations\":[{\"name\":\"bad name\"}]}]}}",
        "{\"setup\":{\"model\":\"" + LiveTestClient.MODEL + "\",\"contextWindowCompression\":{\"triggerTokens\":\"many\"}}}",
        "{\"setup\":{\"model\":\"" + LiveTestClient.MODEL + "\"},\"clientContent\":{}}"
    })
    void malformedSetupIsClosedWith1007(String message) {
        assertThat(closeAfter(message).code()).isEqualTo(1007);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"setup\":{\"model\":\"" + LiveTestClient.MODEL + "\"}}",
        "{\"realtimeInput\":{\"activityStart\":{}}}",
        "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/wav\",\"data\":\"AAAA\"}}}",
        "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm;rate=16000\",\"data\":\"***\"}}}",
        "{\"realtimeInput\":{\"bogus\":true}}",
        "{\"toolResponse\":{\"functionResponses\":[{\"name\":\"f\",\"response\":{}}]}}",
        "{\"clientContent\":{\"turns\":\"hello\"}}"
    })
    void malformedMessagesAfterSetupAreClosedWith1007(String message) {
        LiveTestClient.Closed closed = closeAfter(setup("TEXT"), message);
        assertThat(closed.code()).isEqualTo(1007);
    }

    @Test
    void activitySignalsNeedManualActivityDetectionAndAudioStreamEndNeedsAutomatic() {
        String manual = "{\"setup\":{\"model\":\"" + LiveTestClient.MODEL + "\",\"realtimeInputConfig\":"
                + "{\"automaticActivityDetection\":{\"disabled\":true}}}}";
        assertThat(closeAfter(manual, "{\"realtimeInput\":{\"audioStreamEnd\":true}}").code()).isEqualTo(1007);
    }

    @Test
    void theFullReferenceSetupIsAccepted() {
        String full = "{\"setup\":{\"model\":\"" + LiveTestClient.MODEL + "\",\"generationConfig\":{"
                + "\"responseModalities\":[\"AUDIO\"],\"speechConfig\":{\"voiceConfig\":{\"prebuiltVoiceConfig\":"
                + "{\"voiceName\":\"Puck\"}},\"languageCode\":\"en-US\"},\"temperature\":0.7,\"topP\":0.9,\"topK\":40,"
                + "\"maxOutputTokens\":1024,\"mediaResolution\":\"MEDIA_RESOLUTION_LOW\",\"seed\":1,"
                + "\"thinkingConfig\":{\"thinkingBudget\":0},\"enableAffectiveDialog\":true},"
                + "\"systemInstruction\":{\"parts\":[{\"text\":\"You are ...\"}]},"
                + "\"tools\":[{\"functionDeclarations\":[{\"name\":\"f\",\"description\":\"...\",\"parameters\":"
                + "{\"type\":\"OBJECT\",\"properties\":{}}}]}],"
                + "\"realtimeInputConfig\":{\"automaticActivityDetection\":{\"disabled\":false,"
                + "\"startOfSpeechSensitivity\":\"START_SENSITIVITY_HIGH\",\"endOfSpeechSensitivity\":\"END_SENSITIVITY_LOW\","
                + "\"prefixPaddingMs\":20,\"silenceDurationMs\":500},\"activityHandling\":\"START_OF_ACTIVITY_INTERRUPTS\","
                + "\"turnCoverage\":\"TURN_INCLUDES_ONLY_ACTIVITY\"},\"sessionResumption\":{},"
                + "\"contextWindowCompression\":{\"triggerTokens\":\"25000\",\"slidingWindow\":{\"targetTokens\":\"8000\"}},"
                + "\"inputAudioTranscription\":{},\"outputAudioTranscription\":{},\"proactivity\":{\"proactiveAudio\":true}}}";
        try (LiveTestClient c = LiveTestClient.connect(HTTP, sim)) {
            c.send(full);
            assertThat(c.next().has("setupComplete")).isTrue();
            assertThat(c.next().path("sessionResumptionUpdate").path("resumable").asBoolean()).isTrue();
        }
    }

    @Test
    void aSecondSetupIsAnInvalidArgument() {
        assertThat(closeAfter(setup("TEXT"), setup("TEXT")).code()).isEqualTo(1007);
    }
}
