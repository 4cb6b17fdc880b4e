package dev.voxwire.server.analysis;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.audio.PcmAudio;
import dev.voxwire.server.AnalysisProgress;
import dev.voxwire.server.AudioAnalyzer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CancellationException;

/**
 * The built-in analyzer, named {@value #NAME}: levels, voiced segments and pitch
 * ({@link AudioMeasures}).
 *
 * <ul>
 *   <li>Levels: RMS and peak of the whole audio in dBFS (see {@link AudioMeasures}).
 *   <li>Voiced segments: the audio is cut into frames of {@link #frameDuration()}; a segment
 *       starts at the first frame whose RMS reaches {@link #thresholdDbfs()} and goes on while
 *       frames stay above {@code thresholdDbfs - hysteresisDb}; it ends once they have stayed below
 *       for longer than {@link #hangover()} (so short pauses do not split it), at the end of its
 *       last active frame. Segments shorter than {@link #minSegment()} are dropped.
 *   <li>Pitch: the YIN method (cumulative mean normalized difference, absolute threshold
 *       {@link #yinThreshold()}, parabolic interpolation) on windows every 20 ms inside voiced
 *       segments; windows whose period lies outside {@link #minPitchHz()} to {@link #maxPitchHz()}
 *       are ignored. The result is the median of the periodic windows, or absent when there are
 *       none (unvoiced audio, noise, or tones outside the range).
 * </ul>
 *
 * <p>Reports progress three times (after levels, segments and pitch) and stops with a
 * {@link CancellationException} between stages and between segments once cancelled. Immutable and
 * thread-safe; build one with {@link #builder()} or use {@link #ofDefaults()}.
 */
public final class DefaultAudioAnalyzer implements AudioAnalyzer {
    /** The analyzer's name. */
    public static final String NAME = "energy-pitch";
    /** The level reported for digital silence, in dBFS. */
    public static final double MIN_DBFS = -120.0;
    /** Default frame length of the energy detector: 10 ms. */
    public static final Duration DEFAULT_FRAME_DURATION = Duration.ofMillis(10);
    /** Default level at which a frame starts a voiced segment: -40 dBFS. */
    public static final double DEFAULT_THRESHOLD_DBFS = -40.0;
    /** Default hysteresis: a segment goes on down to 6 dB below the threshold. */
    public static final double DEFAULT_HYSTERESIS_DB = 6.0;
    /** Default hangover: pauses up to 150 ms do not end a segment. */
    public static final Duration DEFAULT_HANGOVER = Duration.ofMillis(150);
    /** Default shortest segment kept: 40 ms. */
    public static final Duration DEFAULT_MIN_SEGMENT = Duration.ofMillis(40);
    /** Default lowest pitch searched: 60 Hz. */
    public static final double DEFAULT_MIN_PITCH_HZ = 60.0;
    /** Default highest pitch searched: 500 Hz. */
    public static final double DEFAULT_MAX_PITCH_HZ = 500.0;
    /** Default YIN absolute threshold: 0.15. */
    public static final double DEFAULT_YIN_THRESHOLD = 0.15;

    private static final double PITCH_HOP_SECONDS = 0.020;
    private static final double PITCH_WINDOW_SECONDS = 0.030;
    private static final DefaultAudioAnalyzer DEFAULTS = builder().build();

    private final Duration frameDuration;
    private final double thresholdDbfs;
    private final double hysteresisDb;
    private final Duration hangover;
    private final Duration minSegment;
    private final double minPitchHz;
    private final double maxPitchHz;
    private final double yinThreshold;

    private DefaultAudioAnalyzer(Builder b) {
        this.frameDuration = b.frameDuration;
        this.thresholdDbfs = b.thresholdDbfs;
        this.hysteresisDb = b.hysteresisDb;
        this.hangover = b.hangover;
        this.minSegment = b.minSegment;
        this.minPitchHz = b.minPitchHz;
        this.maxPitchHz = b.maxPitchHz;
        this.yinThreshold = b.yinThreshold;
    }

