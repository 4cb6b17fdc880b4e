package dev.voxwire.core.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.audio.AudioFormat.Encoding;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AudioChunkerTest {
    @Test
    void splitsIntoEqualChunksWithAShorterLastOne() {
        PcmAudio audio = PcmAudio.of(AudioFormat.PCM16_MONO_16K, bytes(2 * 1_000));

        List<PcmAudio> chunks = AudioChunker.split(audio, Duration.ofMillis(20));

        // 1,000 frames in chunks of 320: 320, 320, 320, 40
        assertThat(chunks).extracting(PcmAudio::frames).containsExactly(320, 320, 320, 40);
        assertThat(chunks.get(0).duration()).isEqualTo(Duration.ofMillis(20));
        assertThat(chunks).allSatisfy(c -> assertThat(c.format()).isEqualTo(AudioFormat.PCM16_MONO_16K));
        assertThat(concat(chunks.stream().map(PcmAudio::data).toList())).isEqualTo(audio.data());
    }

    @Test
    void exactMultipleHasNoShortChunk() {
        PcmAudio audio = PcmAudio.of(AudioFormat.pcm16(16_000, 2), bytes(4 * 1_600));

        assertThat(AudioChunker.split(audio, Duration.ofMillis(50))).extracting(PcmAudio::frames)
                .containsExactly(800, 800);
    }

    @Test
    void chunksNeverSplitAFrame() {
        AudioFormat format = AudioFormat.of(Encoding.PCM_S24LE, 44_100, 2);
        byte[] pcm = bytes(6 * 4_410);

        List<byte[]> chunks = AudioChunker.split(pcm, format, Duration.ofMillis(10));

        // 441 frames of 6 bytes
        assertThat(chunks).hasSize(10).allSatisfy(c -> assertThat(c).hasSize(441 * 6));
        assertThat(concat(chunks)).isEqualTo(pcm);
    }

    @ParameterizedTest(name = "{1} at {0} Hz")
    @CsvSource({"16000, PT0.02S, 320", "11025, PT0.01S, 110", "22050, PT0.01S, 221", "44100, PT0.02S, 882",
        "8000, PT0.000125S, 1", "8000, PT0.0001875S, 2", "48000, PT1M, 2880000"})
    void chunkLengthIsTheDurationRoundedToTheNearestFrame(int rate, Duration duration, int frames) {
        assertThat(AudioChunker.framesPerChunk(AudioFormat.pcm16(rate, 1), duration)).isEqualTo(frames);
    }

    @Test
    void emptyAudioGivesNoChunks() {
        assertThat(AudioChunker.split(PcmAudio.of(AudioFormat.PCM16_MONO_16K, new byte[0]), Duration.ofMillis(20)))
                .isEmpty();
        assertThat(AudioChunker.split(new byte[0], AudioFormat.PCM16_MONO_16K, Duration.ofMillis(20))).isEmpty();
    }

    @Test
    void aChunkLongerThanTheAudioHoldsAllOfIt() {
        PcmAudio audio = PcmAudio.of(AudioFormat.PCM16_MONO_16K, bytes(200));

        assertThat(AudioChunker.split(audio, Duration.ofDays(365_000_000))).containsExactly(audio);
    }

    @Test
    void rejectsDurationsThatAreNotPositiveOrShorterThanOneFrame() {
        AudioFormat format = AudioFormat.PCM16_MONO_16K;
        PcmAudio audio = PcmAudio.of(format, bytes(200));

        assertThatThrownBy(() -> AudioChunker.split(audio, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("chunkDuration: PT0S (expected: > 0)");
        assertThatThrownBy(() -> AudioChunker.split(audio, Duration.ofMillis(-20)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("chunkDuration: PT-0.02S (expected: > 0)");
        assertThatThrownBy(() -> AudioChunker.split(audio, Duration.ofNanos(62_499)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chunkDuration: PT0.000062499S (expected: >= one frame, PT0.0000625S at 16000 Hz)");
        assertThat(AudioChunker.split(audio, Duration.ofNanos(62_500))).hasSize(100);
    }

    @Test
    void rawBytesThatAreNotWholeFramesAreUnsupportedAudio() {
        assertThatThrownBy(() -> AudioChunker.split(bytes(5), AudioFormat.PCM16_MONO_16K, Duration.ofMillis(20)))
                .isInstanceOfSatisfying(VoxwireException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_AUDIO))
                .hasMessageContaining("pcm: 5 bytes is not a whole number of frames of 2 bytes");
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
