package dev.voxwire.core.audio;

/** TEMP stub: downmix and linear resampling. */
public final class AudioConverter {
    private AudioConverter() {
    }

    /** Converts to 16 kHz mono. */
    public static PcmAudio toPcm16Mono16k(PcmAudio in) {
        int ch = in.channels();
        short[] s = in.samples();
        int frames = in.frames();
        double[] mono = new double[frames];
        for (int f = 0; f < frames; f++) {
            double sum = 0;
            for (int c = 0; c < ch; c++) {
                sum += s[f * ch + c];
            }
            mono[f] = sum / ch;
        }
        int outFrames = (int) ((long) frames * 16000 / in.sampleRate());
        short[] out = new short[outFrames];
        double step = in.sampleRate() / 16000.0;
        for (int i = 0; i < outFrames; i++) {
            double x = i * step;
            int i0 = (int) x;
            int i1 = Math.min(i0 + 1, frames - 1);
            double v = mono[i0] + (mono[i1] - mono[i0]) * (x - i0);
            out[i] = (short) Math.max(-32768, Math.min(32767, Math.round(v)));
        }
        return PcmAudio.ofSamples(out, 16000, 1);
    }
}
