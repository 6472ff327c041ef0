package dev.steno.engine.whisper;

/**
 * Tensor element types that can appear in ggml Whisper files, with ggml's numeric ids and block layouts.
 *
 * <p>Quantised types store {@link #blockSize()} values in {@link #blockBytes()} bytes, so a tensor's row length
 * ({@code ne[0]}) must be a multiple of the block size.
 */
public enum GgmlType {
    /** 32-bit float. */
    F32(0, 1, 4),
    /** IEEE half precision. */
    F16(1, 1, 2),
    /** 4-bit, one f16 scale per 32 values. */
    Q4_0(2, 32, 18),
    /** 4-bit, f16 scale and minimum per 32 values. */
    Q4_1(3, 32, 20),
    /** 5-bit, one f16 scale per 32 values. */
    Q5_0(6, 32, 22),
    /** 5-bit, f16 scale and minimum per 32 values. */
    Q5_1(7, 32, 24),
    /** 8-bit, one f16 scale per 32 values. */
    Q8_0(8, 32, 34),
    /** 2-bit k-quant, 256-value super-blocks. */
    Q2_K(10, 256, 84),
    /** 3-bit k-quant, 256-value super-blocks. */
    Q3_K(11, 256, 110),
    /** 4-bit k-quant, 256-value super-blocks. */
    Q4_K(12, 256, 144),
    /** 5-bit k-quant, 256-value super-blocks. */
    Q5_K(13, 256, 176),
    /** 6-bit k-quant, 256-value super-blocks. */
    Q6_K(14, 256, 210);

    private final int id;
    private final int blockSize;
    private final int blockBytes;

    GgmlType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** ggml's numeric id ({@code enum ggml_type}), as stored in a tensor header. */
    public int id() {
        return id;
    }

    /** Values per block (1 for the float types). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int blockBytes() {
        return blockBytes;
    }

    /** Whether this is a block-quantised type. */
    public boolean quantized() {
        return blockSize > 1;
    }

    /**
     * Bytes that {@code elements} values of this type take.
     *
     * @throws IllegalArgumentException if {@code elements} is negative or not a whole number of blocks
     */
    public long bytesFor(long elements) {
        if (elements < 0 || elements % blockSize != 0) {
            throw new IllegalArgumentException(elements + " values are not a whole number of " + blockSize
                    + "-value " + this + " blocks");
        }
        return Math.multiplyExact(elements / blockSize, (long) blockBytes);
    }

    /** The type with ggml id {@code id}, or {@code null} when it is not one this reader knows. */
    public static GgmlType byId(int id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }

    /**
     * The type whisper.cpp uses for the matrices of a model whose header says {@code ftype} (ggml's
     * {@code enum ggml_ftype}, after removing the quantisation version), or {@code null} when whisper.cpp rejects it.
     * The ftype numbers differ from the type ids (ftype 7 is q8_0, 8 is q5_0, 9 is q5_1).
     */
    public static GgmlType forFtype(int ftype) {
        return switch (ftype) {
            case 0 -> F32;
            case 1 -> F16;
            case 2 -> Q4_0;
            case 3 -> Q4_1;
            case 7 -> Q8_0;
            case 8 -> Q5_0;
            case 9 -> Q5_1;
            case 10 -> Q2_K;
            case 11 -> Q3_K;
            case 12 -> Q4_K;
            case 13 -> Q5_K;
            case 14 -> Q6_K;
            default -> null;
        };
    }
}
