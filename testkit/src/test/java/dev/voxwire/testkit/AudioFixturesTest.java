package dev.voxwire.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voxwire.testkit.AudioFixtures.Encoding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AudioFixturesTest {

    /** The fields of a canonical 44-byte WAV header, read independently of the code under test. */
    private record Header(String riff, int riffSize, String wave, String fmtId, int fmtSize, int formatTag,
            int channels, int sampleRate, int byteRate, int blockAlign, int bits, String dataId, int dataSize) {
        static Header parse(byte[] wav) {
            ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
            return new Header(id(b), b.getInt(), id(b), id(b), b.getInt(), b.getShort() & 0xFFFF,
                    b.getShort() & 0xFFFF, b.getInt(), b.getInt(), b.getShort() & 0xFFFF, b.getShort() & 0xFFFF,
                    id(b), b.getInt());
        }

        private static String id(ByteBuffer b) {
            byte[] four = new byte[4];
            b.get(four);
            return new String(four, StandardCharsets.US_ASCII);
        }
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void writesACorrectHeaderForEveryEncoding(Encoding encoding) {
        byte[] wav = AudioFixtures.sine(440, Duration.ofMillis(250), 44_100, 2, encoding);
        Header h = Header.parse(wav);

        int frames = 11_025;
        int dataSize = frames * 2 * encoding.bytesPerSample();
        int pad = dataSize % 2;
        assertThat(h.riff()).isEqualTo("RIFF");
        assertThat(h.wave()).isEqualTo("WAVE");
        assertThat(h.fmtId()).isEqualTo("fmt ");
        assertThat(h.fmtSize()).isEqualTo(16);
        assertThat(h.formatTag()).isEqualTo(encoding == Encoding.FLOAT32LE ? 3 : 1);
        assertThat(h.channels()).isEqualTo(2);
        assertThat(h.sampleRate()).isEqualTo(44_100);
        assertThat(h.blockAlign()).isEqualTo(2 * encoding.bytesPerSample());
        assertThat(h.byteRate()).isEqualTo(44_100 * 2 * encoding.bytesPerSample());
        assertThat(h.bits()).isEqualTo(encoding.bits());
        assertThat(h.dataId()).isEqualTo("data");
        assertThat(h.dataSize()).isEqualTo(dataSize);
        assertThat(wav).hasSize(44 + dataSize + pad);
        assertThat(h.riffSize()).isEqualTo(wav.length - 8);
        assertThat(AudioFixtures.pcmBytes(Duration.ofMillis(250), 44_100, 2, encoding)).isEqualTo(dataSize);
    }

    @Test
    void oddDataLengthsGetTheRiffPadByte() {
        byte[] wav = AudioFixtures.silence(Duration.ofMillis(1), 1_000, 3, Encoding.PCM_S24LE);

        assertThat(Header.parse(wav).dataSize()).isEqualTo(9);
        assertThat(wav).hasSize(44 + 9 + 1);
        assertThat(Header.parse(wav).riffSize()).isEqualTo(wav.length - 8);
    }

    @Test
    void oneSecondOf16kMono16BitIs32000Bytes() {
        assertThat(AudioFixtures.sinePcm(1000, Duration.ofSeconds(1), 16_000, 1, Encoding.PCM_S16LE)).hasSize(32_000);
        assertThat(AudioFixtures.silence(Duration.ofSeconds(1), 16_000, 1, Encoding.PCM_S16LE)).hasSize(32_044);
        assertThat(AudioFixtures.speechLikePcm(Duration.ofMillis(1500), 24_000, 1, Encoding.PCM_S16LE, 1))
                .hasSize(72_000);
        assertThat(AudioFixtures.sinePcm(1000, Duration.ZERO, 16_000, 1, Encoding.PCM_S16LE)).isEmpty();
    }

    @Test
    void sineHasTheRequestedFrequencyAndAmplitude() {
        byte[] pcm = AudioFixtures.sinePcm(1000, Duration.ofSeconds(1), 8_000, 1, Encoding.PCM_S16LE);
        short[] s = shorts(pcm);

        // 8 samples a period: 0, peak at a quarter, 0 at half, trough at three quarters.
        assertThat(s[0]).isZero();
        assertThat(s[2]).isEqualTo((short) Math.rint(AudioFixtures.DEFAULT_AMPLITUDE * Short.MAX_VALUE));
        assertThat(s[6]).isEqualTo((short) -Math.rint(AudioFixtures.DEFAULT_AMPLITUDE * Short.MAX_VALUE));
        int upwardCrossings = 0;
        for (int i = 1; i < s.length; i++) {
            if (s[i - 1] < 0 && s[i] >= 0) {
                upwardCrossings++;
            }
        }
        assertThat(upwardCrossings).isBetween(999, 1000);
    }

    @Test
    void everyChannelCarriesTheSameSignal() {
        byte[] pcm = AudioFixtures.sinePcm(300, Duration.ofMillis(10), 16_000, 2, Encoding.PCM_S16LE);
        short[] s = shorts(pcm);
        for (int i = 0; i < s.length; i += 2) {
            assertThat(s[i + 1]).isEqualTo(s[i]);
        }
    }

    @Test
    void encodingsUseTheirFullScale() {
        double a = AudioFixtures.DEFAULT_AMPLITUDE;
        // 250 Hz at 1 kHz: the second sample is the peak.
        ByteBuffer u8 = le(AudioFixtures.sinePcm(250, Duration.ofMillis(4), 1000, 1, Encoding.PCM_U8));
        assertThat(u8.get(0) & 0xFF).isEqualTo(128);
        assertThat(u8.get(1) & 0xFF).isEqualTo(128 + (int) Math.rint(a * 127));
        ByteBuffer s24 = le(AudioFixtures.sinePcm(250, Duration.ofMillis(4), 1000, 1, Encoding.PCM_S24LE));
        int peak24 = (s24.get(3) & 0xFF) | (s24.get(4) & 0xFF) << 8 | s24.get(5) << 16;
        assertThat(peak24).isEqualTo((int) Math.rint(a * 8_388_607));
        ByteBuffer s32 = le(AudioFixtures.sinePcm(250, Duration.ofMillis(4), 1000, 1, Encoding.PCM_S32LE));
        assertThat(s32.getInt(4)).isEqualTo((int) Math.rint(a * Integer.MAX_VALUE));
        ByteBuffer f32 = le(AudioFixtures.sinePcm(250, Duration.ofMillis(4), 1000, 1, Encoding.FLOAT32LE));
        assertThat(f32.getFloat(4)).isEqualTo((float) a);
        assertThat(f32.getFloat(12)).isEqualTo((float) -a);
    }

    @Test
    void silenceIsZeroOrMidScaleForUnsigned() {
        assertThat(AudioFixtures.silencePcm(Duration.ofMillis(5), 8_000, 2, Encoding.PCM_S16LE)).containsOnly(0);
        assertThat(AudioFixtures.silencePcm(Duration.ofMillis(5), 8_000, 1, Encoding.FLOAT32LE)).containsOnly(0);
        assertThat(AudioFixtures.silencePcm(Duration.ofMillis(5), 8_000, 1, Encoding.PCM_U8))
                .hasSize(40).containsOnly((byte) 0x80);
    }

    @Test
    void speechLikeIsDeterministicPerSeed() {
        byte[] a = AudioFixtures.speechLikePcm(Duration.ofSeconds(2), 16_000, 1, Encoding.PCM_S16LE, 42);
        byte[] b = AudioFixtures.speechLikePcm(Duration.ofSeconds(2), 16_000, 1, Encoding.PCM_S16LE, 42);
        byte[] c = AudioFixtures.speechLikePcm(Duration.ofSeconds(2), 16_000, 1, Encoding.PCM_S16LE, 43);

        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void speechLikeHasLoudBurstsAndSilentPauses() {
        int rate = 16_000;
        short[] s = shorts(AudioFixtures.speechLikePcm(Duration.ofSeconds(3), rate, 1, Encoding.PCM_S16LE, 7));

        int peak = 0;
        int longestSilence = 0;
        int run = 0;
        int bursts = 0;
        for (int i = 0; i < s.length; i++) {
            peak = Math.max(peak, Math.abs(s[i]));
            if (s[i] == 0) {
                run++;
            } else {
                if (run >= rate * 40 / 1000 && i > run) {
                    bursts++;
                }
                run = 0;
            }
            longestSilence = Math.max(longestSilence, run);
        }
        assertThat(peak).isGreaterThan((int) (0.2 * Short.MAX_VALUE)).isLessThanOrEqualTo((int) (0.8 * Short.MAX_VALUE));
        assertThat(longestSilence).isGreaterThanOrEqualTo(rate * 50 / 1000);
        assertThat(bursts).as("silences of 40 ms or more between sound").isGreaterThanOrEqualTo(3);
        assertThat(s[0]).as("starts with a pause").isZero();
    }

    @Test
    void wavWrapsPcmAndRejectsPartialFrames() {
        byte[] pcm = AudioFixtures.sinePcm(440, Duration.ofMillis(10), 16_000, 1, Encoding.PCM_S16LE);
        byte[] wav = AudioFixtures.wav(pcm, 16_000, 1, Encoding.PCM_S16LE);
        byte[] data = new byte[pcm.length];
        System.arraycopy(wav, 44, data, 0, data.length);

        assertThat(data).isEqualTo(pcm);
        assertThatThrownBy(() -> AudioFixtures.wav(new byte[3], 16_000, 1, Encoding.PCM_S16LE))
                .hasMessage("pcm: 3 bytes (expected: a multiple of the frame size 2)");
    }

    @Test
    void rejectsBadParametersShowingThem() {
        assertThatThrownBy(() -> AudioFixtures.sine(440, Duration.ofSeconds(1), 0, 1, Encoding.PCM_S16LE))
                .hasMessage("sampleRate: 0 (expected: > 0)");
        assertThatThrownBy(() -> AudioFixtures.sine(440, Duration.ofSeconds(1), 16_000, 0, Encoding.PCM_S16LE))
                .hasMessage("channels: 0 (expected: 1..65535)");
        assertThatThrownBy(() -> AudioFixtures.sine(-1, Duration.ofSeconds(1), 16_000, 1, Encoding.PCM_S16LE))
                .hasMessage("frequencyHz: -1.0 (expected: >= 0 and finite)");
        assertThatThrownBy(() -> AudioFixtures.silence(Duration.ofSeconds(-1), 16_000, 1, Encoding.PCM_S16LE))
                .hasMessage("duration: PT-1S (expected: >= 0)");
        assertThatThrownBy(() -> AudioFixtures.silence(Duration.ofDays(1), 192_000, 8, Encoding.PCM_S32LE))
                .hasMessageStartingWith("duration: PT24H (expected: at most");
    }

    @Test
    void truncatedWavDeclaresMoreDataThanItHas() {
        byte[] wav = AudioFixtures.truncatedWav();
        Header h = Header.parse(wav);

        assertThat(h.dataSize()).isEqualTo(32_000);
        assertThat(h.riffSize()).isEqualTo(32_036);
        assertThat(wav.length - 44).isEqualTo(1001).isLessThan(h.dataSize());
        assertThat((wav.length - 44) % h.blockAlign()).as("ends mid-sample").isNotZero();
    }

    @Test
    void wrongChunkSizeWavHasAFmtChunkTooSmallForPcm() {
        byte[] wav = AudioFixtures.wrongChunkSizeWav();
        Header h = Header.parse(wav);

        assertThat(h.fmtSize()).isEqualTo(12).isLessThan(16);
        assertThat(h.formatTag()).isEqualTo(1);
        // A reader trusting the size looks for the next chunk 4 bytes early, inside the fmt fields.
        String nextId = new String(wav, 12 + 8 + 12, 4, StandardCharsets.US_ASCII);
        assertThat(nextId).isNotEqualTo("data");
    }

    @Test
    void misalignedDataWavHoldsAPartialFrame() {
        Header h = Header.parse(AudioFixtures.misalignedDataWav());

        assertThat(h.blockAlign()).isEqualTo(2);
        assertThat(h.dataSize() % h.blockAlign()).isNotZero();
    }

    @Test
    void unsupportedCodecWavIsMp3Tagged() {
        byte[] wav = AudioFixtures.unsupportedCodecWav();
        Header h = Header.parse(wav);

        assertThat(h.riff()).isEqualTo("RIFF");
        assertThat(h.formatTag()).isEqualTo(0x55);
        assertThat(h.channels()).isEqualTo(1);
        assertThat(h.sampleRate()).isEqualTo(AudioFixtures.MALFORMED_SAMPLE_RATE);
        assertThat(h.dataSize()).isEqualTo(400).isEqualTo(wav.length - 44);
    }

    @Test
    void zeroChannelsWavDeclaresNoChannels() {
        byte[] wav = AudioFixtures.zeroChannelsWav();
        Header h = Header.parse(wav);

        assertThat(h.channels()).isZero();
        assertThat(h.blockAlign()).isZero();
        assertThat(h.dataSize()).isEqualTo(3200).isEqualTo(wav.length - 44);
    }

    @Test
    void notAWavHasNoRiffHeader() {
        byte[] bytes = AudioFixtures.notAWav();

        assertThat(bytes).hasSize(128);
        String magic = new String(bytes, 0, 4, StandardCharsets.US_ASCII);
        assertThat(magic).isNotIn("RIFF", "RIFX");
        assertThat(new String(bytes, 8, 4, StandardCharsets.US_ASCII)).isNotEqualTo("WAVE");
    }

    @Test
    void everyCallReturnsAFreshArray() {
        byte[] a = AudioFixtures.truncatedWav();
        a[0] = 0;
        assertThat(AudioFixtures.truncatedWav()[0]).isEqualTo((byte) 'R');
    }

    private static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static short[] shorts(byte[] pcm) {
        short[] out = new short[pcm.length / 2];
        le(pcm).asShortBuffer().get(out);
        return out;
    }
}
