package dev.voxwire.core.audio;

import static java.util.Objects.requireNonNull;

/**
 * Converts audio between sample rates, channel counts and encodings, by default to 16-bit PCM.
 *
 * <p>Rates change by band-limited resampling (a polyphase Kaiser-windowed sinc, exact for any
 * rational ratio such as 44,100 to 16,000 Hz): when the rate goes down, content above the new
 * Nyquist frequency is filtered out (about 90 dB) instead of aliasing; when it goes up, no
 * images appear. The pass band is flat up to about 82 % of the lower Nyquist frequency (6.5 kHz
 * for 16 kHz output) and the output is time-aligned with the input; its length is the input's
 * duration at the new rate, rounded up to a whole frame. Several channels are downmixed to mono
 * by averaging; mono is copied to every target channel; other channel changes are unsupported.
 * Integer samples are rounded and clipped, without dither.
 *
 * <p>For audio that arrives in chunks use {@link #streaming(AudioFormat, AudioFormat)}, which
 * gives the same output. All methods are thread-safe.
 */
public final class AudioConverter {
    private static final int BLOCK_FRAMES = 1 << 16;

    private AudioConverter() {
    }

    /**
     * Converts to 16-bit little-endian PCM at {@code targetRate} Hz with {@code targetChannels}
     * channels. Audio already in that format is returned as is.
     *
     * @throws dev.voxwire.core.VoxwireException with
     *     {@link dev.voxwire.core.ErrorCode#UNSUPPORTED_AUDIO} when the target rate or channel
     *     count is out of range or the channel change is unsupported
     */
    public static PcmAudio toPcm16(PcmAudio audio, int targetRate, int targetChannels) {
        return convert(audio, AudioFormat.pcm16(targetRate, targetChannels));
    }

    /** Converts to 16 kHz mono 16-bit PCM ({@link AudioFormat#PCM16_MONO_16K}), what speech engines take. */
    public static PcmAudio toPcm16Mono16k(PcmAudio audio) {
        return convert(audio, AudioFormat.PCM16_MONO_16K);
    }

    /**
     * Converts to any format. Audio already in {@code target} is returned as is.
     *
     * @throws dev.voxwire.core.VoxwireException with
     *     {@link dev.voxwire.core.ErrorCode#UNSUPPORTED_AUDIO} when the channel change is
     *     unsupported
     */
    public static PcmAudio convert(PcmAudio audio, AudioFormat target) {
        requireNonNull(audio, "audio");
        requireNonNull(target, "target");
        if (audio.format().equals(target)) {
            return audio;
        }
        StreamingConverter converter = StreamingConverter.create(audio.format(), target);
        byte[] in = audio.bytes();
        long outFrames = expectedFrames(audio.frames(), audio.sampleRate(), target.sampleRate());
        long outBytes = outFrames * target.bytesPerFrame();
        if (outBytes > Integer.MAX_VALUE - 8) {
            throw AudioFormat.unsupported("audio too long to convert in memory: " + audio.duration() + " as "
                    + target + " needs " + outBytes + " bytes");
        }
        byte[] out = new byte[(int) outBytes];
        int written = 0;
        // in blocks, so the intermediate float buffers stay small for long audio
        int block = BLOCK_FRAMES * audio.format().bytesPerFrame();
        for (int off = 0; off < in.length; off += block) {
            byte[] part = converter.convert(in, off, Math.min(block, in.length - off));
            System.arraycopy(part, 0, out, written, part.length);
            written += part.length;
        }
        byte[] tail = converter.flush();
        System.arraycopy(tail, 0, out, written, tail.length);
        written += tail.length;
        if (written != out.length) {
            throw new AssertionError("converted " + written + " bytes, expected " + out.length);
        }
        return PcmAudio.wrap(target, out);
    }

    /** The frames of {@code frames} input frames after rate conversion: the duration, rounded up. */
    static long expectedFrames(long frames, int fromRate, int toRate) {
        if (fromRate == toRate) {
            return frames;
        }
        int g = Resampler.gcd(fromRate, toRate);
        long up = toRate / g;
        long down = fromRate / g;
        return (frames * up + down - 1) / down;
    }

    /**
     * A converter for a stream of chunks in the {@code source} format; see
     * {@link StreamingConverter}.
     *
     * @throws dev.voxwire.core.VoxwireException with
     *     {@link dev.voxwire.core.ErrorCode#UNSUPPORTED_AUDIO} when the channel change is
     *     unsupported
     */
    public static StreamingConverter streaming(AudioFormat source, AudioFormat target) {
        return StreamingConverter.create(source, target);
    }
}
