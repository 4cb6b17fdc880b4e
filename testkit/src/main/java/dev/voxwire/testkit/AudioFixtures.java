package dev.voxwire.testkit;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.IntToDoubleFunction;

/**
 * Generated audio for tests: WAV files and raw PCM of a sine, silence or speech-like noise bursts
 * at any sample rate, sample encoding and channel count, plus malformed WAV files for negative
 * tests. Everything is deterministic (speech-like audio from a seed), so tests can compare bytes.
 *
 * <pre>{@code
 * byte[] wav = AudioFixtures.sine(440, Duration.ofSeconds(1), 16_000, 1, Encoding.PCM_S16LE);
 * byte[] pcm = AudioFixtures.speechLikePcm(Duration.ofSeconds(3), 16_000, 1, Encoding.PCM_S16LE, 42);
 * transport.sendAudio(AudioRequest.wav(AudioFixtures.unsupportedCodecWav()));   // expect UNSUPPORTED_AUDIO
 * }</pre>
 *
 * <p>WAV files are canonical 44-byte-header RIFF/WAVE files: a 16-byte {@code fmt } chunk (format
 * tag 1 for integer PCM, 3 for IEEE float; no {@code WAVE_FORMAT_EXTENSIBLE}, no {@code fact}
 * chunk) followed by the {@code data} chunk, plus one pad byte when the data has an odd length, as
 * RIFF requires. Samples are little-endian and interleaved; all channels carry the same signal.
 * Integer samples are {@code round-half-even(x * max)}, so positive and negative peaks mirror.
 * The number of frames is {@code duration * sampleRate}, rounded to the nearest integer. Every call
 * returns a new array.
 */
public final class AudioFixtures {
    /** Peak level of {@link #sine}, as a fraction of full scale: 0.5 (-6 dBFS). */
    public static final double DEFAULT_AMPLITUDE = 0.5;

    /** The sample rate of the malformed fixtures: 16 kHz (mono, 16-bit unless said otherwise). */
    public static final int MALFORMED_SAMPLE_RATE = 16_000;

    private static final int HEADER_BYTES = 44;
    private static final int MAX_DATA_BYTES = Integer.MAX_VALUE - 64;

    private AudioFixtures() {
    }

    /** How each sample is stored. */
    public enum Encoding {
        /** 8-bit unsigned integer PCM (silence is {@code 0x80}). */
        PCM_U8(8, 1),
        /** 16-bit signed little-endian PCM. */
        PCM_S16LE(16, 1),
        /** 24-bit signed little-endian PCM (3 bytes a sample). */
        PCM_S24LE(24, 1),
        /** 32-bit signed little-endian PCM. */
        PCM_S32LE(32, 1),
        /** 32-bit IEEE float, little-endian, full scale is [-1, 1]. */
        FLOAT32LE(32, 3);

        private final int bits;
        private final int formatTag;

        Encoding(int bits, int formatTag) {
            this.bits = bits;
            this.formatTag = formatTag;
        }

        /** Bits per sample. */
        public int bits() {
            return bits;
        }

        /** Bytes per sample. */
        public int bytesPerSample() {
            return bits / 8;
        }

        /** The WAV format tag: 1 (PCM) or 3 (IEEE float). */
        public int formatTag() {
            return formatTag;
        }
    }

    // ---------------------------------------------------------------- WAV

    /** A WAV file of a sine at {@code frequencyHz}, peak {@link #DEFAULT_AMPLITUDE}. */
    public static byte[] sine(double frequencyHz, Duration duration, int sampleRate, int channels, Encoding encoding) {
        return wav(sinePcm(frequencyHz, duration, sampleRate, channels, encoding), sampleRate, channels, encoding);
    }

    /** A WAV file of digital silence. */
    public static byte[] silence(Duration duration, int sampleRate, int channels, Encoding encoding) {
        return wav(silencePcm(duration, sampleRate, channels, encoding), sampleRate, channels, encoding);
    }

