package dev.steno.engine.whisper.nn;

/**
 * Rows of a float matrix kept in a larger array: row i starts at {@code data[i*stride]}. Attention reads its queries
 * and writes its output through one; a caller makes it once per buffer, not per call.
 */
public record RowView(float[] data, int stride) {
}
