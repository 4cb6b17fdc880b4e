package dev.voxwire.core.audio;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;

/**
 * An immutable buffer of uncompressed, interleaved audio in a known {@link AudioFormat}.
 *
 * <p>The bytes always hold whole frames. {@link #data()} returns a copy, so a buffer can be
 * shared freely between threads.
 */
public final class PcmAudio {
    private final AudioFormat format;
    private final byte[] data;

    private PcmAudio(AudioFormat format, byte[] data) {
        this.format = format;
        this.data = data;
    }

    /**
     * Audio of the given format whose bytes are a copy of {@code data}.
     *
     * @throws dev.voxwire.core.VoxwireException with
     *     {@link dev.voxwire.core.ErrorCode#UNSUPPORTED_AUDIO} when the length is not a whole
     *     number of frames
     */
    public static PcmAudio of(AudioFormat format, byte[] data) {
        requireNonNull(format, "format");
        requireNonNull(data, "data");
        checkWholeFrames(format, data.length, "data");
        return new PcmAudio(format, data.clone());
    }

    /**
     * 16-bit PCM audio from interleaved samples (for stereo: left, right, left, right...).
     *
     * @throws dev.voxwire.core.VoxwireException with
     *     {@link dev.voxwire.core.ErrorCode#UNSUPPORTED_AUDIO} when the rate or channel count is
     *     out of range, or the sample count is not a multiple of the channel count
     */
    public static PcmAudio ofSamples(short[] samples, int sampleRate, int channels) {
        requireNonNull(samples, "samples");
        AudioFormat format = AudioFormat.pcm16(sampleRate, channels);
        if (samples.length % channels != 0) {
            throw AudioFormat.unsupported("samples: " + samples.length + " values is not a multiple of "
                    + channels + " channels");
        }
        ByteBuffer buf = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        buf.asShortBuffer().put(samples);
        return new PcmAudio(format, buf.array());
    }

    /** Wraps {@code data} without copying; the caller must not touch the array afterwards. */
    static PcmAudio wrap(AudioFormat format, byte[] data) {
        checkWholeFrames(format, data.length, "data");
        return new PcmAudio(format, data);
    }

    static void checkWholeFrames(AudioFormat format, long length, String what) {
        if (length % format.bytesPerFrame() != 0) {
            throw AudioFormat.unsupported(what + ": " + length + " bytes is not a whole number of frames of "
                    + format.bytesPerFrame() + " bytes (" + format.channels() + " channel(s) x "
                    + format.bytesPerSample() + " bytes, " + format + ")");
        }
    }

    /** The format of the bytes. */
    public AudioFormat format() {
        return format;
    }

    /** The interleaved sample bytes (a copy). */
    public byte[] data() {
        return data.clone();
    }

    /** The bytes without a copy, for this package only. */
    byte[] bytes() {
        return data;
    }

    /** The number of bytes. */
    public int byteLength() {
        return data.length;
    }

    /** The number of frames (samples per channel). */
    public int frames() {
        return data.length / format.bytesPerFrame();
    }

    /** Whether there is no audio at all. */
    public boolean isEmpty() {
        return data.length == 0;
    }

    /** The play time, rounded down to the nanosecond. */
    public Duration duration() {
        return format.durationOfFrames(frames());
    }

    /** The sample rate, in Hz. */
    public int sampleRate() {
        return format.sampleRate();
    }

    /** The number of interleaved channels. */
    public int channels() {
        return format.channels();
    }

    /**
     * The interleaved 16-bit samples (a copy).
     *
     * @throws IllegalStateException when the encoding is not {@link AudioFormat.Encoding#PCM_S16LE};
     *     convert with {@link AudioConverter} first
     */
    public short[] samples() {
        if (format.encoding() != AudioFormat.Encoding.PCM_S16LE) {
            throw new IllegalStateException("samples() needs PCM_S16LE audio, this is " + format
                    + " (convert it with AudioConverter first)");
        }
        short[] out = new short[data.length / 2];
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(out);
        return out;
    }

    /** The frames {@code [fromFrame, toFrame)} as a new buffer of the same format. */
    public PcmAudio slice(int fromFrame, int toFrame) {
        if (fromFrame < 0 || toFrame < fromFrame || toFrame > frames()) {
            throw new IndexOutOfBoundsException("slice: [" + fromFrame + ", " + toFrame + ") (expected: within [0, "
                    + frames() + "])");
        }
        int bpf = format.bytesPerFrame();
        return new PcmAudio(format, Arrays.copyOfRange(data, fromFrame * bpf, toFrame * bpf));
    }

    /** Equal when the format and the bytes are equal. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof PcmAudio)) {
            return false;
        }
        PcmAudio that = (PcmAudio) o;
        return format.equals(that.format) && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return 31 * format.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "PcmAudio{" + format + ", frames=" + frames() + ", duration=" + duration() + "}";
    }
}
