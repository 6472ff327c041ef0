package dev.steno.engine.dsp;

import java.util.Arrays;

/**
 * Forward complex FFT in double precision for lengths whose prime factors are 2, 3 and 5 (Whisper needs 400 = 4 * 4 *
 * 5 * 5 and, for the real-input trick, 200 = 4 * 2 * 5 * 5; Sortformer's and Kaldi's front ends 512). The one FFT of
 * the engine: every spectral front end (Whisper's mel, diarization features) calls it.
 *
 * <p>Self-sorting (Stockham) decimation in frequency: every stage reads one buffer and writes the other, so no
 * bit-reversal pass is needed and the output comes out in natural order. Stage {@code i} of radix {@code p}, current
 * sub-length {@code n} ({@code m = n / p}) and stride {@code s} computes, for {@code q < m}, {@code k < s},
 * {@code r < p}:
 * <pre>
 *   y[k + s*(p*q + r)] = (sum_j x[k + s*(q + m*j)] * exp(-2 pi i j r / p)) * exp(-2 pi i q r / n)
 * </pre>
 * All twiddles are precomputed; {@link #transform} allocates nothing. An instance is immutable and can be shared by
 * threads; the buffers passed to it belong to the caller.
 */
public final class MixedRadixFft {
    private final int n;
    private final int[] radix;
    private final int[] stageN;
    private final int[] stageS;
    /** Per stage, twiddle {@code exp(-2 pi i q r / n)} at {@code [q * p + r]}. */
    private final double[][] twRe;
    private final double[][] twIm;