    /** A WAV file of speech-like audio; see {@link #speechLikePcm}. */
    public static byte[] speechLike(Duration duration, int sampleRate, int channels, Encoding encoding, long seed) {
        return wav(speechLikePcm(duration, sampleRate, channels, encoding, seed), sampleRate, channels, encoding);
    }

    /**
     * Wraps raw PCM in a WAV file.
     *
     * @throws IllegalArgumentException when {@code pcm} is not a whole number of frames, or a
     *     parameter is out of range
     */
    public static byte[] wav(byte[] pcm, int sampleRate, int channels, Encoding encoding) {
        requireNonNull(pcm, "pcm");
        checkFormat(sampleRate, channels, encoding);
        int blockAlign = channels * encoding.bytesPerSample();
        if (pcm.length % blockAlign != 0) {
            throw new IllegalArgumentException("pcm: " + pcm.length + " bytes (expected: a multiple of the frame size "
                    + blockAlign + ")");
        }
        if (pcm.length > MAX_DATA_BYTES) {
            throw new IllegalArgumentException("pcm: " + pcm.length + " bytes (expected: <= " + MAX_DATA_BYTES + ")");
        }
        return riff(encoding.formatTag(), channels, sampleRate, (long) sampleRate * blockAlign, blockAlign,
                encoding.bits(), 16, pcm, pcm.length);
    }

    // ---------------------------------------------------------------- raw PCM

    /** Raw interleaved PCM of a sine at {@code frequencyHz}, peak {@link #DEFAULT_AMPLITUDE}, starting at phase 0. */
    public static byte[] sinePcm(double frequencyHz, Duration duration, int sampleRate, int channels, Encoding encoding) {
        if (!(frequencyHz >= 0) || Double.isInfinite(frequencyHz)) {
            throw new IllegalArgumentException("frequencyHz: " + frequencyHz + " (expected: >= 0 and finite)");
        }
        double step = 2 * Math.PI * frequencyHz / sampleRate;
        return render(duration, sampleRate, channels, encoding, i -> DEFAULT_AMPLITUDE * Math.sin(step * i));
    }

    /** Raw interleaved PCM of digital silence (zero; {@code 0x80} for {@link Encoding#PCM_U8}). */
    public static byte[] silencePcm(Duration duration, int sampleRate, int channels, Encoding encoding) {
        return render(duration, sampleRate, channels, encoding, i -> 0);
    }

    /**
     * Raw interleaved PCM that looks like speech to a level meter or voice-activity detector:
     * syllable-like bursts of 80 to 300 ms separated by pauses of 50 to 400 ms, starting with a
     * pause. A burst mixes a voiced part (a 90 to 220 Hz fundamental with two harmonics) with
     * low-passed noise under a smooth rise-and-fall envelope, peaking between 0.3 and 0.8 of full
     * scale. Pauses are digital silence. The same seed always gives the same bytes.
     */
    public static byte[] speechLikePcm(Duration duration, int sampleRate, int channels, Encoding encoding, long seed) {
        int frames = frames(duration, sampleRate, channels, encoding);
        double[] signal = new double[frames];
        SplittableRandom random = new SplittableRandom(seed);
        int pos = (int) Math.min(frames, seconds(random, 0.05, 0.40) * sampleRate);
        double noise = 0;
        while (pos < frames) {
            int burst = (int) Math.min(frames - pos, Math.max(1, seconds(random, 0.08, 0.30) * sampleRate));
            double f0 = random.nextDouble(90, 220);
            double peak = random.nextDouble(0.3, 0.8);
            for (int i = 0; i < burst; i++) {
                double t = (double) i / sampleRate;
                double envelope = Math.pow(Math.sin(Math.PI * (i + 0.5) / burst), 2);
                double voiced = (Math.sin(2 * Math.PI * f0 * t) + 0.5 * Math.sin(4 * Math.PI * f0 * t)
                        + 0.25 * Math.sin(6 * Math.PI * f0 * t)) / 1.75;
                noise += 0.3 * (random.nextDouble(-1, 1) - noise);
                signal[pos + i] = peak * envelope * (0.6 * voiced + 0.4 * noise);
            }
            pos += burst;
            pos += (int) Math.min(frames - pos, seconds(random, 0.05, 0.40) * sampleRate);
        }
        return render(duration, sampleRate, channels, encoding, i -> signal[i]);
    }

