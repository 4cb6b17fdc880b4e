package dev.voxwire.core.audio;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Converts a stream of audio chunk by chunk, for instance 24 kHz model output to 16 kHz for a
 * client, with the same band-limited filter as {@link AudioConverter}: the concatenated outputs
 * of {@link #convert(byte[])} and {@link #flush()} equal, sample for sample, the conversion of
 * the whole stream at once. Chunks may have any length, even split frames: a partial frame is
 * kept until the next chunk.
 *
 * <p>When the rate changes, the output lags the input by {@link #latency()} (half the filter);
 * {@link #flush()} at the end of the stream emits that tail. Create one with
 * {@link AudioConverter#streaming(AudioFormat, AudioFormat)}. Not thread-safe: use one instance
 * per stream, from one thread at a time.
 */
public final class StreamingConverter {
    private final AudioFormat source;
    private final AudioFormat target;
    private final @Nullable Resampler resampler;
    private byte[] pending = new byte[0];
    private boolean flushed;

    private StreamingConverter(AudioFormat source, AudioFormat target) {
        this.source = source;
        this.target = target;
        int workChannels = Math.min(source.channels(), target.channels());
        this.resampler = source.sampleRate() == target.sampleRate() ? null
                : new Resampler(source.sampleRate(), target.sampleRate(), workChannels);
    }

    static StreamingConverter create(AudioFormat source, AudioFormat target) {
        requireNonNull(source, "source");
        requireNonNull(target, "target");
        int from = source.channels();
        int to = target.channels();
        if (from != to && from != 1 && to != 1) {
            throw AudioFormat.unsupported("cannot convert " + from + " channels to " + to
                    + " (supported: to mono, from mono, or the same count)");
        }
        return new StreamingConverter(source, target);
    }

    /** The format the input chunks are in. */
    public AudioFormat sourceFormat() {
        return source;
    }

    /** The format of the output. */
    public AudioFormat targetFormat() {
        return target;
    }

    /** How far the output lags the input: zero when the rate does not change. */
    public Duration latency() {
        Resampler r = resampler;
        return r == null ? Duration.ZERO : source.durationOfFrames(r.latencyFrames());
    }

    /**
     * Converts a chunk of source bytes and returns the output now complete, whole frames of the
     * target format (possibly none).
     *
     * @throws IllegalStateException after {@link #flush()}
     */
    public byte[] convert(byte[] chunk) {
        requireNonNull(chunk, "chunk");
        return convert(chunk, 0, chunk.length);
    }

    /**
     * Converts a chunk of audio in the source format.
     *
     * @throws IllegalArgumentException when the chunk is not in the source format
     * @throws IllegalStateException after {@link #flush()}
     */
    public PcmAudio convert(PcmAudio chunk) {
        requireNonNull(chunk, "chunk");
        if (!chunk.format().equals(source)) {
            throw new IllegalArgumentException("chunk format: " + chunk.format() + " (expected: " + source + ")");
        }
        byte[] b = chunk.bytes();
        return PcmAudio.wrap(target, convert(b, 0, b.length));
    }

    byte[] convert(byte[] b, int off, int len) {
        if (flushed) {
            throw new IllegalStateException("the converter was already flushed");
        }
        byte[] in = b;
        int start = off;
        int length = len;
        if (pending.length > 0) {
            in = Arrays.copyOf(pending, pending.length + len);
            System.arraycopy(b, off, in, pending.length, len);
            start = 0;
            length = in.length;
        }
        int bpf = source.bytesPerFrame();
        int frames = length / bpf;
        int used = frames * bpf;
        pending = Arrays.copyOfRange(in, start + used, start + length);
        float[][] x = SampleCodec.decode(in, start, frames, source);
        if (target.channels() == 1) {
            x = SampleCodec.mixToMono(x, frames);
        }
        Resampler r = resampler;
        if (r != null) {
            x = r.process(x, frames);
        }
        return encode(x);
    }

    /**
     * Ends the stream: returns the rest of the output. The converter cannot be used afterwards.
     *
     * @throws dev.voxwire.core.VoxwireException with
     *     {@link dev.voxwire.core.ErrorCode#UNSUPPORTED_AUDIO} when the input ended with a
     *     partial frame
     * @throws IllegalStateException when called twice
     */
    public byte[] flush() {
        if (flushed) {
            throw new IllegalStateException("the converter was already flushed");
        }
        flushed = true;
        if (pending.length > 0) {
            throw AudioFormat.unsupported("the audio ends with a partial frame: " + pending.length
                    + " bytes left over (frame size " + source.bytesPerFrame() + " bytes, " + source + ")");
        }
        Resampler r = resampler;
        return r == null ? new byte[0] : encode(r.flush());
    }

    private byte[] encode(float[][] x) {
        float[][] out = x;
        int frames = x[0].length;
        if (x.length == 1 && target.channels() > 1) {
            out = SampleCodec.spread(x[0], target.channels());
        }
        return SampleCodec.encode(out, frames, target.encoding());
    }

    @Override
    public String toString() {
        return "StreamingConverter{" + source + " -> " + target + "}";
    }
}