    /** Plans a transform of length {@code n}. */
    public MixedRadixFft(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("FFT length " + n);
        }
        this.n = n;
        int[] factors = new int[32];
        int count = 0;
        int rest = n;
        while (rest % 4 == 0) {
            factors[count++] = 4;
            rest /= 4;
        }
        for (int p : new int[] {2, 3, 5}) {
            while (rest % p == 0) {
                factors[count++] = p;
                rest /= p;
            }
        }
        if (rest != 1) {
            throw new IllegalArgumentException("FFT length " + n + " has a prime factor other than 2, 3, 5");
        }
        radix = Arrays.copyOf(factors, count);
        stageN = new int[count];
        stageS = new int[count];
        twRe = new double[count][];
        twIm = new double[count][];
        int len = n;
        int s = 1;
        for (int i = 0; i < count; i++) {
            int p = radix[i];
            int m = len / p;
            stageN[i] = len;
            stageS[i] = s;
            twRe[i] = new double[m * p];
            twIm[i] = new double[m * p];
            for (int q = 0; q < m; q++) {
                for (int r = 0; r < p; r++) {
                    // reduce q*r mod len before the angle so that large products keep full precision
                    double angle = -2.0 * Math.PI * ((long) q * r % len) / len;
                    twRe[i][q * p + r] = Math.cos(angle);
                    twIm[i][q * p + r] = Math.sin(angle);
                }
            }
            len = m;
            s *= p;
        }
    }

    /** The transform length. */
    public int length() {
        return n;
    }

    /**
     * Transforms {@code (re, im)} in place-or-not: the result ends up either in {@code (re, im)} or in
     * {@code (workRe, workIm)}; the return value says which ({@code true}: the work arrays). All four arrays need at
     * least {@link #length()} elements; the input is destroyed.
     */
    public boolean transform(double[] re, double[] im, double[] workRe, double[] workIm) {
        double[] xr = re;
        double[] xi = im;
        double[] yr = workRe;
        double[] yi = workIm;
        for (int st = 0; st < radix.length; st++) {
            int p = radix[st];
            int len = stageN[st];
            int s = stageS[st];
            int m = len / p;
            double[] wr = twRe[st];
            double[] wi = twIm[st];
            switch (p) {
                case 4 -> radix4(xr, xi, yr, yi, m, s, wr, wi);
                case 2 -> radix2(xr, xi, yr, yi, m, s, wr, wi);
                case 5 -> radix5(xr, xi, yr, yi, m, s, wr, wi);
                case 3 -> radix3(xr, xi, yr, yi, m, s, wr, wi);
                default -> throw new AssertionError(p);
            }
            double[] t = xr;
            xr = yr;
            yr = t;
            t = xi;
            xi = yi;
            yi = t;
        }
        return xr == workRe;
    }

    private static void radix2(double[] xr, double[] xi, double[] yr, double[] yi, int m, int s,
            double[] wr, double[] wi) {
        for (int q = 0; q < m; q++) {
            double w1r = wr[q * 2 + 1];
            double w1i = wi[q * 2 + 1];
            int in0 = s * q;
            int in1 = s * (q + m);
            int out0 = s * (2 * q);
            int out1 = out0 + s;
            for (int k = 0; k < s; k++) {
                double ar = xr[in0 + k];
                double ai = xi[in0 + k];
                double br = xr[in1 + k];
                double bi = xi[in1 + k];
                yr[out0 + k] = ar + br;
                yi[out0 + k] = ai + bi;
                double dr = ar - br;
                double di = ai - bi;
                yr[out1 + k] = dr * w1r - di * w1i;
                yi[out1 + k] = dr * w1i + di * w1r;
            }
        }
    }

    private static void radix3(double[] xr, double[] xi, double[] yr, double[] yi, int m, int s,
            double[] wr, double[] wi) {
        final double c = -0.5;
        final double sn = Math.sqrt(3.0) / 2.0;
        for (int q = 0; q < m; q++) {
            double w1r = wr[q * 3 + 1];
            double w1i = wi[q * 3 + 1];
            double w2r = wr[q * 3 + 2];
            double w2i = wi[q * 3 + 2];
            int in0 = s * q;
            int in1 = s * (q + m);
            int in2 = s * (q + 2 * m);
            int out0 = s * (3 * q);
            for (int k = 0; k < s; k++) {
                double a0r = xr[in0 + k];
                double a0i = xi[in0 + k];
                double a1r = xr[in1 + k];
                double a1i = xi[in1 + k];
                double a2r = xr[in2 + k];
                double a2i = xi[in2 + k];
                double tr = a1r + a2r;
                double ti = a1i + a2i;
                double ur = a1r - a2r;
                double ui = a1i - a2i;
                double mr = a0r + c * tr;
                double mi = a0i + c * ti;
                // -i * sn * u
                double vr = sn * ui;
                double vi = -sn * ur;
                yr[out0 + k] = a0r + tr;
                yi[out0 + k] = a0i + ti;
                double b1r = mr + vr;
                double b1i = mi + vi;
                double b2r = mr - vr;
                double b2i = mi - vi;
                yr[out0 + s + k] = b1r * w1r - b1i * w1i;
                yi[out0 + s + k] = b1r * w1i + b1i * w1r;
                yr[out0 + 2 * s + k] = b2r * w2r - b2i * w2i;
                yi[out0 + 2 * s + k] = b2r * w2i + b2i * w2r;
            }
        }
    }

    private static void radix4(double[] xr, double[] xi, double[] yr, double[] yi, int m, int s,
            double[] wr, double[] wi) {
        for (int q = 0; q < m; q++) {
            double w1r = wr[q * 4 + 1];
            double w1i = wi[q * 4 + 1];
            double w2r = wr[q * 4 + 2];
            double w2i = wi[q * 4 + 2];
            double w3r = wr[q * 4 + 3];
            double w3i = wi[q * 4 + 3];
            int in0 = s * q;
            int in1 = s * (q + m);
            int in2 = s * (q + 2 * m);
            int in3 = s * (q + 3 * m);
            int out0 = s * (4 * q);
            int out1 = out0 + s;
            int out2 = out1 + s;
            int out3 = out2 + s;
            for (int k = 0; k < s; k++) {
                double a0r = xr[in0 + k];
                double a0i = xi[in0 + k];
                double a1r = xr[in1 + k];
                double a1i = xi[in1 + k];
                double a2r = xr[in2 + k];
                double a2i = xi[in2 + k];
                double a3r = xr[in3 + k];
                double a3i = xi[in3 + k];
                double s02r = a0r + a2r;
                double s02i = a0i + a2i;
                double d02r = a0r - a2r;
                double d02i = a0i - a2i;
                double s13r = a1r + a3r;
                double s13i = a1i + a3i;
                double d13r = a1r - a3r;
                double d13i = a1i - a3i;
                yr[out0 + k] = s02r + s13r;
                yi[out0 + k] = s02i + s13i;
                // b1 = d02 - i * d13
                double b1r = d02r + d13i;
                double b1i = d02i - d13r;
                double b2r = s02r - s13r;
                double b2i = s02i - s13i;
                // b3 = d02 + i * d13
                double b3r = d02r - d13i;
                double b3i = d02i + d13r;
                yr[out1 + k] = b1r * w1r - b1i * w1i;
                yi[out1 + k] = b1r * w1i + b1i * w1r;
                yr[out2 + k] = b2r * w2r - b2i * w2i;
                yi[out2 + k] = b2r * w2i + b2i * w2r;
                yr[out3 + k] = b3r * w3r - b3i * w3i;
                yi[out3 + k] = b3r * w3i + b3i * w3r;
            }
        }
    }

    private static void radix5(double[] xr, double[] xi, double[] yr, double[] yi, int m, int s,
            double[] wr, double[] wi) {
        final double c1 = Math.cos(2.0 * Math.PI / 5.0);
        final double c2 = Math.cos(4.0 * Math.PI / 5.0);
        final double s1 = Math.sin(2.0 * Math.PI / 5.0);
        final double s2 = Math.sin(4.0 * Math.PI / 5.0);
        for (int q = 0; q < m; q++) {
            int tw = q * 5;
            double w1r = wr[tw + 1];
            double w1i = wi[tw + 1];
            double w2r = wr[tw + 2];
            double w2i = wi[tw + 2];
            double w3r = wr[tw + 3];
            double w3i = wi[tw + 3];
            double w4r = wr[tw + 4];
            double w4i = wi[tw + 4];
            int in0 = s * q;
            int in1 = s * (q + m);
            int in2 = s * (q + 2 * m);
            int in3 = s * (q + 3 * m);
            int in4 = s * (q + 4 * m);
            int out0 = s * (5 * q);
            int out1 = out0 + s;
            int out2 = out1 + s;
            int out3 = out2 + s;
            int out4 = out3 + s;
            for (int k = 0; k < s; k++) {
                double a0r = xr[in0 + k];
                double a0i = xi[in0 + k];
                double a1r = xr[in1 + k];
                double a1i = xi[in1 + k];
                double a2r = xr[in2 + k];
                double a2i = xi[in2 + k];
                double a3r = xr[in3 + k];
                double a3i = xi[in3 + k];
                double a4r = xr[in4 + k];
                double a4i = xi[in4 + k];
                double t1r = a1r + a4r;
                double t1i = a1i + a4i;
                double t2r = a2r + a3r;
                double t2i = a2i + a3i;
                double t3r = a1r - a4r;
                double t3i = a1i - a4i;
                double t4r = a2r - a3r;
                double t4i = a2i - a3i;
                yr[out0 + k] = a0r + t1r + t2r;
                yi[out0 + k] = a0i + t1i + t2i;
                double m1r = a0r + c1 * t1r + c2 * t2r;
                double m1i = a0i + c1 * t1i + c2 * t2i;
                double m2r = a0r + c2 * t1r + c1 * t2r;
                double m2i = a0i + c2 * t1i + c1 * t2i;
                // u1 = s1 t3 + s2 t4, u2 = s2 t3 - s1 t4; -i*u = (u.im, -u.re)
                double u1r = s1 * t3r + s2 * t4r;
                double u1i = s1 * t3i + s2 * t4i;
                double u2r = s2 * t3r - s1 * t4r;
                double u2i = s2 * t3i - s1 * t4i;
                double b1r = m1r + u1i;
                double b1i = m1i - u1r;
                double b4r = m1r - u1i;
                double b4i = m1i + u1r;
                double b2r = m2r + u2i;
                double b2i = m2i - u2r;
                double b3r = m2r - u2i;
                double b3i = m2i + u2r;
                yr[out1 + k] = b1r * w1r - b1i * w1i;
                yi[out1 + k] = b1r * w1i + b1i * w1r;
                yr[out2 + k] = b2r * w2r - b2i * w2i;
                yi[out2 + k] = b2r * w2i + b2i * w2r;
                yr[out3 + k] = b3r * w3r - b3i * w3i;
                yi[out3 + k] = b3r * w3i + b3i * w3r;
                yr[out4 + k] = b4r * w4r - b4i * w4i;
                yi[out4 + k] = b4r * w4i + b4i * w4r;
            }
        }
    }
}
