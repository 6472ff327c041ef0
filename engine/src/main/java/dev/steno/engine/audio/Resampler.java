package dev.steno.engine.audio;

import java.util.Arrays;
import java.util.Objects;

/**
 * Band-limited sample-rate converter for mono float audio, usable on a live stream.
 *
 * <p>The rate ratio is reduced to {@code L/M} ({@code out/in} divided by their gcd) and each output sample is a dot
 * product of the input with one phase of a Kaiser-windowed sinc. The filter keeps frequencies up to 87.5 % of the
 * lower of the two Nyquist frequencies flat (7 kHz when converting to 16 kHz) and rejects everything from that Nyquist
 * frequency up by about 80 dB, so downsampling does not alias and upsampling leaves no images. The kernel is
 * zero-phase: output sample {@code n} is the signal at input time {@code n * inRate / outRate}, with no delay to
 * compensate downstream. That costs a look-ahead of {@link #latencyInputSamples()} input samples in streaming use;
 * {@link #flush} releases the rest at the end.
 *
 * <p>Chunking does not change the result: any split of the input into {@link #process} calls, followed by
 * {@link #flush}, gives the same samples as one call, and {@code ceil(inputLength * outRate / inRate)} of them.
 * {@code process} and {@code flush} allocate nothing. Instances are not thread-safe.
 *
 * <p>When {@code L} exceeds {@value #MAX_PHASES} (rates with no large common divisor), the filter is tabulated at
 * {@value #MAX_PHASES} phases and interpolated linearly between them, which keeps the table small at an error far
 * below the stop-band level.
 */
public final class Resampler {
    /** Stop-band rejection the filter is designed for, in dB. */
    public static final double STOPBAND_DB = 80;
    /** Part of the lower Nyquist frequency that stays flat; the transition band spans the rest up to Nyquist. */
    private static final double PASSBAND_FRACTION = 0.875;
    private static final int MAX_PHASES = 1024;
    /** Input samples copied into the working buffer per step; bounds the buffer, not the call size. */
    private static final int BLOCK = 4096;

    private final int inRate;
    private final int outRate;
    private final int up;
    private final int down;
    private final boolean identity;
    /** Half the filter length: output at input time t uses inputs floor(t)-half+1 .. floor(t)+half. */
    private final int half;
    private final int taps;
    /** Phase rows of {@code taps} coefficients; {@code tablePhases + 1} rows when interpolating, else {@code up}. */
    private final float[] coeffs;
    private final boolean interpolated;

    private final float[] work;
    private int fill;
    /** Index in {@link #work} of the input sample at or just before the next output's time. */
    private int center;
    /** Fractional part of the next output's time, in units of 1/{@link #up} input samples. */
    private int phase;
    private long totalIn;
    private long totalOut;

