package dev.voxwire.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voxwire.core.AudioRequest;
import dev.voxwire.core.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BinaryFramesTest {
    private final EnvelopeCodec codec = EnvelopeCodec.ofDefaults();

    private static byte[] audio(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    private static byte[] frame(String headerJson, byte[] data) {
        byte[] h = headerJson.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + h.length + data.length).putInt(h.length).put(h).put(data).array();
    }

    @Test
    void aFrameDecodesToTheSameEventAsItsJsonForm() {
        byte[] pcm = audio(3200);
        Envelope sent = AudioRequest.pcm16(pcm, 16000, 1).toEnvelope().withId("r-1");

        Envelope viaBinary = BinaryFrames.decode(BinaryFrames.encode(sent), codec);
        Envelope viaJson = codec.decode(codec.encode(sent));

        assertThat(viaBinary.type()).isEqualTo(EventTypes.AUDIO_ANALYZE);
        assertThat(viaBinary.id()).isEqualTo("r-1");
        assertThat(BinaryFrames.binaryData(viaBinary)).hasValue(pcm);
        assertThat(viaBinary.payload().path("data").asText()).isEqualTo(Base64.getEncoder().encodeToString(pcm));
        assertThat(viaBinary.payload().path("sampleRate").asInt()).isEqualTo(16000);
        assertThat(viaJson.payload().path("data").asText()).isEqualTo(viaBinary.payload().path("data").asText());
    }

    @Test
    void theFrameIsTheHeaderWithoutDataThenTheRawBytes() {
        byte[] pcm = audio(10);
        byte[] f = BinaryFrames.encode(AudioRequest.pcm16(pcm, 8000, 1).toEnvelope());
        int n = ByteBuffer.wrap(f).getInt();
        String header = new String(f, 4, n, StandardCharsets.UTF_8);

        assertThat(header).startsWith("{\"type\":\"audio:analyze\"").doesNotContain("\"data\"");
        assertThat(f).hasSize(4 + n + 10);
        assertThat(java.util.Arrays.copyOfRange(f, 4 + n, f.length)).isEqualTo(pcm);
    }

    @Test
    void encodingLeavesTheEnvelopeUntouched() {
        Envelope e = AudioRequest.wav(audio(64)).toEnvelope();
        BinaryFrames.encode(e);
        assertThat(BinaryFrames.binaryData(e)).isPresent();
    }

    @Test
    void anAudioRequestStillEncodesAsBase64Json() {
        byte[] pcm = audio(5);
        String json = codec.encodeToString(AudioRequest.pcm16(pcm, 16000, 1).toEnvelope());
        assertThat(json).contains("\"data\":\"" + Base64.getEncoder().encodeToString(pcm) + "\"");
    }

    @Test
    void anEnvelopeWithoutBinaryDataCannotBeEncoded() {
        Envelope text = codec.decode("{\"type\":\"audio:analyze\",\"payload\":{\"data\":\"AAAA\"}}");
        assertThat(BinaryFrames.binaryData(text)).isEmpty();
        assertThatThrownBy(() -> BinaryFrames.encode(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("payload.data of 'audio:analyze' is not binary");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3})
    void aFrameShorterThanItsLengthPrefixIsRejected(int size) {
        assertInvalid(new byte[size], ErrorCode.INVALID_PAYLOAD, "shorter than its 4-byte header length");
    }

    @Test
    void aHeaderLengthBeyondTheFrameIsRejected() {
        byte[] f = ByteBuffer.allocate(8).putInt(5).putInt(0).array();
        assertInvalid(f, ErrorCode.INVALID_PAYLOAD, "header length 5 exceeds the 4 bytes");
        byte[] huge = ByteBuffer.allocate(6).putInt(-1).putShort((short) 0).array();
        assertInvalid(huge, ErrorCode.INVALID_PAYLOAD, "header length 4294967295 exceeds");
    }

    @Test
    void aHeaderThatIsNotJsonIsRejected() {
        assertInvalid(frame("{\"type\":", audio(4)), ErrorCode.INVALID_PAYLOAD, "header is not valid JSON");
        assertInvalid(frame("[1,2]", audio(4)), ErrorCode.INVALID_PAYLOAD, "must be a JSON object");
        assertInvalid(frame("", audio(4)), ErrorCode.INVALID_PAYLOAD, "must be a JSON object");
    }

    @Test
    void aHeaderCarryingDataItselfIsRejected() {
        assertInvalid(frame("{\"type\":\"audio:analyze\",\"payload\":{\"data\":\"AAAA\"}}", audio(4)),
                ErrorCode.INVALID_PAYLOAD, "header has payload.data");
    }

    @Test
    void theEventIsValidatedLikeATextFrame() {
        assertInvalid(frame("{\"type\":\"audio:analyze\",\"id\":\"r-9\",\"payload\":{\"format\":7}}", audio(4)),
                ErrorCode.INVALID_PAYLOAD, "payload field 'format' of 'audio:analyze' must be a string");
        assertInvalid(frame("{\"type\":\"audio:analyze\"}", new byte[0]),
                ErrorCode.INVALID_PAYLOAD, "payload field 'data' of 'audio:analyze' is empty");
        assertInvalid(frame("{\"type\":\"nope:nope\"}", audio(4)), ErrorCode.INVALID_PAYLOAD, "unknown");
        assertInvalid(frame("{\"type\":\"audio:analyze\",\"payload\":[]}", audio(4)), ErrorCode.INVALID_PAYLOAD,
                "payload");
    }

    @Test
    void theRequestIdOfAnInvalidEventIsKept() {
        assertThatThrownBy(() -> BinaryFrames.decode(
                frame("{\"type\":\"audio:analyze\",\"id\":\"r-9\",\"payload\":{\"format\":7}}", audio(4)), codec))
                .isInstanceOfSatisfying(InvalidEnvelopeException.class,
                        e -> assertThat(e.requestId()).hasValue("r-9"));
    }

    @Test
    void theSizeLimitCoversTheWholeFrame() {
        EnvelopeCodec small = EnvelopeCodec.builder().maxBytes(1000).build();
        byte[] f = BinaryFrames.encode(AudioRequest.pcm16(audio(2000), 16000, 1).toEnvelope());
        assertThatThrownBy(() -> BinaryFrames.decode(f, small)).isInstanceOfSatisfying(InvalidEnvelopeException.class,
                e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
                    assertThat(e).hasMessageContaining("limit: 1000");
                });
    }

    private void assertInvalid(byte[] frame, ErrorCode code, String message) {
        assertThatThrownBy(() -> BinaryFrames.decode(frame, codec)).isInstanceOfSatisfying(
                InvalidEnvelopeException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e).hasMessageContaining(message);
                });
    }
}
