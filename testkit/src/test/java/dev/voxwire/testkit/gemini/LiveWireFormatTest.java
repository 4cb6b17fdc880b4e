package dev.voxwire.testkit.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LiveWireFormatTest {
    @Test
    void durationsAreWrittenAsProtoJson() {
        assertThat(LiveJson.protoDuration(Duration.ofSeconds(50))).isEqualTo("50s");
        assertThat(LiveJson.protoDuration(Duration.ofMillis(1500))).isEqualTo("1.500s");
        assertThat(LiveJson.protoDuration(Duration.ofNanos(1_000))).isEqualTo("0.000001s");
        assertThat(LiveJson.protoDuration(Duration.ofNanos(7))).isEqualTo("0.000000007s");
    }

    @Test
    void closeReasonsAreCutTo123BytesWithoutSplittingACharacter() {
        String reason = "é".repeat(100);
        String cut = GeminiCloseReasons.truncate(reason);
        assertThat(cut.getBytes(StandardCharsets.UTF_8)).hasSize(122);
        assertThat(cut).isEqualTo("é".repeat(61));
        assertThat(GeminiCloseReasons.truncate("short")).isEqualTo("short");
    }

    @Test
    void textChunksJoinBackExactly() {
        String text = "Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich 🐟 " + "x".repeat(150);
        assertThat(String.join("", LiveSessionHandler.textChunks(text))).isEqualTo(text);
        assertThat(LiveSessionHandler.textChunks(text)).allSatisfy(c -> assertThat(c.length()).isLessThanOrEqualTo(65));
        assertThat(LiveSessionHandler.textChunks("")).containsExactly("");
    }

    @Test
    void snakeCaseNamesBecomeCamelCaseExceptInsideFreeFormValues() throws Exception {
        var node = LiveJson.camelCase(LiveJson.parse(
                "{\"tool_response\":{\"function_responses\":[{\"id\":\"1\",\"response\":{\"snake_key\":1}}]}}"));
        assertThat(LiveJson.compact(node))
                .isEqualTo("{\"toolResponse\":{\"functionResponses\":[{\"id\":\"1\",\"response\":{\"snake_key\":1}}]}}");
    }

    @Test
    void pcmRatesAreReadFromTheMimeType() {
        assertThat(Pcm.rateOf("audio/pcm;rate=24000")).hasValue(24000);
        assertThat(Pcm.rateOf("audio/pcm")).hasValue(16000);
        assertThat(Pcm.rateOf("audio/PCM; rate=8000")).hasValue(8000);
        assertThat(Pcm.rateOf("audio/pcm;rate=abc")).isEmpty();
        assertThat(Pcm.rateOf("audio/wav")).isEmpty();
    }

    @Test
    void resamplingKeepsTheDuration() {
        byte[] in = new byte[16000 * 2];
        assertThat(Pcm.resample(in, 16000, 24000)).hasSize(24000 * 2);
        assertThat(Pcm.resample(in, 16000, 16000)).hasSize(16000 * 2);
    }
}
