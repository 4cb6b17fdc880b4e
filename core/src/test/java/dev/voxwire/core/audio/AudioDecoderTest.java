package dev.voxwire.core.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.audio.AudioFormat.Encoding;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class AudioDecoderTest {
    @Test
    void decodesWavUsingItsHeaderAndIgnoringTheGivenRateAndChannels() {
        byte[] wav = TestSignals.sineWav(440, 0.5, 48_000, 2, Encoding.PCM_S24LE, 0.5);

        PcmAudio out = AudioDecoder.toPcm16Mono16k(wav, "wav", 8_000, 1);

        assertThat(out.format()).isEqualTo(AudioFormat.PCM16_MONO_16K);
        assertThat(out.frames()).isEqualTo(8_000);
        AudioConverterTest.assertTone(TestSignals.channel(out, 0), 16_000, 440, 0.5);
    }

    @Test
    void decodesRawPcm16WithTheGivenRateAndChannels() {
        PcmAudio in = TestSignals.sine(440, 0.5, 24_000, 2, Encoding.PCM_S16LE, 0.5);

        PcmAudio out = AudioDecoder.toPcm16Mono16k(in.data(), "pcm16", 24_000, 2);

        assertThat(out.frames()).isEqualTo(8_000);
        AudioConverterTest.assertTone(TestSignals.channel(out, 0), 16_000, 440, 0.5);
    }

    @Test
    void rawPcm16DefaultsTo16kMonoWhenRateAndChannelsAreZero() {
        byte[] data = PcmAudio.ofSamples(new short[] {1, 2, 3, -4}, 16_000, 1).data();

        PcmAudio out = AudioDecoder.toPcm16Mono16k(data, "PCM16", 0, 0);

        assertThat(out.samples()).containsExactly((short) 1, (short) 2, (short) 3, (short) -4);
        assertThat(AudioDecoder.decode(data, "pcm16", 0, 2).format()).isEqualTo(AudioFormat.pcm16(16_000, 2));
    }

    @Test
    void decodeKeepsTheOriginalFormat() {
        byte[] wav = TestSignals.sineWav(440, 0.5, 44_100, 2, Encoding.FLOAT32LE, 0.1);

        assertThat(AudioDecoder.decode(wav, "Wav", 0, 0).format())
                .isEqualTo(AudioFormat.of(Encoding.FLOAT32LE, 44_100, 2));
    }

    @Test
    void unknownFormatNamesTheAcceptedOnes() {
        assertUnsupported(() -> AudioDecoder.toPcm16Mono16k(new byte[4], "mp3", 0, 0),
                "unknown audio format 'mp3' (expected one of: wav, pcm16)");
        assertUnsupported(() -> AudioDecoder.toPcm16Mono16k(new byte[4], "x".repeat(100) + "\n", 0, 0),
                "unknown audio format '" + "x".repeat(32) + "...'");
    }

    @Test
    void emptyAudioIsRejected() {
        assertUnsupported(() -> AudioDecoder.toPcm16Mono16k(new byte[0], "pcm16", 16_000, 1),
                "no audio: the pcm16 data is empty");
        assertUnsupported(() -> AudioDecoder.toPcm16Mono16k(new byte[0], "wav", 0, 0), "no audio: the wav data is empty");
        byte[] emptyWav = WavWriter.write(PcmAudio.of(AudioFormat.PCM16_MONO_16K, new byte[0]));
        assertUnsupported(() -> AudioDecoder.toPcm16Mono16k(emptyWav, "wav", 0, 0),
                "no audio: the wav data holds no samples");
    }

    @Test
    void badRawPcm16ParametersAreRejectedShowingTheValue() {
        assertUnsupported(() -> AudioDecoder.toPcm16Mono16k(new byte[4], "pcm16", -1, 1),
                "sampleRate: -1 (expected: > 0, or 0 for 16000)");
        assertUnsupported(() -> AudioDecoder.toPcm16Mono16k(new byte[4], "pcm16", 16_000, -2),
                "channels: -2 (expected: > 0, or 0 for 1)");
        assertUnsupported(() -> AudioDecoder.toPcm16Mono16k(new byte[4], "pcm16", 500, 1), "sampleRate: 500 Hz");
        assertUnsupported(() -> AudioDecoder.toPcm16Mono16k(new byte[40], "pcm16", 16_000, 20), "channels: 20");
        assertUnsupported(() -> AudioDecoder.toPcm16Mono16k(new byte[7], "pcm16", 16_000, 2),
                "pcm16 data: 7 bytes is not a whole number of frames of 4 bytes");
    }

    @Test
    void malformedWavIsRejected() {
        byte[] wav = TestSignals.sineWav(440, 0.5, 16_000, 1, Encoding.PCM_S16LE, 0.1);

        assertUnsupported(() -> AudioDecoder.toPcm16Mono16k(java.util.Arrays.copyOf(wav, 100), "wav", 0, 0),
                "WAV file: truncated");
    }

    @Test
    void decodedLevelMatchesTheSourceForEverySampleWidth() {
        for (Encoding e : Encoding.values()) {
            byte[] wav = TestSignals.sineWav(1_000, 0.25, 16_000, 1, e, 0.1);
            double[] out = TestSignals.channel(AudioDecoder.toPcm16Mono16k(wav, "wav", 0, 0), 0);
            assertThat(TestSignals.rms(out, 0, out.length)).as("%s", e).isCloseTo(0.25 / Math.sqrt(2), within(0.005));
        }
    }

    private static void assertUnsupported(ThrowingCallable call, String fragment) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(VoxwireException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_AUDIO))
                .hasMessageContaining(fragment);
    }
}