    /**
     * A converter from {@code inRate} to {@code outRate} samples per second.
     *
     * @throws IllegalArgumentException a rate is not positive
     */
    public Resampler(int inRate, int outRate) {
        if (inRate <= 0 || outRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive, got " + inRate + " Hz -> "
                    + outRate + " Hz");
        }
        this.inRate = inRate;
        this.outRate = outRate;
        int g = gcd(inRate, outRate);
        this.up = outRate / g;
        this.down = inRate / g;
        this.identity = up == down;
        if (identity) {
            half = 0;
            taps = 0;
            coeffs = new float[0];
            interpolated = false;
            work = new float[0];
            return;
        }
        // Cycles per input sample; the target's Nyquist when downsampling, the source's when upsampling.
        double nyquist = 0.5 * Math.min(1.0, up / (double) down);
        double transition = nyquist * (1 - PASSBAND_FRACTION);
        double cutoff = nyquist - transition / 2;
        // Kaiser's estimates of length and shape for the wanted ripple and transition width.
        int length = (int) Math.ceil((STOPBAND_DB - 7.95) / (2.285 * 2 * Math.PI * transition)) + 1;
        double beta = 0.1102 * (STOPBAND_DB - 8.7);
        half = (length + 1) / 2;
        taps = 2 * half;
        interpolated = up > MAX_PHASES;
        int rows = interpolated ? MAX_PHASES + 1 : up;
        int phases = interpolated ? MAX_PHASES : up;
        coeffs = new float[rows * taps];
        double i0Beta = besselI0(beta);
        double[] row = new double[taps];
        for (int r = 0; r < rows; r++) {
            double frac = r / (double) phases;
            double sum = 0;
            for (int m = 0; m < taps; m++) {
                double t = frac - (m - half + 1);
                double x = t / half;
                double window = Math.abs(x) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - x * x)) / i0Beta;
                double arg = 2 * cutoff * t;
                double sinc = arg == 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
                row[m] = 2 * cutoff * sinc * window;
                sum += row[m];
            }
            // Normalising each phase to unit sum makes DC pass exactly, whatever the phase's ripple.
            for (int m = 0; m < taps; m++) {
                coeffs[r * taps + m] = (float) (row[m] / sum);
            }
        }
        work = new float[taps + Math.max(BLOCK, taps)];
        reset();
    }

    /** Input rate in Hz. */
    public int inputRate() {
        return inRate;
    }

    /** Output rate in Hz. */
    public int outputRate() {
        return outRate;
    }

    /** Filter length in input samples (0 for the identity conversion). */
    public int filterLength() {
        return taps;
    }

    /** How many input samples beyond an output sample's time must arrive before that sample can be produced. */
    public int latencyInputSamples() {
        return half;
    }

    /**
     * The most samples a {@link #process} call with {@code inputLength} samples can write, in any state; also enough
     * for {@link #flush} when {@code inputLength} is 0.
     */
    public int maxOutput(int inputLength) {
        if (inputLength < 0) {
            throw new IllegalArgumentException("input length must not be negative, got " + inputLength);
        }
        if (identity) {
            return inputLength;
        }
        long n = ((long) inputLength + half) * up / down + 2;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("input of " + inputLength + " samples gives more output than an array"
                    + " holds; process it in smaller chunks");
        }
        return (int) n;
    }

    /**
     * Converts the next {@code len} input samples, writing every output sample whose input window is complete.
     *
     * @return how many samples were written at {@code out[outOff]}
     * @throws IllegalArgumentException {@code out} has less than {@link #maxOutput maxOutput(len)} room after
     *                                  {@code outOff}
     */
    public int process(float[] in, int off, int len, float[] out, int outOff) {
        Objects.checkFromIndexSize(off, len, in.length);
        requireRoom(out, outOff, maxOutput(len), len);
        if (identity) {
            System.arraycopy(in, off, out, outOff, len);
            totalIn += len;
            totalOut += len;
            return len;
        }
        int written = 0;
        while (len > 0) {
            int n = Math.min(len, work.length - fill);
            System.arraycopy(in, off, work, fill, n);
            fill += n;
            off += n;
            len -= n;
            totalIn += n;
            written += drain(out, outOff + written, Long.MAX_VALUE);
            compact();
        }
        return written;
    }

    /**
     * Ends the stream: writes the outputs still waiting for look-ahead, as if silence followed, and returns the
     * converter to its initial state for a new stream.
     *
     * @return how many samples were written at {@code out[outOff]}, at most {@link #maxOutput maxOutput(0)}
     */
    public int flush(float[] out, int outOff) {
        requireRoom(out, outOff, maxOutput(0), -1);
        if (identity) {
            reset();
            return 0;
        }
        long target = Math.ceilDiv(totalIn * up, down);
        int written = 0;
        while (totalOut < target) {
            int n = Math.min(half + 1, work.length - fill);
            Arrays.fill(work, fill, fill + n, 0f);
            fill += n;
            written += drain(out, outOff + written, target);
            compact();
        }
        reset();
        return written;
    }

    /** Forgets all input, as if newly constructed. */
    public void reset() {
        totalIn = 0;
        totalOut = 0;
        phase = 0;
        if (identity) {
            return;
        }
        // Silence before the stream start lets the first output (at time 0) use a full window.
        Arrays.fill(work, 0, half - 1, 0f);
        fill = half - 1;
        center = half - 1;
    }

    /**
     * Converts a whole clip: {@code ceil(in.length * outRate / inRate)} samples, time-aligned with the input. Returns a
     * copy of {@code in} when the rates are equal.
     */
    public static float[] resample(float[] in, int inRate, int outRate) {
        Resampler r = new Resampler(inRate, outRate);
        float[] out = new float[r.maxOutput(in.length) + r.maxOutput(0)];
        int n = r.process(in, 0, in.length, out, 0);
        n += r.flush(out, n);
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    private int drain(float[] out, int outOff, long limit) {
        int written = 0;
        while (center + half < fill && totalOut < limit) {
            int start = center - half + 1;
            float y;
            if (interpolated) {
                long scaled = (long) phase * MAX_PHASES;
                int row = (int) (scaled / up);
                float f = (scaled - (long) row * up) / (float) up;
                float a = Dot.dot(work, start, coeffs, row * taps, taps);
                float b = Dot.dot(work, start, coeffs, (row + 1) * taps, taps);
                y = a + f * (b - a);
            } else {
                y = Dot.dot(work, start, coeffs, phase * taps, taps);
            }
            out[outOff + written++] = y;
            totalOut++;
            phase += down;
            center += phase / up;
            phase %= up;
        }
        return written;
    }

    /** Drops input no longer needed by any future output, so the buffer never grows. */
    private void compact() {
        int drop = Math.min(center - half + 1, fill);
        if (drop > 0) {
            System.arraycopy(work, drop, work, 0, fill - drop);
            fill -= drop;
            center -= drop;
        }
    }

    /** {@code inputLength} is -1 for flush; the message is only built on failure so that the check allocates nothing. */
    private static void requireRoom(float[] out, int outOff, int needed, int inputLength) {
        Objects.checkIndex(outOff, out.length + 1);
        if (out.length - outOff < needed) {
            throw new IllegalArgumentException("output buffer has room for " + (out.length - outOff)
                    + " samples after offset " + outOff + ", but "
                    + (inputLength < 0 ? "flush()" : "process() of " + inputLength + " samples")
                    + " may write up to " + needed
                    + "; size it with maxOutput()");
        }
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** Modified Bessel function of the first kind, order 0, by its power series (converges fast for beta < 20). */
    private static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double q = x * x / 4;
        for (int k = 1; k < 200; k++) {
            term *= q / ((double) k * k);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return sum;
    }

    /** The inner product, on the Vector API when the JVM has it and in plain Java otherwise. */
    static final class Dot {
        /** Resolved once: the Vector API is an incubator module that deployments may not enable. */
        static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

        private Dot() {
        }

        static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
            return VECTOR ? VectorDot.dot(a, aOff, b, bOff, n) : scalar(a, aOff, b, bOff, n);
        }

        static float scalar(float[] a, int aOff, float[] b, int bOff, int n) {
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            int i = 0;
            // Four accumulators let the JIT pipeline the multiply-adds instead of waiting on one sum.
            for (; i + 3 < n; i += 4) {
                s0 += a[aOff + i] * b[bOff + i];
                s1 += a[aOff + i + 1] * b[bOff + i + 1];
                s2 += a[aOff + i + 2] * b[bOff + i + 2];
                s3 += a[aOff + i + 3] * b[bOff + i + 3];
            }
            for (; i < n; i++) {
                s0 += a[aOff + i] * b[bOff + i];
            }
            return (s0 + s1) + (s2 + s3);
        }
    }
}
