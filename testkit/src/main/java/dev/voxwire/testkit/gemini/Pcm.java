package dev.voxwire.testkit.gemini;

import java.util.Locale;
import java.util.OptionalInt;

/** 16-bit little-endian mono PCM helpers for the echo model. */
final class Pcm {
    static final int OUTPUT_RATE = 24_000;
    static final String OUTPUT_MIME_TYPE = "audio/pcm;rate=24000";
    /** 200 ms at 24 kHz: the output chunk size seen from the service. */
    static final int OUTPUT_CHUNK_BYTES = OUTPUT_RATE / 5 * 2;
    static final int DEFAULT_INPUT_RATE = 16_000;
    /** A sample whose magnitude is above this counts as speech for the simulated activity detection. */
    static final int SPEECH_THRESHOLD = 1000;

    private Pcm() {
    }

    /**
     * The rate of an {@code audio/pcm} MIME type ({@code audio/pcm;rate=16000}); the default
     * when there is none; empty when the type is not PCM or the rate is malformed.
     */
    static OptionalInt rateOf(String mimeType) {
        String[] parts = mimeType.split(";");
        if (!parts[0].trim().toLowerCase(Locale.ROOT).equals("audio/pcm")) {
            return OptionalInt.empty();
        }
        int rate = DEFAULT_INPUT_RATE;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("rate")) {
                try {
                    rate = Integer.parseInt(p.substring(eq + 1).trim());
                } catch (NumberFormatException e) {
                    return OptionalInt.empty();
                }
            }
        }
        return rate >= 8_000 && rate <= 192_000 ? OptionalInt.of(rate) : OptionalInt.empty();
    }

    static long durationMicros(int bytes, int rate) {
        return (bytes / 2) * 1_000_000L / rate;
    }

    /** Whether any sample is louder than {@link #SPEECH_THRESHOLD}. */
    static boolean hasSpeech(byte[] pcm) {
        for (int i = 0; i + 1 < pcm.length; i += 2) {
            int s = (short) ((pcm[i] & 0xFF) | (pcm[i + 1] << 8));
            if (Math.abs(s) > SPEECH_THRESHOLD) {
                return true;
            }
        }
        return false;
    }

    /** Linear-interpolation resampling of 16-bit mono PCM. */
    static byte[] resample(byte[] pcm, int fromRate, int toRate) {
        int inSamples = pcm.length / 2;
        if (fromRate == toRate) {
            byte[] copy = new byte[inSamples * 2];
            System.arraycopy(pcm, 0, copy, 0, copy.length);
            return copy;
        }
        int outSamples = (int) ((long) inSamples * toRate / fromRate);
        byte[] out = new byte[outSamples * 2];
        for (int i = 0; i < outSamples; i++) {
            double pos = (double) i * fromRate / toRate;
            int i0 = (int) pos;
            int i1 = Math.min(i0 + 1, inSamples - 1);
            double frac = pos - i0;
            int s0 = sample(pcm, i0);
            int s1 = sample(pcm, i1);
            int s = (int) Math.round(s0 + (s1 - s0) * frac);
            out[2 * i] = (byte) s;
            out[2 * i + 1] = (byte) (s >> 8);
        }
        return out;
    }

    /** A 440 Hz sine at 24 kHz, amplitude 8000. */
    static byte[] tone(long millis) {
        int samples = (int) (OUTPUT_RATE * millis / 1000);
        byte[] out = new byte[samples * 2];
        for (int i = 0; i < samples; i++) {
            int s = (int) Math.round(8000 * Math.sin(2 * Math.PI * 440 * i / OUTPUT_RATE));
            out[2 * i] = (byte) s;
            out[2 * i + 1] = (byte) (s >> 8);
        }
        return out;
    }

    private static int sample(byte[] pcm, int i) {
        return (short) ((pcm[2 * i] & 0xFF) | (pcm[2 * i + 1] << 8));
    }
}
