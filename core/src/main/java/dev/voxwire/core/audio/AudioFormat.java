package dev.voxwire.core.audio;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import java.time.Duration;
import java.util.Objects;

/**
 * How uncompressed audio bytes are laid out: the sample {@link Encoding}, the sample rate and
 * the number of interleaved channels. Immutable.
 *
 * <p>Sample rates from {@value #MIN_SAMPLE_RATE} to {@value #MAX_SAMPLE_RATE} Hz and 1 to
 * {@value #MAX_CHANNELS} channels are accepted; anything else is rejected with
 * {@link ErrorCode#UNSUPPORTED_AUDIO} and a message that shows the bad value, for instance
 * {@code "channels: 0 (expected: 1..8)"}.
 */
public final class AudioFormat {
    /** The lowest accepted sample rate, in Hz. */
    public static final int MIN_SAMPLE_RATE = 1_000;
    /** The highest accepted sample rate, in Hz. */
    public static final int MAX_SAMPLE_RATE = 384_000;
    /** The highest accepted number of channels. */
    public static final int MAX_CHANNELS = 8;

    /** 16-bit little-endian PCM, 16 kHz, mono: what speech analysis and Gemini Live input use. */
    public static final AudioFormat PCM16_MONO_16K = pcm16(16_000, 1);
    /** 16-bit little-endian PCM, 24 kHz, mono: what Gemini Live audio output uses. */
    public static final AudioFormat PCM16_MONO_24K = pcm16(24_000, 1);

    /** The sample encodings Voxwire reads and writes; all are little-endian and interleaved. */
    public enum Encoding {
        /** Unsigned 8-bit integer, silence at 128. */
        PCM_U8(1),
        /** Signed 16-bit integer, little-endian. */
        PCM_S16LE(2),
        /** Signed 24-bit integer packed in 3 bytes, little-endian. */
        PCM_S24LE(3),
        /** Signed 32-bit integer, little-endian. */
        PCM_S32LE(4),
        /** IEEE 754 32-bit float, little-endian, nominal range -1.0..1.0. */
        FLOAT32LE(4);

        private final int bytesPerSample;

        Encoding(int bytesPerSample) {
            this.bytesPerSample = bytesPerSample;
        }

        /** The size of one sample of one channel, in bytes. */
        public int bytesPerSample() {
            return bytesPerSample;
        }

        /** The size of one sample of one channel, in bits. */
        public int bitsPerSample() {
            return bytesPerSample * 8;
        }
    }

    private final Encoding encoding;
    private final int sampleRate;
    private final int channels;

    private AudioFormat(Encoding encoding, int sampleRate, int channels) {
        this.encoding = encoding;
        this.sampleRate = sampleRate;
        this.channels = channels;
    }

    /**
     * A format with the given encoding, rate and channels.
     *
     * @throws VoxwireException with {@link ErrorCode#UNSUPPORTED_AUDIO} when the rate or the
     *     channel count is out of range
     */
    public static AudioFormat of(Encoding encoding, int sampleRate, int channels) {
        requireNonNull(encoding, "encoding");
        checkSampleRate(sampleRate);
        checkChannels(channels);
        return new AudioFormat(encoding, sampleRate, channels);
    }

    /** 16-bit little-endian PCM with the given rate and channels; see {@link #of}. */
    public static AudioFormat pcm16(int sampleRate, int channels) {
        return of(Encoding.PCM_S16LE, sampleRate, channels);
    }

    /** The sample encoding. */
    public Encoding encoding() {
        return encoding;
    }

    /** Frames per second, in Hz. */
    public int sampleRate() {
        return sampleRate;
    }

    /** The number of interleaved channels. */
    public int channels() {
        return channels;
    }

    /** The size of one sample of one channel, in bytes. */
    public int bytesPerSample() {
        return encoding.bytesPerSample();
    }

    /** The size of one frame (one sample of every channel), in bytes. */
    public int bytesPerFrame() {
        return encoding.bytesPerSample() * channels;
    }

    /** The number of bytes of one second of audio. */
    public long bytesPerSecond() {
        return (long) bytesPerFrame() * sampleRate;
    }

    /** The number of whole frames in {@code byteCount} bytes. */
    public long framesIn(long byteCount) {
        if (byteCount < 0) {
            throw new IllegalArgumentException("byteCount: " + byteCount + " (expected: >= 0)");
        }
        return byteCount / bytesPerFrame();
    }

    /** The play time of {@code byteCount} bytes (whole frames only), rounded down to the nanosecond. */
    public Duration durationOf(long byteCount) {
        return durationOfFrames(framesIn(byteCount));
    }

    /** The play time of {@code frames} frames, rounded down to the nanosecond. */
    public Duration durationOfFrames(long frames) {
        if (frames < 0) {
            throw new IllegalArgumentException("frames: " + frames + " (expected: >= 0)");
        }
        long seconds = frames / sampleRate;
        long rest = frames % sampleRate;
        return Duration.ofSeconds(seconds, rest * 1_000_000_000L / sampleRate);
    }

    /** The same rate and channels with another encoding. */
    public AudioFormat withEncoding(Encoding newEncoding) {
        return new AudioFormat(requireNonNull(newEncoding, "newEncoding"), sampleRate, channels);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof AudioFormat)) {
            return false;
        }
        AudioFormat that = (AudioFormat) o;
        return encoding == that.encoding && sampleRate == that.sampleRate && channels == that.channels;
    }

    @Override
    public int hashCode() {
        return Objects.hash(encoding, sampleRate, channels);
    }

    @Override
    public String toString() {
        return encoding + " " + sampleRate + " Hz " + (channels == 1 ? "mono" : channels == 2 ? "stereo"
                : channels + " channels");
    }

    static void checkSampleRate(int sampleRate) {
        if (sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
            throw unsupported("sampleRate: " + sampleRate + " Hz (expected: " + MIN_SAMPLE_RATE + ".."
                    + MAX_SAMPLE_RATE + ")");
        }
    }

    static void checkChannels(int channels) {
        if (channels < 1 || channels > MAX_CHANNELS) {
            throw unsupported("channels: " + channels + " (expected: 1.." + MAX_CHANNELS + ")");
        }
    }

    static VoxwireException unsupported(String message) {
        return new VoxwireException(ErrorCode.UNSUPPORTED_AUDIO, message);
    }
}
