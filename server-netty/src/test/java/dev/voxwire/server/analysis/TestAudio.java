package dev.voxwire.server.analysis;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.audio.PcmAudio;
import dev.voxwire.core.audio.WavWriter;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EventTypes;
import java.util.Base64;
import java.util.Random;

/** Generated audio for analysis tests. */
public final class TestAudio {
    private TestAudio() {
    }

    /** A mono sine; {@code amplitude} is the peak in samples (32767 = full scale). */
    public static short[] sine(double hz, int amplitude, int durationMs, int rate) {
        int n = (int) ((long) rate * durationMs / 1000);
        short[] s = new short[n];
        for (int i = 0; i < n; i++) {
            s[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return s;
    }

    /** Mono digital silence. */
    public static short[] silence(int durationMs, int rate) {
        return new short[(int) ((long) rate * durationMs / 1000)];
    }

    /** Mono Gaussian noise with a fixed seed; {@code rms} in samples. */
    public static short[] noise(double rms, int durationMs, int rate, long seed) {
        Random r = new Random(seed);
        short[] s = new short[(int) ((long) rate * durationMs / 1000)];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) Math.round(r.nextGaussian() * rms);
        }
        return s;
    }

    /** The parts one after the other. */
    public static short[] concat(short[]... parts) {
        int n = 0;
        for (short[] p : parts) {
            n += p.length;
        }
        short[] out = new short[n];
        int at = 0;
        for (short[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** The mono samples copied to {@code channels} interleaved channels. */
    public static short[] toChannels(short[] mono, int channels) {
        short[] out = new short[mono.length * channels];
        for (int i = 0; i < mono.length; i++) {
            for (int c = 0; c < channels; c++) {
                out[i * channels + c] = mono[i];
            }
        }
        return out;
    }

    /** A WAV file of interleaved samples. */
    public static byte[] wav(short[] samples, int rate, int channels) {
        return WavWriter.write(PcmAudio.ofSamples(samples, rate, channels));
    }

    /** Little-endian PCM16 bytes. */
    public static byte[] pcm16(short[] samples) {
        byte[] out = new byte[samples.length * 2];
        for (int i = 0; i < samples.length; i++) {
            out[2 * i] = (byte) samples[i];
            out[2 * i + 1] = (byte) (samples[i] >> 8);
        }
        return out;
    }

    /** An {@code audio:analyze} request for a WAV file. */
    public static Envelope analyzeWav(byte[] wav) {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("format", "wav");
        p.put("data", Base64.getEncoder().encodeToString(wav));
        return Envelope.of(EventTypes.AUDIO_ANALYZE, p).withId("r-1");
    }

    /** An {@code audio:analyze} request with a payload to fill in. */
    public static Envelope analyze(ObjectNode payload) {
        return Envelope.of(EventTypes.AUDIO_ANALYZE, payload).withId("r-1");
    }

    /** Base64 of bytes. */
    public static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
