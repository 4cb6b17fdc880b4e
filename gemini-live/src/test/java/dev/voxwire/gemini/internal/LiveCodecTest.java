package dev.voxwire.gemini.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxwire.gemini.ApiVersion;
import dev.voxwire.gemini.LiveConfig;
import dev.voxwire.gemini.LiveEvent;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveCodecTest {
    @Test
    void minimalSetupHasOnlyWhatWasAskedFor() throws Exception {
        JsonNode setup = LiveCodec.mapper().readTree(LiveCodec.setup(LiveConfig.ofDefaults(), null)).path("setup");
        assertThat(setup.path("model").asText()).isEqualTo("models/gemini-3.8-live");
        assertThat(setup.path("generationConfig").path("responseModalities").toString()).isEqualTo("[\"AUDIO\"]");
        assertThat(setup.has("inputAudioTranscription")).isFalse();
        assertThat(setup.has("contextWindowCompression")).isFalse();
        assertThat(setup.path("sessionResumption").size()).isZero();
        JsonNode resumed = LiveCodec.mapper().readTree(LiveCodec.setup(LiveConfig.ofDefaults(), "h-1")).path("setup");
        assertThat(resumed.path("sessionResumption").path("handle").asText()).isEqualTo("h-1");
        JsonNode noResumption = LiveCodec.mapper().readTree(LiveCodec.setup(
                LiveConfig.builder().sessionResumption(false).build(), null)).path("setup");
        assertThat(noResumption.has("sessionResumption")).isFalse();
    }

    @Test
    void prettyPrintedServerMessagesWithUnknownFieldsAreRead() throws Exception {
        String audio = Base64.getEncoder().encodeToString(new byte[] {1, 0, 2, 0});
        LiveCodec.ServerMessage m = LiveCodec.read("{\n  \"serverContent\": {\n    \"modelTurn\": {\n"
                + "      \"parts\": [ { \"inlineData\": { \"mimeType\": \"audio/pcm\", \"data\": \"" + audio + "\" } },\n"
                + "                 { \"text\": \"thinking\", \"thought\": true }, { \"text\": \"hi\" } ]\n    },\n"
                + "    \"turnComplete\": true, \"interactionStatus\": \"IDLE\"\n  },\n"
                + "  \"usageMetadata\": { \"promptTokenCount\": 3, \"totalTokenCount\": 9, \"promptTokensDetails\": [] },\n"
                + "  \"voiceActivity\": { \"voiceActivityType\": \"ACTIVITY_END\" }\n}");
        assertThat(m.setupComplete()).isFalse();
        List<LiveEvent> e = m.events();
        assertThat(e).hasSize(4);
        assertThat(e.get(0)).isInstanceOfSatisfying(LiveEvent.AudioOut.class, a -> {
            assertThat(a.sampleRate()).isEqualTo(24_000);
            assertThat(a.pcm()).containsExactly(1, 0, 2, 0);
        });
        assertThat(e.get(1)).isEqualTo(new LiveEvent.Text("hi"));
        assertThat(e.get(2)).isInstanceOfSatisfying(LiveEvent.Usage.class, u -> {
            assertThat(u.usage().promptTokenCount()).isEqualTo(3);
            assertThat(u.usage().totalTokenCount()).isEqualTo(9);
        });
        assertThat(e.get(3)).isInstanceOf(LiveEvent.TurnComplete.class);
    }

    @Test
    void controlMessagesAreRead() throws Exception {
        assertThat(LiveCodec.read("{\"setupComplete\":{\"sessionId\":\"x\"}}").setupComplete()).isTrue();
        assertThat(LiveCodec.read("{\"goAway\":{\"timeLeft\":\"1.500s\"}}").events())
                .containsExactly(new LiveEvent.GoAway(Duration.ofMillis(1500)));
        assertThat(LiveCodec.read("{\"sessionResumptionUpdate\":{\"newHandle\":\"\",\"resumable\":false}}").events()
                .get(0)).isInstanceOfSatisfying(LiveEvent.SessionResumptionUpdate.class,
                        u -> assertThat(u.handle()).isEmpty());
        assertThat(LiveCodec.read("{\"toolCallCancellation\":{\"ids\":[\"a\",\"b\"]}}").events())
                .containsExactly(new LiveEvent.ToolCallCancellation(List.of("a", "b")));
        assertThat(LiveCodec.read("{\"serverContent\":{\"inputTranscription\":{\"text\":\"hi\",\"finished\":true}}}")
                .events()).containsExactly(new LiveEvent.InputTranscription("hi", true));
        assertThat(LiveCodec.read("{\"somethingNew\":{}}").events()).isEmpty();
        assertThat(LiveCodec.rateOf("audio/pcm;rate=16000")).isEqualTo(16_000);
        assertThatThrownBy(() -> LiveCodec.read("[1]")).isInstanceOf(Exception.class);
    }

    @Test
    void endpointsFollowTheServicePaths() {
        assertThat(ClientSettings.endpoint(URI.create("wss://generativelanguage.googleapis.com"), null, false))
                .hasToString("wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1beta"
                        + ".GenerativeService.BidiGenerateContent");
        assertThat(ClientSettings.endpoint(URI.create("https://proxy.example:8443/gemini/"), ApiVersion.V1ALPHA, false))
                .hasToString("wss://proxy.example:8443/gemini/ws/google.ai.generativelanguage.v1alpha"
                        + ".GenerativeService.BidiGenerateContent");
        assertThat(ClientSettings.endpoint(URI.create("http://127.0.0.1:9000"), null, true))
                .hasToString("ws://127.0.0.1:9000/ws/google.ai.generativelanguage.v1alpha"
                        + ".GenerativeService.BidiGenerateContentConstrained");
        URI full = URI.create("ws://h:1/ws/custom.Path");
        assertThat(ClientSettings.endpoint(full, null, false)).isEqualTo(full);
        assertThatThrownBy(() -> ClientSettings.endpoint(URI.create("ftp://h"), null, false))
                .hasMessageContaining("ftp://h (expected: ws://, wss://, http:// or https://)");
    }
}