    /** The analyzer with every default. */
    public static DefaultAudioAnalyzer ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this analyzer's settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ObjectNode analyze(PcmAudio audio, AnalysisProgress progress) {
        return measure(audio, progress).toJson();
    }

    /** Measures {@code audio} (any rate; channels are averaged) without progress. */
    public AudioMeasures measure(PcmAudio audio) {
        return measure(audio, AnalysisProgress.none());
    }

    /**
     * Measures {@code audio} (any rate; channels are averaged), reporting to {@code progress}.
     *
     * @throws CancellationException when {@code progress} says the request was cancelled
     */
    public AudioMeasures measure(PcmAudio audio, AnalysisProgress progress) {
        requireNonNull(audio, "audio");
        requireNonNull(progress, "progress");
        int rate = audio.sampleRate();
        double[] x = mono(audio);
        int n = x.length;
        long durationMs = Math.round(n * 1000.0 / rate);

        double sumSquares = 0;
        double peak = 0;
        for (double v : x) {
            sumSquares += v * v;
            peak = Math.max(peak, Math.abs(v));
        }
        double rmsDbfs = n == 0 ? MIN_DBFS : dbfs(Math.sqrt(sumSquares / n));
        double peakDbfs = dbfs(peak);
        progress.report(AnalysisProgress.ANALYZING, 1 / 3.0);
        checkCancelled(progress);

        List<int[]> segments = detectSegments(x, rate);
        List<VoicedSegment> voiced = new ArrayList<>(segments.size());
        long voicedSamples = 0;
        for (int[] s : segments) {
            voicedSamples += s[1] - s[0];
            voiced.add(new VoicedSegment(Math.round(s[0] * 1000.0 / rate), Math.round(s[1] * 1000.0 / rate)));
        }
        double silenceRatio = n == 0 ? 1.0 : 1.0 - (double) voicedSamples / n;
        progress.report(AnalysisProgress.ANALYZING, 2 / 3.0);
        checkCancelled(progress);

        OptionalDouble pitch = medianPitch(x, rate, segments, progress);
        progress.report(AnalysisProgress.ANALYZING, 1.0);
        checkCancelled(progress);
        return new AudioMeasures(durationMs, rmsDbfs, peakDbfs, silenceRatio, voiced, pitch);
    }

    private static void checkCancelled(AnalysisProgress progress) {
        if (progress.isCancelled()) {
            throw new CancellationException("analysis cancelled");
        }
    }

    private static double[] mono(PcmAudio audio) {
        short[] s = audio.samples();
        int ch = audio.channels();
        int frames = s.length / ch;
        double[] x = new double[frames];
        for (int f = 0; f < frames; f++) {
            double sum = 0;
            for (int c = 0; c < ch; c++) {
                sum += s[f * ch + c];
            }
            x[f] = sum / ch / 32768.0;
        }
        return x;
    }

    private static double dbfs(double amplitude) {
        return amplitude <= 0 ? MIN_DBFS : Math.max(MIN_DBFS, 20 * Math.log10(amplitude));
    }

    /** Voiced segments as [startSample, endSample) pairs. */
    private List<int[]> detectSegments(double[] x, int rate) {
        int frameLen = Math.max(1, (int) Math.round(rate * seconds(frameDuration)));
        int frames = (x.length + frameLen - 1) / frameLen;
        double enter = thresholdDbfs;
        double exit = thresholdDbfs - hysteresisDb;
        int hangoverFrames = (int) Math.ceil(seconds(hangover) * rate / frameLen);
        int minSamples = (int) Math.round(seconds(minSegment) * rate);
        List<int[]> out = new ArrayList<>();
        boolean inSegment = false;
        int start = 0;
        int lastActive = 0;
        for (int f = 0; f < frames; f++) {
            int from = f * frameLen;
            int to = Math.min(x.length, from + frameLen);
            double sum = 0;
            for (int i = from; i < to; i++) {
                sum += x[i] * x[i];
            }
            double level = dbfs(Math.sqrt(sum / (to - from)));
            if (!inSegment) {
                if (level >= enter) {
                    inSegment = true;
                    start = f;
                    lastActive = f;
                }
            } else if (level >= exit) {
                lastActive = f;
            } else if (f - lastActive > hangoverFrames) {
                addSegment(out, start * frameLen, Math.min(x.length, (lastActive + 1) * frameLen), minSamples);
                inSegment = false;
            }
        }
        if (inSegment) {
            addSegment(out, start * frameLen, Math.min(x.length, (lastActive + 1) * frameLen), minSamples);
        }
        return out;
    }

    private static void addSegment(List<int[]> out, int from, int to, int minSamples) {
        if (to - from >= minSamples && to > from) {
            out.add(new int[] {from, to});
        }
    }

    private OptionalDouble medianPitch(double[] x, int rate, List<int[]> segments, AnalysisProgress progress) {
        int tauMax = (int) Math.ceil(rate / minPitchHz);
        int window = Math.max(tauMax, (int) Math.round(rate * PITCH_WINDOW_SECONDS));
        int hop = Math.max(1, (int) Math.round(rate * PITCH_HOP_SECONDS));
        double[] diff = new double[tauMax + 2];
        double[] cmnd = new double[tauMax + 2];
        List<Double> estimates = new ArrayList<>();
        for (int[] s : segments) {
            checkCancelled(progress);
            for (int start = s[0]; start + window + tauMax + 1 <= s[1]; start += hop) {
                double f0 = yin(x, start, window, tauMax, rate, diff, cmnd);
                if (f0 >= minPitchHz && f0 <= maxPitchHz) {
                    estimates.add(f0);
                }
            }
        }
        if (estimates.isEmpty()) {
            return OptionalDouble.empty();
        }
        double[] sorted = estimates.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return OptionalDouble.of(sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2);
    }

    /**
     * One YIN estimate in Hz, or -1 when the window is not periodic enough. The search starts at a
     * lag of 2 samples whatever the pitch range, so that a tone above the range is found as itself
     * (and then discarded) rather than as a sub-harmonic inside the range.
     */
    private double yin(double[] x, int start, int window, int tauMax, int rate, double[] diff, double[] cmnd) {
        for (int tau = 1; tau <= tauMax + 1; tau++) {
            double d = 0;
            for (int j = start; j < start + window; j++) {
                double delta = x[j] - x[j + tau];
                d += delta * delta;
            }
            diff[tau] = d;
        }
        cmnd[0] = 1;
        double running = 0;
        for (int tau = 1; tau <= tauMax + 1; tau++) {
            running += diff[tau];
            cmnd[tau] = running == 0 ? 1 : diff[tau] * tau / running;
        }
        for (int tau = 2; tau <= tauMax; tau++) {
            if (cmnd[tau] < yinThreshold) {
                while (tau + 1 <= tauMax && cmnd[tau + 1] < cmnd[tau]) {
                    tau++;
                }
                double a = cmnd[tau - 1];
                double b = cmnd[tau];
                double c = cmnd[tau + 1];
                double denominator = a - 2 * b + c;
                double shift = denominator == 0 ? 0 : 0.5 * (a - c) / denominator;
                shift = Math.max(-1, Math.min(1, shift));
                return rate / (tau + shift);
            }
        }
        return -1;
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    /** Frame length of the energy detector. */
    public Duration frameDuration() {
        return frameDuration;
    }

    /** Frame level (dBFS) at which a voiced segment starts. */
    public double thresholdDbfs() {
        return thresholdDbfs;
    }

    /** How far (dB) below the threshold a segment's frames may fall and still count as active. */
    public double hysteresisDb() {
        return hysteresisDb;
    }

    /** The longest pause that does not end a segment. */
    public Duration hangover() {
        return hangover;
    }

    /** The shortest segment kept. */
    public Duration minSegment() {
        return minSegment;
    }

    /** The lowest pitch searched, in Hz. */
    public double minPitchHz() {
        return minPitchHz;
    }

    /** The highest pitch searched, in Hz. */
    public double maxPitchHz() {
        return maxPitchHz;
    }

    /** The YIN absolute threshold (0 to 1): lower is stricter about periodicity. */
    public double yinThreshold() {
        return yinThreshold;
    }

    @Override
    public String toString() {
        return "DefaultAudioAnalyzer[frameDuration=" + frameDuration + ", thresholdDbfs=" + thresholdDbfs
                + ", hysteresisDb=" + hysteresisDb + ", hangover=" + hangover + ", minSegment=" + minSegment
                + ", minPitchHz=" + minPitchHz + ", maxPitchHz=" + maxPitchHz + ", yinThreshold="
                + yinThreshold + "]";
    }

    /** Builds a {@link DefaultAudioAnalyzer}; every setter checks its argument at once. */
    public static final class Builder {
        private Duration frameDuration = DEFAULT_FRAME_DURATION;
        private double thresholdDbfs = DEFAULT_THRESHOLD_DBFS;
        private double hysteresisDb = DEFAULT_HYSTERESIS_DB;
        private Duration hangover = DEFAULT_HANGOVER;
        private Duration minSegment = DEFAULT_MIN_SEGMENT;
        private double minPitchHz = DEFAULT_MIN_PITCH_HZ;
        private double maxPitchHz = DEFAULT_MAX_PITCH_HZ;
        private double yinThreshold = DEFAULT_YIN_THRESHOLD;

        private Builder() {
        }

        private Builder(DefaultAudioAnalyzer a) {
            frameDuration = a.frameDuration;
            thresholdDbfs = a.thresholdDbfs;
            hysteresisDb = a.hysteresisDb;
            hangover = a.hangover;
            minSegment = a.minSegment;
            minPitchHz = a.minPitchHz;
            maxPitchHz = a.maxPitchHz;
            yinThreshold = a.yinThreshold;
        }

        /** Frame length of the energy detector (1 ms to 100 ms; default 10 ms). */
        public Builder frameDuration(Duration frameDuration) {
            requireNonNull(frameDuration, "frameDuration");
            if (frameDuration.compareTo(Duration.ofMillis(1)) < 0 || frameDuration.compareTo(Duration.ofMillis(100)) > 0) {
                throw new IllegalArgumentException("frameDuration: " + frameDuration + " (expected: PT0.001S..PT0.1S)");
            }
            this.frameDuration = frameDuration;
            return this;
        }

        /** Frame level at which a voiced segment starts (-120 to 0 dBFS; default -40). */
        public Builder thresholdDbfs(double thresholdDbfs) {
            if (!(thresholdDbfs >= MIN_DBFS && thresholdDbfs <= 0)) {
                throw new IllegalArgumentException("thresholdDbfs: " + thresholdDbfs + " (expected: -120..0)");
            }
            this.thresholdDbfs = thresholdDbfs;
            return this;
        }

        /** Hysteresis below the threshold that keeps a segment going (0 to 40 dB; default 6). */
        public Builder hysteresisDb(double hysteresisDb) {
            if (!(hysteresisDb >= 0 && hysteresisDb <= 40)) {
                throw new IllegalArgumentException("hysteresisDb: " + hysteresisDb + " (expected: 0..40)");
            }
            this.hysteresisDb = hysteresisDb;
            return this;
        }

        /** The longest pause that does not end a segment (>= 0; default 150 ms). */
        public Builder hangover(Duration hangover) {
            requireNonNull(hangover, "hangover");
            if (hangover.isNegative()) {
                throw new IllegalArgumentException("hangover: " + hangover + " (expected: >= 0)");
            }
            this.hangover = hangover;
            return this;
        }

        /** The shortest segment kept (>= 0; default 40 ms). */
        public Builder minSegment(Duration minSegment) {
            requireNonNull(minSegment, "minSegment");
            if (minSegment.isNegative()) {
                throw new IllegalArgumentException("minSegment: " + minSegment + " (expected: >= 0)");
            }
            this.minSegment = minSegment;
            return this;
        }

        /** The pitch search range in Hz (20 <= min < max <= 2000; default 60 to 500). */
        public Builder pitchRange(double minPitchHz, double maxPitchHz) {
            if (!(minPitchHz >= 20 && maxPitchHz > minPitchHz && maxPitchHz <= 2000)) {
                throw new IllegalArgumentException("pitchRange: " + minPitchHz + ".." + maxPitchHz
                        + " (expected: 20 <= min < max <= 2000)");
            }
            this.minPitchHz = minPitchHz;
            this.maxPitchHz = maxPitchHz;
            return this;
        }

        /** The YIN absolute threshold (0 exclusive to 1; default 0.15). */
        public Builder yinThreshold(double yinThreshold) {
            if (!(yinThreshold > 0 && yinThreshold < 1)) {
                throw new IllegalArgumentException("yinThreshold: " + yinThreshold + " (expected: > 0 and < 1)");
            }
            this.yinThreshold = yinThreshold;
            return this;
        }

        /** The analyzer. */
        public DefaultAudioAnalyzer build() {
            return new DefaultAudioAnalyzer(this);
        }
    }
}
