package dev.voxwire.core.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.audio.AudioFormat.Encoding;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class StreamingConverterTest {
    @ParameterizedTest(name = "{0} Hz {1} ch {2} -> {3} Hz {4} ch")
    @CsvSource({
        "44100, 2, PCM_S16LE, 16000, 1",
        "24000, 1, PCM_S16LE, 16000, 1",
        "16000, 1, PCM_S16LE, 24000, 1",
        "48000, 2, FLOAT32LE, 16000, 2",
        "11025, 1, PCM_U8, 16000, 2",
        "16000, 2, PCM_S24LE, 16000, 1",
        "44101, 1, PCM_S16LE, 16000, 1",
    })
    void chunkedConversionEqualsWholeConversion(int rate, int channels, Encoding encoding, int toRate, int toChannels) {
        PcmAudio whole = TestSignals.sine(440, 0.5, rate, channels, encoding, 0.25);
        AudioFormat target = AudioFormat.pcm16(toRate, toChannels);
        StreamingConverter converter = AudioConverter.streaming(whole.format(), target);
        byte[] in = whole.data();
        Random random = new Random(rate);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        for (int pos = 0; pos < in.length; ) {
            // any size, including partial frames and empty chunks
            int n = Math.min(in.length - pos, random.nextInt(700));
            out.writeBytes(converter.convert(Arrays.copyOfRange(in, pos, pos + n)));
            pos += n;
        }
        out.writeBytes(converter.flush());

        assertThat(out.toByteArray()).isEqualTo(AudioConverter.convert(whole, target).data());
    }

    @Test
    void outputLagsByHalfTheFilterAndFlushEmitsTheTail() {
        StreamingConverter converter = AudioConverter.streaming(AudioFormat.PCM16_MONO_24K, AudioFormat.PCM16_MONO_16K);
        PcmAudio tenMs = TestSignals.sine(440, 0.5, 24_000, 1, Encoding.PCM_S16LE, 0.01);

        PcmAudio first = converter.convert(tenMs);
        byte[] tail = converter.flush();

        // 48 input samples of look-ahead at 24 kHz = 32 output samples
        assertThat(converter.latency()).isEqualTo(Duration.ofMillis(2));
        assertThat(first.frames()).isEqualTo(160 - 32);
        assertThat(tail).hasSize(32 * 2);
    }

    @Test
    void sameRateConversionHasNoLatency() {
        StreamingConverter converter = AudioConverter.streaming(AudioFormat.pcm16(16_000, 2), AudioFormat.PCM16_MONO_16K);

        byte[] out = converter.convert(new byte[] {2, 0, 4, 0, 6});

        assertThat(converter.latency()).isZero();
        assertThat(out).containsExactly(3, 0);
        assertThat(converter.convert(new byte[] {0, 8, 0})).containsExactly(7, 0);
        assertThat(converter.flush()).isEmpty();
    }

    @Test
    void aPartialFrameLeftAtTheEndIsRejected() {
        StreamingConverter converter = AudioConverter.streaming(AudioFormat.pcm16(16_000, 2), AudioFormat.PCM16_MONO_16K);
        converter.convert(new byte[6]);

        assertThatThrownBy(converter::flush)
                .isInstanceOfSatisfying(VoxwireException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_AUDIO))
                .hasMessageContaining("partial frame: 2 bytes left over (frame size 4 bytes");
    }

    @Test
    void cannotBeUsedAfterFlush() {
        StreamingConverter converter = AudioConverter.streaming(AudioFormat.PCM16_MONO_24K, AudioFormat.PCM16_MONO_16K);
        converter.flush();

        assertThatThrownBy(() -> converter.convert(new byte[2])).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(converter::flush).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rejectsChunksInAnotherFormat() {
        StreamingConverter converter = AudioConverter.streaming(AudioFormat.PCM16_MONO_24K, AudioFormat.PCM16_MONO_16K);

        assertThatThrownBy(() -> converter.convert(PcmAudio.of(AudioFormat.PCM16_MONO_16K, new byte[2])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chunk format: PCM_S16LE 16000 Hz mono (expected: PCM_S16LE 24000 Hz mono)");
    }
}
