package dev.voxwire.core.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.audio.AudioFormat.Encoding;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class AudioConverterTest {
    static final int[] INPUT_RATES = {8_000, 11_025, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000};
    static final Encoding[] INPUT_ENCODINGS = {
        Encoding.PCM_U8, Encoding.PCM_S16LE, Encoding.PCM_S24LE, Encoding.FLOAT32LE,
    };
    private static final double AMPLITUDE = 0.5;
    /** Edge transients last half a filter (at most 2 ms here); measure well inside. */
    private static final double EDGE_SECONDS = 0.05;

    static Stream<Arguments> everyInput() {
        List<Arguments> cases = new ArrayList<>();
        for (int rate : INPUT_RATES) {
            for (int channels = 1; channels <= 2; channels++) {
                for (Encoding e : INPUT_ENCODINGS) {
                    cases.add(Arguments.of(rate, channels, e));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} Hz, {1} ch, {2}")
    @MethodSource("everyInput")
    void sineKeepsFrequencyAndLevelWhenConvertedTo16kMono(int rate, int channels, Encoding encoding) {
        byte[] wav = TestSignals.sineWav(440, AMPLITUDE, rate, channels, encoding, 1.0);

        PcmAudio out = AudioDecoder.toPcm16Mono16k(wav, "wav", 0, 0);

        assertThat(out.format()).isEqualTo(AudioFormat.PCM16_MONO_16K);
        assertThat(out.frames()).isCloseTo(16_000, within(1));
        assertTone(TestSignals.channel(out, 0), 16_000, 440, AMPLITUDE);
    }

    @ParameterizedTest(name = "{0} Hz -> {1} Hz")
    @CsvSource({"16000, 24000", "24000, 16000", "16000, 48000", "48000, 24000", "44100, 48000"})
    void sineKeepsFrequencyAndLevelBetweenOtherRates(int from, int to) {
        PcmAudio in = TestSignals.sine(440, AMPLITUDE, from, 1, Encoding.PCM_S16LE, 1.0);

        PcmAudio out = AudioConverter.toPcm16(in, to, 1);

        assertThat(out.sampleRate()).isEqualTo(to);
        assertThat(out.frames()).isEqualTo(to);
        assertTone(TestSignals.channel(out, 0), to, 440, AMPLITUDE);
    }

    @Test
    void roundTripThrough24kHzGivesBackTheSameSignalWithoutDelay() {
        PcmAudio in = TestSignals.sine(1_000, AMPLITUDE, 16_000, 1, Encoding.PCM_S16LE, 0.5);

        PcmAudio back = AudioConverter.toPcm16Mono16k(AudioConverter.toPcm16(in, 24_000, 1));

        double[] a = TestSignals.channel(in, 0);
        double[] b = TestSignals.channel(back, 0);
        assertThat(b).hasSameSizeAs(a);
        int edge = (int) (EDGE_SECONDS * 16_000);
        assertThat(maxDifference(a, b, edge, a.length - edge)).isLessThanOrEqualTo(3.0 / 32768);
    }

    @Test
    void longAudioMatchesTheIdealSignalSampleBySampleAcrossProcessingBlocks() {
        // 3 s at 44.1 kHz stereo is converted in several blocks: no seams, no delay
        PcmAudio in = TestSignals.sine(440, AMPLITUDE, 44_100, 2, Encoding.PCM_S16LE, 3.0);

        double[] out = TestSignals.channel(AudioConverter.toPcm16Mono16k(in), 0);

        assertThat(out).hasSize(48_000);
        int edge = (int) (EDGE_SECONDS * 16_000);
        double[] ideal = new double[out.length];
        for (int i = 0; i < ideal.length; i++) {
            ideal[i] = AMPLITUDE * Math.sin(2 * Math.PI * 440 * i / 16_000);
        }
        assertThat(maxDifference(out, ideal, edge, out.length - edge)).isLessThanOrEqualTo(3.0 / 32768);
    }

    @Test
    void ratioWithTooManyPhasesForATableStillConvertsAccurately() {
        // 44,101 / 16,000 has 16,000 phases: coefficients are computed per output sample
        PcmAudio in = TestSignals.sine(440, AMPLITUDE, 44_101, 2, Encoding.PCM_S16LE, 1.0);

        PcmAudio out = AudioConverter.toPcm16Mono16k(in);

        assertThat(out.frames()).isCloseTo(16_000, within(1));
        assertTone(TestSignals.channel(out, 0), 16_000, 440, AMPLITUDE);
    }

    @ParameterizedTest(name = "{1} Hz at {0} Hz")
    @CsvSource({"48000, 11000", "48000, 9000", "44100, 9000", "44100, 15000", "32000, 12000", "24000, 9500",
        "22050, 10000"})
    void toneAboveTheOutputNyquistIsRemovedInsteadOfAliasing(int rate, int freq) {
        PcmAudio in = TestSignals.sine(freq, AMPLITUDE, rate, 1, Encoding.FLOAT32LE, 0.5);

        // float output, so the residue is measured below the 16-bit noise floor
        double[] out = TestSignals.floats(AudioConverter.convert(in, AudioFormat.of(Encoding.FLOAT32LE, 16_000, 1)));
        double[] pcm16 = TestSignals.channel(AudioConverter.toPcm16Mono16k(in), 0);

        int edge = (int) (EDGE_SECONDS * 16_000);
        double levelDb = TestSignals.db(TestSignals.rms(out, edge, out.length - edge) / (AMPLITUDE / Math.sqrt(2)));
        assertThat(levelDb).as("level of the %d Hz tone after conversion to 16 kHz, dB", freq).isLessThan(-80);
        assertThat(TestSignals.rms(pcm16, edge, pcm16.length - edge)).isLessThan(2.0 / 32768);
    }

    @ParameterizedTest(name = "{1} Hz at {0} Hz")
    @CsvSource({"48000, 6000", "44100, 6000", "22050, 5000", "8000, 3000"})
    void toneInsideThePassBandKeepsItsLevel(int rate, int freq) {
        PcmAudio in = TestSignals.sine(freq, AMPLITUDE, rate, 1, Encoding.FLOAT32LE, 0.5);

        double[] out = TestSignals.channel(AudioConverter.toPcm16Mono16k(in), 0);

        int edge = (int) (EDGE_SECONDS * 16_000);
        double gainDb = TestSignals.db(TestSignals.rms(out, edge, out.length - edge) / (AMPLITUDE / Math.sqrt(2)));
        assertThat(gainDb).isCloseTo(0.0, within(0.1));
    }

    @Test
    void upsamplingLeavesNoImageAboveTheInputNyquist() {
        PcmAudio in = TestSignals.sine(3_000, AMPLITUDE, 8_000, 1, Encoding.PCM_S16LE, 0.5);

        double[] out = TestSignals.channel(AudioConverter.toPcm16Mono16k(in), 0);

        int edge = (int) (EDGE_SECONDS * 16_000);
        double tone = TestSignals.toneAmplitude(out, 16_000, 3_000, edge, out.length - edge);
        double image = TestSignals.toneAmplitude(out, 16_000, 5_000, edge, out.length - edge);
        assertThat(tone).isCloseTo(AMPLITUDE, within(0.01));
        assertThat(TestSignals.db(image / tone)).isLessThan(-60);
    }

    @Test
    void stereoIsDownmixedByAveragingTheChannels() {
        double[][] x = new double[2][1600];
        for (int i = 0; i < 1600; i++) {
            x[0][i] = 0.5 * Math.sin(2 * Math.PI * 440 * i / 16_000);
            x[1][i] = 0.25;
        }
        PcmAudio stereo = TestSignals.encode(x, 16_000, Encoding.PCM_S16LE);

        short[] mono = AudioConverter.toPcm16Mono16k(stereo).samples();

        short[] in = stereo.samples();
        assertThat(mono).hasSize(1600);
        for (int i = 0; i < mono.length; i++) {
            assertThat((int) mono[i]).isCloseTo((in[2 * i] + in[2 * i + 1]) / 2, within(1));
        }
    }

    @Test
    void oppositeChannelsCancelInTheDownmix() {
        double[][] x = new double[2][4800];
        for (int i = 0; i < 4800; i++) {
            x[0][i] = 0.5 * Math.sin(2 * Math.PI * 440 * i / 48_000);
            x[1][i] = -x[0][i];
        }
        PcmAudio stereo = TestSignals.encode(x, 48_000, Encoding.FLOAT32LE);

        short[] mono = AudioConverter.toPcm16Mono16k(stereo).samples();

        assertThat(mono).hasSize(1600).containsOnly((short) 0);
    }

    @Test
    void monoIsCopiedToEveryTargetChannel() {
        PcmAudio mono = TestSignals.sine(440, AMPLITUDE, 16_000, 1, Encoding.PCM_S16LE, 0.1);

        PcmAudio stereo = AudioConverter.toPcm16(mono, 24_000, 2);

        assertThat(stereo.channels()).isEqualTo(2);
        assertThat(TestSignals.channel(stereo, 0)).containsExactly(TestSignals.channel(stereo, 1));
        assertThat(stereo.frames()).isEqualTo(2_400);
    }

    @Test
    void audioAlreadyInTheTargetFormatIsReturnedUnchanged() {
        PcmAudio in = TestSignals.sine(440, AMPLITUDE, 16_000, 1, Encoding.PCM_S16LE, 0.1);

        assertThat(AudioConverter.toPcm16Mono16k(in)).isSameAs(in);
    }

    @Test
    void sameRateConversionOnlyRequantizes() {
        double[][] x = {{0.0, 0.5, -0.5, 1.0, -1.0, 0.25 + 0.4 / 32768, 2.0, -2.0}};
        PcmAudio in = TestSignals.encode(x, 16_000, Encoding.FLOAT32LE);

        short[] out = AudioConverter.toPcm16Mono16k(in).samples();

        assertThat(out).containsExactly((short) 0, (short) 16384, (short) -16384, Short.MAX_VALUE,
                Short.MIN_VALUE, (short) 8192, Short.MAX_VALUE, Short.MIN_VALUE);
    }

    @Test
    void twentyFourBitSamplesAreRoundedToSixteenBits() {
        byte[] s24 = {
            0x00, 0x01, 0x00, // 256 -> 1
            (byte) 0x80, 0x01, 0x00, // 384 -> 1.5 -> 2
            0x7F, 0x01, 0x00, // 383 -> 1
            (byte) 0xFF, (byte) 0xFF, 0x7F, // max -> 32767
            0x00, 0x00, (byte) 0x80, // min -> -32768
        };
        PcmAudio in = PcmAudio.of(AudioFormat.of(Encoding.PCM_S24LE, 16_000, 1), s24);

        assertThat(AudioConverter.toPcm16Mono16k(in).samples())
                .containsExactly((short) 1, (short) 2, (short) 1, Short.MAX_VALUE, Short.MIN_VALUE);
    }

    @Test
    void outputLastsAsLongAsTheInput() {
        PcmAudio in = TestSignals.sine(440, AMPLITUDE, 44_100, 1, Encoding.PCM_S16LE, 0.3);

        PcmAudio out = AudioConverter.toPcm16Mono16k(in);

        // ceil(13,230 * 160 / 441)
        assertThat(out.frames()).isEqualTo(4_800);
        assertThat(out.duration()).isEqualTo(in.duration());
    }

    @Test
    void emptyAudioConvertsToEmptyAudio() {
        PcmAudio empty = PcmAudio.of(AudioFormat.pcm16(44_100, 2), new byte[0]);

        PcmAudio out = AudioConverter.toPcm16Mono16k(empty);

        assertThat(out.isEmpty()).isTrue();
        assertThat(out.format()).isEqualTo(AudioFormat.PCM16_MONO_16K);
    }

    @Test
    void unsupportedChannelChangeIsRejected() {
        PcmAudio three = PcmAudio.of(AudioFormat.pcm16(16_000, 3), new byte[6]);

        assertThatThrownBy(() -> AudioConverter.toPcm16(three, 16_000, 2))
                .isInstanceOfSatisfying(VoxwireException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_AUDIO))
                .hasMessageContaining("cannot convert 3 channels to 2");
    }

    @Test
    void targetRateOutOfRangeIsRejected() {
        PcmAudio in = PcmAudio.of(AudioFormat.PCM16_MONO_16K, new byte[2]);

        assertThatThrownBy(() -> AudioConverter.toPcm16(in, 0, 1))
                .isInstanceOfSatisfying(VoxwireException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_AUDIO))
                .hasMessageContaining("sampleRate: 0 Hz");
    }

    private static double maxDifference(double[] a, double[] b, int from, int to) {
        double max = 0;
        for (int i = from; i < to; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    static void assertTone(double[] x, int rate, double freq, double amplitude) {
        int edge = (int) (EDGE_SECONDS * rate);
        double measured = TestSignals.zeroCrossingFrequency(x, rate, edge, x.length - edge);
        double rmsDb = TestSignals.db(TestSignals.rms(x, edge, x.length - edge) / (amplitude / Math.sqrt(2)));
        assertThat(measured).as("frequency, Hz").isCloseTo(freq, within(1.0));
        assertThat(rmsDb).as("RMS error, dB").isCloseTo(0.0, within(0.5));
    }
}
