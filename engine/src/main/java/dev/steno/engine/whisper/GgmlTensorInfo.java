package dev.steno.engine.whisper;

import java.util.Arrays;
import java.util.Objects;

/**
 * Where one tensor lies in a ggml file.
 *
 * @param name       the tensor's name, e.g. {@code encoder.blocks.0.attn.query.weight}
 * @param type       element type
 * @param shape      dimensions in ggml order ({@code ne}: fastest-varying first, the numpy shape reversed)
 * @param dataOffset file offset of the first data byte
 * @param dataBytes  length of the data in bytes
 */
public record GgmlTensorInfo(String name, GgmlType type, long[] shape, long dataOffset, long dataBytes) {
    /** Copies {@code shape} so that the record stays immutable. */
    public GgmlTensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        shape = shape.clone();
    }

    /** The dimensions in ggml order (a copy). */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int dims() {
        return shape.length;
    }

    /** {@code ne[i]}, or 1 past the last dimension, as ggml treats it. */
    public long ne(int i) {
        return i < shape.length ? shape[i] : 1;
    }

    /** Number of values. */
    public long elements() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgmlTensorInfo t && name.equals(t.name) && type == t.type
                && Arrays.equals(shape, t.shape) && dataOffset == t.dataOffset && dataBytes == t.dataBytes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(shape), dataOffset, dataBytes);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(shape) + " @" + dataOffset + " +" + dataBytes;
    }
}
