package dev.voxwire.core.audio;

/**
 * Converts interleaved sample bytes to and from one float array per channel, nominal range
 * -1.0..1.0. Integers map by their full scale: 16-bit {@code s} becomes {@code s / 32768}, and
 * back with rounding and clipping, so 16-bit audio survives a round trip unchanged.
 */
final class SampleCodec {
    private SampleCodec() {
    }

    static float[][] decode(byte[] b, int offset, int frames, AudioFormat f) {
        int ch = f.channels();
        float[][] out = new float[ch][frames];
        int p = offset;
        switch (f.encoding()) {
            case PCM_U8:
                for (int i = 0; i < frames; i++) {
                    for (int c = 0; c < ch; c++) {
                        out[c][i] = ((b[p++] & 0xFF) - 128) / 128f;
                    }
                }
                break;
            case PCM_S16LE:
                for (int i = 0; i < frames; i++) {
                    for (int c = 0; c < ch; c++) {
                        out[c][i] = (short) ((b[p] & 0xFF) | b[p + 1] << 8) / 32768f;
                        p += 2;
                    }
                }
                break;
            case PCM_S24LE:
                for (int i = 0; i < frames; i++) {
                    for (int c = 0; c < ch; c++) {
                        int v = (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | b[p + 2] << 16;
                        out[c][i] = v / 8388608f;
                        p += 3;
                    }
                }
                break;
            case PCM_S32LE:
                for (int i = 0; i < frames; i++) {
                    for (int c = 0; c < ch; c++) {
                        out[c][i] = (float) (int32(b, p) / 2147483648.0);
                        p += 4;
                    }
                }
                break;
            case FLOAT32LE:
                for (int i = 0; i < frames; i++) {
                    for (int c = 0; c < ch; c++) {
                        float v = Float.intBitsToFloat(int32(b, p));
                        // NaN and infinities would poison the filter: treat them as silence / full scale
                        out[c][i] = Float.isNaN(v) ? 0f : Math.max(-8f, Math.min(8f, v));
                        p += 4;
                    }
                }
                break;
            default:
                throw new AssertionError(f.encoding());
        }
        return out;
    }

    static byte[] encode(float[][] in, int frames, AudioFormat.Encoding encoding) {
        int ch = in.length;
        long size = (long) frames * ch * encoding.bytesPerSample();
        if (size > Integer.MAX_VALUE - 8) {
            throw AudioFormat.unsupported("too much audio for one buffer: " + frames + " frames of " + ch
                    + " channel(s) " + encoding + " need " + size + " bytes");
        }
        byte[] out = new byte[(int) size];
        int p = 0;
        for (int i = 0; i < frames; i++) {
            for (int c = 0; c < ch; c++) {
                double v = in[c][i];
                switch (encoding) {
                    case PCM_U8:
                        out[p++] = (byte) (clip(Math.round(v * 128), -128, 127) + 128);
                        break;
                    case PCM_S16LE: {
                        long s = clip(Math.round(v * 32768), Short.MIN_VALUE, Short.MAX_VALUE);
                        out[p++] = (byte) s;
                        out[p++] = (byte) (s >> 8);
                        break;
                    }
                    case PCM_S24LE: {
                        long s = clip(Math.round(v * 8388608), -8388608, 8388607);
                        out[p++] = (byte) s;
                        out[p++] = (byte) (s >> 8);
                        out[p++] = (byte) (s >> 16);
                        break;
                    }
                    case PCM_S32LE:
                        p = putInt32(out, p, (int) clip(Math.round(v * 2147483648.0), Integer.MIN_VALUE,
                                Integer.MAX_VALUE));
                        break;
                    case FLOAT32LE:
                        p = putInt32(out, p, Float.floatToRawIntBits((float) v));
                        break;
                    default:
                        throw new AssertionError(encoding);
                }
            }
        }
        return out;
    }

    /** Averages all channels into one (a stereo downmix is {@code (l + r) / 2}). */
    static float[][] mixToMono(float[][] in, int frames) {
        if (in.length == 1) {
            return in;
        }
        float[] mono = new float[frames];
        for (int i = 0; i < frames; i++) {
            double sum = 0;
            for (float[] channel : in) {
                sum += channel[i];
            }
            mono[i] = (float) (sum / in.length);
        }
        return new float[][] {mono};
    }

    /** Copies one channel into {@code channels}. */
    static float[][] spread(float[] mono, int channels) {
        float[][] out = new float[channels][];
        for (int c = 0; c < channels; c++) {
            out[c] = mono;
        }
        return out;
    }

    private static long clip(long v, long min, long max) {
        return Math.max(min, Math.min(max, v));
    }

    private static int int32(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | b[p + 3] << 24;
    }

    private static int putInt32(byte[] out, int p, int v) {
        out[p] = (byte) v;
        out[p + 1] = (byte) (v >> 8);
        out[p + 2] = (byte) (v >> 16);
        out[p + 3] = (byte) (v >> 24);
        return p + 4;
    }
}
