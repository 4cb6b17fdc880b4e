package com.example.downstream;

import static dev.voxwire.testkit.assertj.VoxwireAssertions.assertThatVoxwireExceptionThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.server.analysis.AnalysisHandler;
import dev.voxwire.testkit.AudioFixtures;
import dev.voxwire.testkit.AudioFixtures.Encoding;
import dev.voxwire.testkit.RawWebSocket;
import dev.voxwire.testkit.junit5.VoxwireServerExtension;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Downstream style: audio fixtures against a real analysis handler, and error assertions. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AudioAndErrorsTest {
    @RegisterExtension
    static VoxwireServerExtension server = VoxwireServerExtension.builder()
            .configure(b -> b.handler(AnalysisHandler.ofDefaults()))
            .build();

    // docs:audio-fixtures
    @Test
    void speechLikeAudioHasVoicedSegmentsAndAMalformedFileIsRefused() {
        byte[] speech = AudioFixtures.speechLike(Duration.ofSeconds(1), 24_000, 2, Encoding.PCM_S16LE, 42);
        byte[] mp3InWav = AudioFixtures.unsupportedCodecWav();

        try (RawWebSocket ws = RawWebSocket.connect(server.wsUri(),
                Map.of("Authorization", "Bearer " + server.token("alice")), List.of())) {
            ws.nextJson(); // system:connected
            ws.send(analyze("good", speech));
            ws.send(analyze("bad", mp3InWav));

            JsonNode result = null;
            JsonNode error = null;
            while (result == null || error == null) {
                JsonNode e = ws.nextJson();
                switch (e.path("type").asText()) {
                    case "analysis:result" -> result = e.path("payload");
                    case "error" -> error = e.path("payload");
                    default -> { } // progress
                }
            }
            assertThat(result.path("requestId").asText()).isEqualTo("good");
            assertThat(result.path("sampleRate").asInt()).isEqualTo(24_000);
            assertThat(result.path("voicedSegments").size()).isPositive();
            assertThat(error.path("requestId").asText()).isEqualTo("bad");
            assertThat(error.path("code").asText()).isEqualTo("UNSUPPORTED_AUDIO");
        }
    }
    // end:audio-fixtures

    private static String analyze(String id, byte[] wav) {
        return "{\"type\":\"audio:analyze\",\"id\":\"" + id + "\",\"payload\":{\"format\":\"wav\",\"data\":\""
                + Base64.getEncoder().encodeToString(wav) + "\"}}";
    }

    // docs:exception-assertions
    @Test
    void oversizedMessagesAreRefusedWithAClearCode() {
        EnvelopeCodec codec = EnvelopeCodec.builder().maxBytes(1024).build();
        String tooLarge = "{\"type\":\"message:send\",\"payload\":{\"content\":\"" + "x".repeat(2000) + "\"}}";

        assertThatVoxwireExceptionThrownBy(() -> codec.decode(tooLarge))
                .hasCode(ErrorCode.PAYLOAD_TOO_LARGE)
                .messageContains("limit: 1024")
                .isNotRetryable();
    }
    // end:exception-assertions
}
