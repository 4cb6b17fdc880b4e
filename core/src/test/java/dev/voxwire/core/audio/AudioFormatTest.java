package dev.voxwire.core.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.audio.AudioFormat.Encoding;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AudioFormatTest {
    @Test
    void constantsAreSixteenBitMonoAt16And24Kilohertz() {
        assertThat(AudioFormat.PCM16_MONO_16K).isEqualTo(AudioFormat.of(Encoding.PCM_S16LE, 16_000, 1));
        assertThat(AudioFormat.PCM16_MONO_24K).isEqualTo(AudioFormat.pcm16(24_000, 1));
        assertThat(AudioFormat.PCM16_MONO_16K.bytesPerSecond()).isEqualTo(32_000);
        assertThat(AudioFormat.PCM16_MONO_16K).hasToString("PCM_S16LE 16000 Hz mono");
    }

    @ParameterizedTest(name = "{0} x {1} ch")
    @CsvSource({"PCM_U8, 1, 1, 1", "PCM_U8, 2, 1, 2", "PCM_S16LE, 2, 2, 4", "PCM_S24LE, 2, 3, 6",
        "PCM_S32LE, 1, 4, 4", "FLOAT32LE, 8, 4, 32"})
    void frameSizeIsSampleSizeTimesChannels(Encoding encoding, int channels, int bytesPerSample, int bytesPerFrame) {
        AudioFormat f = AudioFormat.of(encoding, 48_000, channels);

        assertThat(f.bytesPerSample()).isEqualTo(bytesPerSample);
        assertThat(f.bytesPerFrame()).isEqualTo(bytesPerFrame);
        assertThat(f.bytesPerSecond()).isEqualTo(48_000L * bytesPerFrame);
    }

    @Test
    void durationCountsWholeFramesOnly() {
        AudioFormat f = AudioFormat.pcm16(16_000, 2);

        assertThat(f.durationOf(64_000)).isEqualTo(Duration.ofSeconds(1));
        assertThat(f.durationOf(640)).isEqualTo(Duration.ofMillis(10));
        assertThat(f.durationOf(643)).isEqualTo(Duration.ofMillis(10));
        assertThat(f.durationOf(0)).isZero();
        assertThat(AudioFormat.pcm16(44_100, 1).durationOfFrames(1)).isEqualTo(Duration.ofNanos(22_675));
        assertThat(AudioFormat.pcm16(8_000, 1).durationOfFrames(3_600L * 8_000 * 24 * 365))
                .isEqualTo(Duration.ofDays(365));
        assertThatThrownBy(() -> f.durationOf(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("byteCount: -1 (expected: >= 0)");
    }

    @ParameterizedTest(name = "{0} Hz, {1} ch")
    @CsvSource({
        "0, 1, 'sampleRate: 0 Hz (expected: 1000..384000)'",
        "999, 1, 'sampleRate: 999 Hz'",
        "384001, 1, 'sampleRate: 384001 Hz'",
        "-16000, 1, 'sampleRate: -16000 Hz'",
        "16000, 0, 'channels: 0 (expected: 1..8)'",
        "16000, 9, 'channels: 9 (expected: 1..8)'",
        "16000, -1, 'channels: -1'",
    })
    void outOfRangeValuesAreUnsupportedAudioShowingTheValue(int rate, int channels, String message) {
        assertThatThrownBy(() -> AudioFormat.pcm16(rate, channels))
                .isInstanceOfSatisfying(VoxwireException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_AUDIO))
                .hasMessageContaining(message);
    }

    @Test
    void acceptsTheRangeLimits() {
        assertThat(AudioFormat.of(Encoding.FLOAT32LE, AudioFormat.MIN_SAMPLE_RATE, 1).sampleRate()).isEqualTo(1_000);
        assertThat(AudioFormat.of(Encoding.FLOAT32LE, AudioFormat.MAX_SAMPLE_RATE, 8).channels()).isEqualTo(8);
    }

    @Test
    void equalityIsByEncodingRateAndChannels() {
        assertThat(AudioFormat.pcm16(16_000, 1)).isEqualTo(AudioFormat.PCM16_MONO_16K)
                .hasSameHashCodeAs(AudioFormat.PCM16_MONO_16K)
                .isNotEqualTo(AudioFormat.PCM16_MONO_16K.withEncoding(Encoding.FLOAT32LE))
                .isNotEqualTo(AudioFormat.pcm16(16_000, 2))
                .isNotEqualTo(AudioFormat.PCM16_MONO_24K);
    }
}
