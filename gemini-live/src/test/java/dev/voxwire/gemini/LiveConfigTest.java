package dev.voxwire.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LiveConfigTest {
    @Test
    void builderChecksArgumentsAndShowsTheBadValue() {
        assertThatThrownBy(() -> LiveConfig.builder().model(" ")).hasMessage("model: ' ' (expected: a model name such as gemini-3.8-live)");
        assertThatThrownBy(() -> LiveConfig.builder().temperature(3)).hasMessage("temperature: 3.0 (expected: 0.0..2.0)");
        assertThatThrownBy(() -> LiveConfig.builder().contextWindowCompression(100, 200))
                .hasMessage("targetTokens: 200 (expected: 1..100)");
        assertThatThrownBy(() -> LiveConfig.builder().sessionResumption(false).resumptionHandle("h").build())
                .hasMessageContaining("resumptionHandle");
        assertThatThrownBy(() -> FunctionDeclaration.of("1bad", "x")).hasMessageContaining("name: '1bad'");
        assertThatThrownBy(() -> new Content("system", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GeminiLiveClient.builder().audioChunk(Duration.ofMillis(10)))
                .hasMessage("audioChunk: PT0.01S (expected: 20-100 ms)");
        assertThatThrownBy(() -> GeminiLiveClient.builder().setupTimeout(Duration.ZERO))
                .hasMessage("setupTimeout: PT0S (expected: > 0)");
        assertThatThrownBy(() -> GeminiLiveClient.builder().baseUri("ftp://x"))
                .hasMessageContaining("expected: ws://, wss://, http:// or https://");
    }

    @Test
    void toBuilderKeepsEveryValueAndModelsPrefixIsStripped() {
        LiveConfig c = LiveConfig.builder().model("models/gemini-3.1-flash-live-preview")
                .responseModalities(Modality.TEXT, Modality.AUDIO).voiceName("Kore").systemInstruction("x")
                .automaticActivityDetection(false).inputAudioTranscription(true).contextWindowCompression(true)
                .resumptionHandle("handle-1").build();
        LiveConfig copy = c.toBuilder().build();
        assertThat(copy.model()).isEqualTo("gemini-3.1-flash-live-preview");
        assertThat(copy.responseModalities()).containsExactly(Modality.TEXT, Modality.AUDIO);
        assertThat(copy.voiceName()).contains("Kore");
        assertThat(copy.automaticActivityDetection()).isFalse();
        assertThat(copy.inputAudioTranscription()).isTrue();
        assertThat(copy.contextWindowCompression()).isTrue();
        assertThat(copy.resumptionHandle()).contains("handle-1");
        assertThat(copy.toString()).doesNotContain("handle-1");
    }
}
