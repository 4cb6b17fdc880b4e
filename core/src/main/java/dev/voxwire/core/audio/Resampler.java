package dev.voxwire.core.audio;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * A band-limited sample-rate converter for a rational ratio {@code up/down}: each output sample
 * is the input convolved with a Kaiser-windowed sinc centred on the output instant, so the
 * output is time-aligned with the input (no delay).
 *
 * <p>The low-pass cut-off sits at {@value #CUTOFF} of the lower of the two Nyquist frequencies,
 * with {@value #ZERO_CROSSINGS} sinc zero crossings on each side (counted at the lower rate) and
 * a Kaiser window with beta {@value #BETA}: about 90 dB stop-band attenuation from the lower
 * Nyquist frequency up, a flat pass band to about 82 % of it. Downsampling therefore removes what
 * would alias, and upsampling removes the images.
 *
 * <p>Streaming: {@link #process} may be called with input of any length; it emits every output
 * sample whose filter support is complete, keeps the rest of the input, and {@link #flush}
 * emits the tail as if the input were followed by silence. The output is the same, bit for bit,
 * however the input is split. The total output length is {@code ceil(inputFrames * up / down)}.
 * Silence is assumed before the first input sample. Not thread-safe.
 */
final class Resampler {
    static final int ZERO_CROSSINGS = 32;
    static final double CUTOFF = 0.91;
    static final double BETA = 9.0;
    /** Ratios whose coefficient table would be larger than this compute them per output sample. */
    static final int MAX_TABLE_SIZE = 1 << 18;
    /** Points per lower-rate sample of the interpolated impulse response. */
    static final int SHAPE_RESOLUTION = 512;
    private static final double I0_BETA = besselI0(BETA);
    private static final double[] SHAPE_TABLE = shapeTable();
    private static final int MAX_CACHED_KERNELS = 64;
    private static final ConcurrentMap<Long, Kernel> KERNELS = new ConcurrentHashMap<>();

    private final Kernel kernel;
    private final int channels;
    private final double[] scratch;
    private float[][] buf;
    /** Valid samples in {@code buf}. */
    private int len;
    /** Absolute input index of {@code buf[c][0]}. */
    private long start;
    private long received;
    private long nextOut;
    private boolean flushed;

    Resampler(int fromRate, int toRate, int channels) {
        int g = gcd(fromRate, toRate);
        this.kernel = kernel(toRate / g, fromRate / g);
        this.channels = channels;
        this.scratch = new double[kernel.taps];
        this.buf = new float[channels][Math.max(4096, 4 * kernel.taps)];
        // silence before the first sample, so the filter never needs a bounds check
        this.start = -kernel.half;
        this.len = kernel.half;
    }

    /** Half the filter length, in input samples: how far the output lags behind the input. */
    int latencyFrames() {
        return kernel.half;
    }

    /** Appends {@code frames} frames of {@code in} (one array per channel) and returns the outputs now complete. */
    float[][] process(float[][] in, int frames) {
        if (flushed) {
            throw new IllegalStateException("the resampler was already flushed");
        }
        append(in, frames);
        received += frames;
        long available = received - kernel.half;
        long end = available <= 0 ? 0 : (available * kernel.up - 1) / kernel.down + 1;
        return produce(end);
    }

    /** Emits the remaining outputs, treating the input as followed by silence. */
    float[][] flush() {
        if (flushed) {
            throw new IllegalStateException("the resampler was already flushed");
        }
        flushed = true;
        append(new float[channels][kernel.half + 1], kernel.half + 1);
        long end = (received * kernel.up + kernel.down - 1) / kernel.down;
        return produce(end);
    }

    private float[][] produce(long end) {
        long pendingOutputs = Math.max(0, end - nextOut);
        if (pendingOutputs > Integer.MAX_VALUE - 8) {
            throw AudioFormat.unsupported("too much audio for one chunk: " + pendingOutputs + " output frames");
        }
        int count = (int) pendingOutputs;
        float[][] out = new float[channels][count];
        int up = kernel.up;
        int down = kernel.down;
        int half = kernel.half;
        int taps = kernel.taps;
        for (int i = 0; i < count; i++) {
            long num = (nextOut + i) * down;
            long k0 = num / up;
            int phase = (int) (num % up);
            double[] coeffs = kernel.coefficients(phase, scratch);
            int base = (int) (k0 - half + 1 - start);
            for (int c = 0; c < channels; c++) {
                float[] x = buf[c];
                double acc = 0;
                for (int j = 0; j < taps; j++) {
                    acc += coeffs[j] * x[base + j];
                }
                out[c][i] = (float) acc;
            }
        }
        nextOut += count;
        // drop the input no later output needs
        long keepFrom = (nextOut * down) / up - half + 1;
        int drop = (int) Math.min(len, Math.max(0, keepFrom - start));
        if (drop > 0) {
            for (int c = 0; c < channels; c++) {
                System.arraycopy(buf[c], drop, buf[c], 0, len - drop);
            }
            len -= drop;
            start += drop;
        }
        return out;
    }

    private void append(float[][] in, int frames) {
        if (len + frames > buf[0].length) {
            int capacity = Math.max(len + frames, buf[0].length * 2);
            for (int c = 0; c < channels; c++) {
                buf[c] = Arrays.copyOf(buf[c], capacity);
            }
        }
        for (int c = 0; c < channels; c++) {
            System.arraycopy(in[c], 0, buf[c], len, frames);
        }
        len += frames;
    }

    private static Kernel kernel(int up, int down) {
        long key = (long) up << 32 | down;
        Kernel cached = KERNELS.get(key);
        if (cached != null) {
            return cached;
        }
        Kernel k = new Kernel(up, down);
        if (k.table != null && KERNELS.size() < MAX_CACHED_KERNELS) {
            KERNELS.putIfAbsent(key, k);
        }
        return k;
    }

    static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** The filter for one ratio: its coefficients for every phase, tabulated when the table is small. */
    static final class Kernel {
        final int up;
        final int down;
        /** Half the support, in input samples. */
        final int half;
        final int taps;
        /** The lower rate over the input rate: converts input-sample distances to lower-rate ones. */
        final double ratio;
        final double @Nullable [][] table;

        Kernel(int up, int down) {
            this.up = up;
            this.down = down;
            this.ratio = Math.min(1.0, (double) up / down);
            this.half = (int) Math.ceil(ZERO_CROSSINGS / ratio);
            this.taps = 2 * half;
            if ((long) up * taps <= MAX_TABLE_SIZE) {
                double[][] t = new double[up][taps];
                for (int p = 0; p < up; p++) {
                    compute(p, t[p], true);
                }
                this.table = t;
            } else {
                this.table = null;
            }
        }

        double[] coefficients(int phase, double[] scratch) {
            double[][] t = table;
            if (t != null) {
                return t[phase];
            }
            compute(phase, scratch, false);
            return scratch;
        }

        /**
         * Coefficient j weighs input sample {@code k0 - half + 1 + j} for an output at
         * {@code k0 + phase/up}: its distance is {@code tau = phase/up + half - 1 - j} input
         * samples, {@code tau * ratio} samples at the lower rate.
         */
        private void compute(int phase, double[] out, boolean exact) {
            double frac = (double) phase / up;
            double sum = 0;
            for (int j = 0; j < taps; j++) {
                double u = Math.abs((frac + half - 1 - j) * ratio);
                double h = exact ? shape(u) : interpolatedShape(u);
                out[j] = h;
                sum += h;
            }
            // unity gain at DC for every phase
            for (int j = 0; j < taps; j++) {
                out[j] /= sum;
            }
        }
    }

    /**
     * The impulse response against the distance {@code u >= 0} in samples of the lower rate: a
     * sinc with its cut-off at {@link #CUTOFF} of the lower Nyquist frequency, under a Kaiser
     * window reaching zero at {@link #ZERO_CROSSINGS}.
     */
    static double shape(double u) {
        if (u >= ZERO_CROSSINGS) {
            return 0.0;
        }
        double x = u / ZERO_CROSSINGS;
        double window = besselI0(BETA * Math.sqrt(1.0 - x * x)) / I0_BETA;
        double cu = CUTOFF * u;
        double sinc = cu < 1e-12 ? 1.0 : Math.sin(Math.PI * cu) / (Math.PI * cu);
        return sinc * window;
    }

    /** {@link #shape} by linear interpolation in a table, for ratios with too many phases to tabulate. */
    static double interpolatedShape(double u) {
        double a = u * SHAPE_RESOLUTION;
        int i = (int) a;
        if (i >= SHAPE_TABLE.length - 1) {
            return 0.0;
        }
        double f = a - i;
        return SHAPE_TABLE[i] + f * (SHAPE_TABLE[i + 1] - SHAPE_TABLE[i]);
    }

    /** The modified Bessel function of the first kind, order 0, by its power series. */
    static double besselI0(double x) {
        double sum = 1.0;
        double term = 1.0;
        double halfX = x / 2;
        for (int k = 1; k < 500; k++) {
            term *= (halfX / k) * (halfX / k);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return sum;
    }

    private static double[] shapeTable() {
        double[] t = new double[ZERO_CROSSINGS * SHAPE_RESOLUTION + 1];
        for (int i = 0; i < t.length; i++) {
            t[i] = shape((double) i / SHAPE_RESOLUTION);
        }
        return t;
    }
}
