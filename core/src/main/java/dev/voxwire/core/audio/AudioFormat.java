package dev.voxwire.core.audio;

/** TEMP stub: a PCM16 little-endian format. */
public final class AudioFormat {
    private final int sampleRate;
    private final int channels;

    private AudioFormat(int sampleRate, int channels) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate: " + sampleRate + " (expected: > 0)");
        }
        if (channels <= 0) {
            throw new IllegalArgumentException("channels: " + channels + " (expected: > 0)");
        }
        this.sampleRate = sampleRate;
        this.channels = channels;
    }

    /** PCM16 at a rate and channel count. */
    public static AudioFormat pcm16(int sampleRate, int channels) {
        return new AudioFormat(sampleRate, channels);
    }

    /** Frames per second. */
    public int sampleRate() {
        return sampleRate;
    }

    /** Interleaved channels. */
    public int channels() {
        return channels;
    }

    @Override
    public String toString() {
        return "pcm16/" + sampleRate + "/" + channels;
    }
}
