package dev.voxwire.core.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.audio.AudioFormat.Encoding;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PcmAudioTest {
    @Test
    void samplesAreLittleEndianAndInterleaved() {
        PcmAudio audio = PcmAudio.of(AudioFormat.pcm16(16_000, 2), new byte[] {1, 0, (byte) 0xFF, (byte) 0xFF, 0, (byte) 0x80,
            (byte) 0xFF, 0x7F});

        assertThat(audio.samples()).containsExactly((short) 1, (short) -1, Short.MIN_VALUE, Short.MAX_VALUE);
        assertThat(audio.frames()).isEqualTo(2);
        assertThat(audio.channels()).isEqualTo(2);
        assertThat(audio.sampleRate()).isEqualTo(16_000);
    }

    @Test
    void ofSamplesRoundTripsThroughBytes() {
        short[] samples = {0, 1, -1, 12_345, -32_768, 32_767};

        PcmAudio audio = PcmAudio.ofSamples(samples, 24_000, 2);

        assertThat(audio.samples()).containsExactly(samples);
        assertThat(audio.format()).isEqualTo(AudioFormat.pcm16(24_000, 2));
        assertThat(audio.data()).hasSize(12).startsWith(0, 0, 1, 0, (byte) 0xFF, (byte) 0xFF);
        assertThat(audio.frames()).isEqualTo(3);
    }

    @Test
    void isImmutable() {
        byte[] data = {1, 2, 3, 4};
        PcmAudio audio = PcmAudio.of(AudioFormat.PCM16_MONO_16K, data);

        data[0] = 9;
        audio.data()[1] = 9;

        assertThat(audio.data()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void durationFollowsFramesAndRate() {
        PcmAudio audio = PcmAudio.of(AudioFormat.pcm16(16_000, 2), new byte[6_400]);

        assertThat(audio.duration()).isEqualTo(Duration.ofMillis(100));
        assertThat(audio.byteLength()).isEqualTo(6_400);
        assertThat(audio.isEmpty()).isFalse();
        assertThat(audio).hasToString("PcmAudio{PCM_S16LE 16000 Hz stereo, frames=1600, duration=PT0.1S}");
    }

    @Test
    void rejectsBytesThatAreNotWholeFrames() {
        assertThatThrownBy(() -> PcmAudio.of(AudioFormat.of(Encoding.PCM_S24LE, 48_000, 2), new byte[10]))
                .isInstanceOfSatisfying(VoxwireException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_AUDIO))
                .hasMessageContaining("data: 10 bytes is not a whole number of frames of 6 bytes");
        assertThatThrownBy(() -> PcmAudio.ofSamples(new short[3], 16_000, 2))
                .isInstanceOfSatisfying(VoxwireException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_AUDIO))
                .hasMessageContaining("samples: 3 values is not a multiple of 2 channels");
    }

    @Test
    void samplesNeedSixteenBitAudio() {
        PcmAudio floats = PcmAudio.of(AudioFormat.of(Encoding.FLOAT32LE, 16_000, 1), new byte[8]);

        assertThatThrownBy(floats::samples).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs PCM_S16LE audio, this is FLOAT32LE 16000 Hz mono");
    }

    @Test
    void slicesWholeFrames() {
        PcmAudio audio = PcmAudio.ofSamples(new short[] {1, 2, 3, 4, 5, 6}, 16_000, 2);

        assertThat(audio.slice(1, 3).samples()).containsExactly((short) 3, (short) 4, (short) 5, (short) 6);
        assertThat(audio.slice(2, 2).isEmpty()).isTrue();
        assertThatThrownBy(() -> audio.slice(2, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> audio.slice(-1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void equalityIsByFormatAndBytes() {
        PcmAudio a = PcmAudio.ofSamples(new short[] {1, 2}, 16_000, 1);

        assertThat(a).isEqualTo(PcmAudio.ofSamples(new short[] {1, 2}, 16_000, 1))
                .hasSameHashCodeAs(PcmAudio.ofSamples(new short[] {1, 2}, 16_000, 1))
                .isNotEqualTo(PcmAudio.ofSamples(new short[] {1, 3}, 16_000, 1))
                .isNotEqualTo(PcmAudio.ofSamples(new short[] {1, 2}, 16_000, 2));
    }
}