    /** The size in bytes of raw PCM of this duration and format (what the {@code *Pcm} methods return). */
    public static int pcmBytes(Duration duration, int sampleRate, int channels, Encoding encoding) {
        return frames(duration, sampleRate, channels, encoding) * channels * encoding.bytesPerSample();
    }

    // ---------------------------------------------------------------- malformed WAV

    /**
     * A WAV file cut short: a valid header for one second of 16 kHz mono 16-bit PCM (32000 data
     * bytes declared in both the RIFF and the {@code data} chunk sizes), but only the first 1001
     * data bytes present, so it also ends in the middle of a sample.
     */
    public static byte[] truncatedWav() {
        byte[] full = sine(440, Duration.ofSeconds(1), MALFORMED_SAMPLE_RATE, 1, Encoding.PCM_S16LE);
        byte[] cut = new byte[HEADER_BYTES + 1001];
        System.arraycopy(full, 0, cut, 0, cut.length);
        return cut;
    }

    /**
     * A WAV file whose {@code fmt } chunk declares a size of 12 bytes, less than the 16 that PCM
     * needs (the 16 bytes are there: a reader that trusts the size loses the block alignment and
     * bit depth and then reads the next chunk header from the wrong place). Otherwise 100 ms of
     * 16 kHz mono 16-bit PCM.
     */
    public static byte[] wrongChunkSizeWav() {
        byte[] wav = sine(440, Duration.ofMillis(100), MALFORMED_SAMPLE_RATE, 1, Encoding.PCM_S16LE);
        ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 12);
        return wav;
    }

    /**
     * A 16 kHz mono 16-bit WAV file whose {@code data} chunk holds 3201 bytes: not a whole number
     * of 2-byte frames (followed by the RIFF pad byte).
     */
    public static byte[] misalignedDataWav() {
        byte[] pcm = new byte[3201];
        byte[] samples = sinePcm(440, Duration.ofMillis(100), MALFORMED_SAMPLE_RATE, 1, Encoding.PCM_S16LE);
        System.arraycopy(samples, 0, pcm, 0, samples.length);
        return riff(1, 1, MALFORMED_SAMPLE_RATE, 2L * MALFORMED_SAMPLE_RATE, 2, 16, 16, pcm, pcm.length);
    }

    /**
     * A well-formed WAV file whose format tag is {@code 0x0055} (MPEG Layer III), which Voxwire does
     * not decode: 16 kHz mono, 32 kbit/s, with 400 bytes of stand-in MP3 data.
     */
    public static byte[] unsupportedCodecWav() {
        byte[] data = new byte[400];
        new SplittableRandom(0x55).nextBytes(data);
        data[0] = (byte) 0xFF; // an MPEG frame sync, for readers that sniff
        data[1] = (byte) 0xF3;
        return riff(0x0055, 1, MALFORMED_SAMPLE_RATE, 4000, 1, 0, 16, data, data.length);
    }

    /**
     * A WAV file that declares zero channels (and so a byte rate and block alignment of 0), with
     * 3200 bytes of data; 16 kHz, 16-bit.
     */
    public static byte[] zeroChannelsWav() {
        byte[] data = new byte[3200];
        return riff(1, 0, MALFORMED_SAMPLE_RATE, 0, 0, 16, 16, data, data.length);
    }

    /** Bytes that are not a WAV file at all: plain text, 128 bytes, starting with neither {@code RIFF} nor {@code RIFX}. */
    public static byte[] notAWav() {
        String line = "This is not a WAV file: it is plain text, used as a negative test fixture. ";
        byte[] text = (line + line).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[128];
        System.arraycopy(text, 0, out, 0, out.length);
        return out;
    }

    // ---------------------------------------------------------------- internals

    private static byte[] render(Duration duration, int sampleRate, int channels, Encoding encoding,
            IntToDoubleFunction sample) {
        int frames = frames(duration, sampleRate, channels, encoding);
        int bps = encoding.bytesPerSample();
        ByteBuffer out = ByteBuffer.allocate(frames * channels * bps).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < frames; i++) {
            double x = Math.max(-1, Math.min(1, sample.applyAsDouble(i)));
            for (int c = 0; c < channels; c++) {
                encode(out, x, encoding);
            }
        }
        return out.array();
    }

    private static void encode(ByteBuffer out, double x, Encoding encoding) {
        switch (encoding) {
            case PCM_U8 -> out.put((byte) ((long) Math.rint(x * 127) + 128));
            case PCM_S16LE -> out.putShort((short) Math.rint(x * Short.MAX_VALUE));
            case PCM_S24LE -> {
                int v = (int) Math.rint(x * 8_388_607);
                out.put((byte) v).put((byte) (v >> 8)).put((byte) (v >> 16));
            }
            case PCM_S32LE -> out.putInt((int) Math.rint(x * Integer.MAX_VALUE));
            case FLOAT32LE -> out.putFloat((float) x);
            default -> throw new IllegalStateException("unknown encoding " + encoding);
        }
    }

    private static int frames(Duration duration, int sampleRate, int channels, Encoding encoding) {
        requireNonNull(duration, "duration");
        checkFormat(sampleRate, channels, encoding);
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration: " + duration + " (expected: >= 0)");
        }
        double frames = Math.rint(duration.getSeconds() * (double) sampleRate + duration.getNano() * (sampleRate / 1e9));
        long bytes = (long) frames * channels * encoding.bytesPerSample();
        if (frames > Integer.MAX_VALUE || bytes > MAX_DATA_BYTES) {
            throw new IllegalArgumentException("duration: " + duration + " (expected: at most " + MAX_DATA_BYTES
                    + " bytes of audio at " + sampleRate + " Hz, " + channels + " channel(s), " + encoding + ")");
        }
        return (int) frames;
    }

    private static void checkFormat(int sampleRate, int channels, Encoding encoding) {
        requireNonNull(encoding, "encoding");
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate: " + sampleRate + " (expected: > 0)");
        }
        if (channels <= 0 || channels > 0xFFFF) {
            throw new IllegalArgumentException("channels: " + channels + " (expected: 1..65535)");
        }
        long byteRate = (long) sampleRate * channels * encoding.bytesPerSample();
        if (byteRate > 0xFFFF_FFFFL || (long) channels * encoding.bytesPerSample() > 0xFFFF) {
            throw new IllegalArgumentException("sampleRate: " + sampleRate + ", channels: " + channels
                    + " (expected: a byte rate and frame size that fit a WAV header)");
        }
    }

    private static double seconds(SplittableRandom random, double min, double max) {
        return random.nextDouble(min, max);
    }

    /** A RIFF/WAVE file with one fmt chunk (of {@code fmtSize} declared bytes, 16 written) and one data chunk. */
    private static byte[] riff(int formatTag, int channels, int sampleRate, long byteRate, int blockAlign,
            int bitsPerSample, int fmtSize, byte[] data, int dataSize) {
        int pad = data.length % 2;
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + data.length + pad).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt(4 + (8 + 16) + (8 + data.length + pad)).put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(fmtSize)
                .putShort((short) formatTag)
                .putShort((short) channels)
                .putInt(sampleRate)
                .putInt((int) byteRate)
                .putShort((short) blockAlign)
                .putShort((short) bitsPerSample);
        b.put(ascii("data")).putInt(dataSize).put(data);
        return b.array();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
