package dev.steno.engine.whisper.nn;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector shapes every kernel uses, and the small vector operations that more than one of them needs: dot
 * product, element-wise sum, binary16 widening (in registers) and narrowing, and the loads of weights from their
 * {@link MemorySegment} (f32, f16 and q8_0 values, little-endian).
 *
 * <p>The segment loads take their offset in values, as their array counterparts do, and the bounds and liveness of
 * the segment are checked by the Vector API on every load: C2 hoists the liveness check out of the kernels' loops
 * and turns the 64-bit bounds check into a 32-bit one at each entry of the inner loop, which costs a few percent on
 * rows as short as Whisper's (384 to 512 values; see {@code Matrix}).
 */
public final class VectorMath {
    /** Floats of the machine's preferred vector shape. */
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lanes of {@link #S}. */
    static final int L = S.length();
    /** Ints of the same shape as {@link #S}, and shorts of the same lane count (half the bits). */
    static final VectorSpecies<Integer> SI = S.withLanes(int.class);
    static final VectorSpecies<Short> SH = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    /** Bytes of the same lane count as {@link #S} (a q8_0 block is {@code 32 / L} of them). */
    static final VectorSpecies<Byte> SB = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    /**
     * Byte order of every ggml value. A constant, so that the loads' byte swap folds away (the machines Java runs
     * the Vector API on are little-endian).
     */
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Keeps the sign (bit 31 after the sign-extending widening) and the shifted exponent and mantissa. */
    private static final int HALF_MASK = 0x8FFFE000;
    private static final float HALF_SCALE = 0x1p112f;

    /**
     * Lane permutations of {@link #sum}, one constant each (a shuffle read from an array is not a compile-time
     * constant and costs a load and a check per use): fold h adds lane {@code i + h} to lane i.
     */
    private static final VectorShuffle<Float> FOLD_8 = fold(8);
    private static final VectorShuffle<Float> FOLD_4 = fold(4);
    private static final VectorShuffle<Float> FOLD_2 = fold(2);
    private static final VectorShuffle<Float> FOLD_1 = fold(1);

    private VectorMath() {
    }

    private static VectorShuffle<Float> fold(int h) {
        return VectorShuffle.fromOp(S, i -> (i + h) % L);
    }

    /**
     * The sum of the lanes in a fixed pairwise order. {@code reduceLanes(ADD)} leaves the order open, and HotSpot
     * uses another one in compiled code than in the interpreter, so the same product gave other bits before and
     * after warm-up; with a fixed order every kernel that sums the same values the same way gets the same bits at
     * any time (a batch of decoder steps then matches the steps run one by one).
     */
    static float sum(FloatVector v) {
        // Kept under HotSpot's 35-byte inlining limit for cold call sites (a kernel sums once per output, outside
        // its hot loop): a call that is not inlined boxes its vector argument, an allocation per output.
        return L == 16 ? sum16(v) : L == 8 ? sum8(v) : sumOther(v);
    }

    private static float sum16(FloatVector v) {
        return fold(fold(fold(fold(v, FOLD_8), FOLD_4), FOLD_2), FOLD_1).lane(0);
    }

    private static float sum8(FloatVector v) {
        return fold(fold(fold(v, FOLD_4), FOLD_2), FOLD_1).lane(0);
    }

    private static FloatVector fold(FloatVector v, VectorShuffle<Float> f) {
        return v.add(v.rearrange(f));
    }

    /** {@link #sum} for the other shapes (4 lanes, or wider than 16): the same pairwise order. */
    private static float sumOther(FloatVector v) {
        for (int h = L / 2; h >= 1; h /= 2) {
            v = v.add(v.rearrange(fold(h)));
        }
        return v.lane(0);
    }

    /** Dot product of {@code len} values. */
    public static float dot(float[] a, int ao, float[] b, int bo, int len) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        int k = 0;
        for (; k + 2 * L <= len; k += 2 * L) {
            s0 = FloatVector.fromArray(S, a, ao + k).fma(FloatVector.fromArray(S, b, bo + k), s0);
            s1 = FloatVector.fromArray(S, a, ao + k + L).fma(FloatVector.fromArray(S, b, bo + k + L), s1);
        }
        for (; k + L <= len; k += L) {
            s0 = FloatVector.fromArray(S, a, ao + k).fma(FloatVector.fromArray(S, b, bo + k), s0);
        }
        float s = sum(s0.add(s1));
        for (; k < len; k++) {
            s += a[ao + k] * b[bo + k];
        }
        return s;
    }

    /** {@code y[yo..] += x[xo..]} over {@code len} values. */
    public static void add(float[] x, int xo, float[] y, int yo, int len) {
        int k = 0;
        for (; k + L <= len; k += L) {
            FloatVector.fromArray(S, x, xo + k).add(FloatVector.fromArray(S, y, yo + k)).intoArray(y, yo + k);
        }
        for (; k < len; k++) {
            y[yo + k] += x[xo + k];
        }
    }

    /**
     * Widens {@code L} binary16 values at {@code w[off]} to float in registers: the 15 magnitude bits shifted into a
     * float's exponent and mantissa give {@code value * 2^-112} (subnormals included) and one multiply by
     * {@code 2^112} rescales it exactly. Infinities and NaNs come out as large finite values, which weights never
     * hold. This is 1.7x faster than widening a row into a float buffer first.
     */
    static FloatVector widenHalf(short[] w, int off) {
        return widenHalf(ShortVector.fromArray(SH, w, off));
    }

    /** As {@link #widenHalf(short[], int)}, for {@code L} binary16 values from value {@code off} of w (2 bytes each). */
    static FloatVector widenHalf(MemorySegment w, long off) {
        return widenHalf(ShortVector.fromMemorySegment(SH, w, 2 * off, LE));
    }

    private static FloatVector widenHalf(ShortVector halves) {
        IntVector bits = (IntVector) halves.convertShape(VectorOperators.S2I, SI, 0);
        return bits.lanewise(VectorOperators.LSHL, 13).and(HALF_MASK).reinterpretAsFloats().mul(HALF_SCALE);
    }

    /**
     * {@code L} int8 values (q8_0 quants) from byte {@code off} of q, widened to float in registers. The offset is in
     * bytes, which for int8 are values, but the quants of a q8_0 row are not at their value index: each block of 32
     * follows its binary16 scale ({@code Q8Matrix.blockAt}).
     */
    static FloatVector widenQ8(MemorySegment q, long off) {
        return (FloatVector) ByteVector.fromMemorySegment(SB, q, off, LE).convertShape(VectorOperators.B2F, S, 0);
    }

    /** {@code L} single-precision values from value {@code off} of w (4 bytes each): {@code FloatVector.fromArray}. */
    static FloatVector loadF32(MemorySegment w, long off) {
        return FloatVector.fromMemorySegment(S, w, 4 * off, LE);
    }

    /** {@code dst[dOff + i] = binary16(src[sOff + i])} for i below len (round to nearest even). */
    public static void toHalf(float[] src, int sOff, short[] dst, int dOff, int len) {
        for (int i = 0; i < len; i++) {
            dst[dOff + i] = Float.floatToFloat16(src[sOff + i]);
        }
    }
}
