package dev.voxwire.core.audio;

import dev.voxwire.core.audio.AudioFormat.Encoding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Test signals and measurements. Encodes samples itself (not through the production
 * {@code SampleCodec}), so the converter is checked against an independent encoder.
 */
final class TestSignals {
    private TestSignals() {
    }

    /** A sine of {@code amplitude} (full scale = 1.0), the same on every channel. */
    static PcmAudio sine(double freq, double amplitude, int rate, int channels, Encoding encoding, double seconds) {
        int frames = (int) Math.round(seconds * rate);
        double[][] x = new double[channels][frames];
        for (int i = 0; i < frames; i++) {
            double v = amplitude * Math.sin(2 * Math.PI * freq * i / rate);
            for (int c = 0; c < channels; c++) {
                x[c][i] = v;
            }
        }
        return encode(x, rate, encoding);
    }

    /** The same sine as a WAV file, written by {@link WavWriter}. */
    static byte[] sineWav(double freq, double amplitude, int rate, int channels, Encoding encoding, double seconds) {
        return WavWriter.write(sine(freq, amplitude, rate, channels, encoding, seconds));
    }

    /** Interleaves and encodes one array per channel. */
    static PcmAudio encode(double[][] x, int rate, Encoding encoding) {
        int channels = x.length;
        int frames = x[0].length;
        ByteBuffer buf = ByteBuffer.allocate(frames * channels * encoding.bytesPerSample())
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < frames; i++) {
            for (int c = 0; c < channels; c++) {
                double v = x[c][i];
                switch (encoding) {
                    case PCM_U8:
                        buf.put((byte) (Math.max(-128, Math.min(127, Math.round(v * 128))) + 128));
                        break;
                    case PCM_S16LE:
                        buf.putShort((short) Math.max(-32768, Math.min(32767, Math.round(v * 32768))));
                        break;
                    case PCM_S24LE: {
                        int s = (int) Math.max(-8388608, Math.min(8388607, Math.round(v * 8388608)));
                        buf.put((byte) s).put((byte) (s >> 8)).put((byte) (s >> 16));
                        break;
                    }
                    case PCM_S32LE:
                        buf.putInt((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE,
                                Math.round(v * 2147483648.0))));
                        break;
                    case FLOAT32LE:
                        buf.putFloat((float) v);
                        break;
                    default:
                        throw new AssertionError(encoding);
                }
            }
        }
        return PcmAudio.of(AudioFormat.of(encoding, rate, channels), buf.array());
    }

    /** One channel of 16-bit audio as doubles in -1.0..1.0. */
    static double[] channel(PcmAudio pcm16, int channel) {
        short[] s = pcm16.samples();
        int ch = pcm16.channels();
        double[] out = new double[s.length / ch];
        for (int i = 0; i < out.length; i++) {
            out[i] = s[i * ch + channel] / 32768.0;
        }
        return out;
    }

    /** Mono FLOAT32LE audio as doubles. */
    static double[] floats(PcmAudio mono) {
        java.nio.FloatBuffer fb = ByteBuffer.wrap(mono.data()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        double[] out = new double[fb.remaining()];
        for (int i = 0; i < out.length; i++) {
            out[i] = fb.get(i);
        }
        return out;
    }

    static double rms(double[] x, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += x[i] * x[i];
        }
        return Math.sqrt(sum / (to - from));
    }

    static double db(double ratio) {
        return 20 * Math.log10(ratio);
    }

    /**
     * The frequency of a clean tone from its rising zero crossings, located by linear
     * interpolation between samples: (crossings - 1) periods over the time between the first
     * and the last one.
     */
    static double zeroCrossingFrequency(double[] x, int rate, int from, int to) {
        double first = Double.NaN;
        double last = Double.NaN;
        int count = 0;
        for (int i = from + 1; i < to; i++) {
            if (x[i - 1] < 0 && x[i] >= 0) {
                double t = (i - 1) + x[i - 1] / (x[i - 1] - x[i]);
                if (count == 0) {
                    first = t;
                }
                last = t;
                count++;
            }
        }
        if (count < 2) {
            return 0;
        }
        return (count - 1) * rate / (last - first);
    }

    /** The amplitude of the component at {@code freq} (Goertzel over a Hann window). */
    static double toneAmplitude(double[] x, int rate, double freq, int from, int to) {
        int n = to - from;
        double w = 2 * Math.PI * freq / rate;
        double re = 0;
        double im = 0;
        double windowSum = 0;
        for (int i = 0; i < n; i++) {
            double hann = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1));
            double v = x[from + i] * hann;
            re += v * Math.cos(w * i);
            im -= v * Math.sin(w * i);
            windowSum += hann;
        }
        return 2 * Math.hypot(re, im) / windowSum;
    }
}
