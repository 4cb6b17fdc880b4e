package dev.voxwire.core.audio;

import java.time.Duration;

/** TEMP stub: PCM16 audio held in memory. */
public final class PcmAudio {
    private final AudioFormat format;
    private final short[] samples;

    private PcmAudio(AudioFormat format, short[] samples) {
        if (samples.length % format.channels() != 0) {
            throw new IllegalArgumentException("samples: " + samples.length + " (expected: a multiple of "
                    + format.channels() + " channels)");
        }
        this.format = format;
        this.samples = samples;
    }

    /** Audio from interleaved samples. */
    public static PcmAudio ofSamples(short[] samples, int sampleRate, int channels) {
        return new PcmAudio(AudioFormat.pcm16(sampleRate, channels), samples.clone());
    }

    /** The format. */
    public AudioFormat format() {
        return format;
    }

    /** Little-endian PCM16 bytes. */
    public byte[] data() {
        byte[] out = new byte[samples.length * 2];
        for (int i = 0; i < samples.length; i++) {
            out[2 * i] = (byte) samples[i];
            out[2 * i + 1] = (byte) (samples[i] >> 8);
        }
        return out;
    }

    /** Number of frames. */
    public int frames() {
        return samples.length / format.channels();
    }

    /** Duration. */
    public Duration duration() {
        return Duration.ofNanos(frames() * 1_000_000_000L / format.sampleRate());
    }

    /** Sample rate. */
    public int sampleRate() {
        return format.sampleRate();
    }

    /** Channels. */
    public int channels() {
        return format.channels();
    }

    /** Interleaved samples (a copy). */
    public short[] samples() {
        return samples.clone();
    }
}
