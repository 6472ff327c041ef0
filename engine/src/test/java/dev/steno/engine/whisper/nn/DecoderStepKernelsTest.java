package dev.steno.engine.whisper.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The matrix-vector kernel of decoder steps (fewer than {@link MatMul#MR} input rows) against a scalar reference in
 * double precision, for f32 and f16 weights, sizes that leave vector and 4-row tails, and serial, pooled and team
 * loops; the in-register binary16 widening against {@link Float#float16ToFloat} for every finite value; the loads
 * from weight segments (at odd byte addresses, as ggml leaves tensors) against their array counterparts; and the
 * attention over a binary16 cross-attention cache against a scalar reference on the same (rounded) keys and values.
 */
class DecoderStepKernelsTest {
    static final ForkJoinPool POOL = new ForkJoinPool(2);

    @AfterAll
    static void shutdown() {
        POOL.shutdownNow();
    }

    @Test
    void widenHalfEqualsFloat16ToFloatForEveryFiniteValue() {
        short[] all = new short[65536];
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) i;
        }
        int l = VectorMath.L;
        float[] out = new float[l];
        for (int off = 0; off < all.length; off += l) {
            VectorMath.widenHalf(all, off).intoArray(out, 0);
            for (int j = 0; j < l; j++) {
                short h = all[off + j];
                if ((h & 0x7c00) == 0x7c00) {
                    continue; // infinities and NaNs: documented as not supported (weights never hold them)
                }
                float want = Float.float16ToFloat(h);
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(out[j]),
                        "half 0x" + Integer.toHexString(h & 0xffff) + " -> " + want + " got " + out[j]);
            }
        }
    }

    @Test
    void segmentLoadsReadWhatTheArrayLoadsReadAtUnalignedAddresses() {
        ValueLayout.OfShort half = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        ValueLayout.OfFloat single = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        int l = VectorMath.L;
        short[] halves = new short[65536];
        for (int i = 0; i < halves.length; i++) {
            halves[i] = (short) i;
        }
        float[] floats = KernelsTest.rand(new SplittableRandom(3), 4 * l + 3, 1);
        byte[] quants = new byte[256 + l];
        for (int i = 0; i < quants.length; i++) {
            quants[i] = (byte) i;
        }
        try (Arena arena = Arena.ofConfined()) {
            // one byte in: every value straddles the alignment of its type
            MemorySegment h = arena.allocate(2L * halves.length + 1).asSlice(1);
            MemorySegment.copy(halves, 0, h, half, 0, halves.length);
            MemorySegment f = arena.allocate(4L * floats.length + 1).asSlice(1);
            MemorySegment.copy(floats, 0, f, single, 0, floats.length);
            MemorySegment q = arena.allocate(quants.length + 1).asSlice(1);
            MemorySegment.copy(quants, 0, q, ValueLayout.JAVA_BYTE, 0, quants.length);
            float[] want = new float[l];
            float[] got = new float[l];
            for (int off = 0; off + l <= halves.length; off += l - 1) {
                VectorMath.widenHalf(halves, off).intoArray(want, 0);
                VectorMath.widenHalf(h, off).intoArray(got, 0);
                assertBits(want, got, "f16 values from " + off);
            }
            for (int off = 0; off + l <= floats.length; off++) {
                FloatVector.fromArray(VectorMath.S, floats, off).intoArray(want, 0);
                VectorMath.loadF32(f, off).intoArray(got, 0);
                assertBits(want, got, "f32 values from " + off);
            }
            for (int off = 0; off + l <= quants.length; off++) {
                for (int j = 0; j < l; j++) {
                    want[j] = quants[off + j];
                }
                VectorMath.widenQ8(q, off).intoArray(got, 0);
                assertBits(want, got, "int8 values from " + off);
            }
        }
    }

    @Test
    void matricesMadeFromArraysAreReadFromNativeMemory() {
        // the Vector API's loads from heap segments ran 20 to 28 times slower (Matrix.newSegment)
        float[] v = KernelsTest.rand(new SplittableRandom(4), 64, 1);
        assertTrue(new F32Matrix(v, 2, 32).segment().isNative());
        assertTrue(new F16Matrix(KernelsTest.toF16(v), 2, 32).segment().isNative());
        assertTrue(new Q8Matrix(new byte[64], new float[2], 2, 32).segment().isNative());
    }

    private static void assertBits(float[] want, float[] got, String what) {
        for (int j = 0; j < want.length; j++) {
            assertEquals(Float.floatToRawIntBits(want[j]), Float.floatToRawIntBits(got[j]), what + ", lane " + j);
        }
    }

    @Test
    void matvecMatchesReferenceForF32AndF16AndOddSizes() {
        SplittableRandom r = new SplittableRandom(7);
        // {n, in, out}: vector tails (in % 16), 4-row tails (out % 4), one row, and products big enough to be split
        int[][] shapes = {{1, 1, 1}, {1, 15, 3}, {1, 17, 5}, {2, 33, 7}, {1, 64, 4}, {5, 100, 9}, {1, 384, 1001},
            {3, 384, 701}, {1, 520, 1543}, {1, 1536, 384}};
        ParallelLoop pooled = ParallelLoop.of(POOL);
        for (int[] sh : shapes) {
            int n = sh[0], in = sh[1], out = sh[2];
            float[] x = KernelsTest.rand(r, n * in, 1);
            float[] wv = KernelsTest.rand(r, out * in, 0.5);
            float[] bias = KernelsTest.rand(r, out, 1);
            for (Matrix w : new Matrix[] {new F32Matrix(wv, out, in), new F16Matrix(KernelsTest.toF16(wv), out, in)}) {
                for (float[] b : new float[][] {bias, null}) {
                    float[] ref = KernelsTest.refMatmul(x, n, w, b);
                    for (int loop = 0; loop < 3; loop++) {
                        float[] y = new float[n * out + 1];
                        y[n * out] = 42f;
                        if (loop == 2) {
                            try (ParallelLoop.Team team = pooled.team()) {
                                MatMul.matmul(team, x, n, w, b, y);
                            }
                        } else {
                            MatMul.matmul(loop == 0 ? ParallelLoop.serial() : pooled, x, n, w, b, y);
                        }
                        double d = KernelsTest.maxDiff(y, ref, n * out);
                        assertTrue(d < 1e-5 * Math.sqrt(in) + 1e-6, "shape " + n + "x" + in + "->" + out
                                + " half=" + (w instanceof F16Matrix) + " bias=" + (b != null) + " loop " + loop
                                + " diff " + d);
                        assertEquals(42f, y[n * out], "wrote past the output");
                    }
                }
            }
        }
    }

    @Test
    void halfCacheAttentionMatchesReference() {
        SplittableRandom r = new SplittableRandom(11);
        // {heads, dHead, queries, frames}: full vector blocks, one-vector and scalar time tails, odd head sizes
        int[][] shapes = {{6, 64, 1, 1500}, {2, 64, 3, 77}, {3, 20, 2, 5}, {1, 33, 1, 16}};
        for (int[] sh : shapes) {
            int nh = sh[0], d = sh[1], nq = sh[2], nk = sh[3], ns = nh * d;
            float[] q = KernelsTest.rand(r, nq * ns, 1);
            short[] k = KernelsTest.toF16(KernelsTest.rand(r, nk * ns, 1)); // k[t*ns + c]
            short[] v = KernelsTest.toF16(KernelsTest.rand(r, nk * ns, 1));
            short[] kT = new short[nk * ns];
            short[] vh = new short[nk * ns]; // head-major
            for (int t = 0; t < nk; t++) {
                for (int c = 0; c < ns; c++) {
                    kT[c * nk + t] = k[t * ns + c];
                    vh[((c / d) * nk + t) * d + c % d] = v[t * ns + c];
                }
            }
            float[][] probs = new float[nh][];
            probs[nh - 1] = new float[nq * nk];
            float[] out = new float[nq * ns];
            try (ParallelLoop.Team team = ParallelLoop.of(POOL).team()) {
                MultiHeadAttention.attentionHalf(team, new HeadLayout(nh, d), new RowView(q, ns), nq,
                        new HalfKeyValueView(kT, vh), nk, new RowView(out, ns), probs);
            }
            for (int h = 0; h < nh; h++) {
                for (int i = 0; i < nq; i++) {
                    double[] s = new double[nk];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int t = 0; t < nk; t++) {
                        double a = 0;
                        for (int e = 0; e < d; e++) {
                            a += q[i * ns + h * d + e] * (double) Float.float16ToFloat(k[t * ns + h * d + e]);
                        }
                        s[t] = a / Math.sqrt(d);
                        max = Math.max(max, s[t]);
                    }
                    double sum = 0;
                    for (int t = 0; t < nk; t++) {
                        s[t] = Math.exp(s[t] - max);
                        sum += s[t];
                    }
                    for (int e = 0; e < d; e++) {
                        double o = 0;
                        for (int t = 0; t < nk; t++) {
                            o += s[t] / sum * Float.float16ToFloat(v[t * ns + h * d + e]);
                        }
                        float got = out[i * ns + h * d + e];
                        assertTrue(Math.abs(got - o) < 1e-4, "shape " + java.util.Arrays.toString(sh) + " head " + h
                                + " query " + i + " channel " + e + ": " + got + " vs " + o);
                    }
                    if (h == nh - 1) {
                        for (int t = 0; t < nk; t++) {
                            assertTrue(Math.abs(probs[h][i * nk + t] - s[t] / sum) < 1e-5, "probs");
                        }
                    }
                }
            }
        }
    }
}
