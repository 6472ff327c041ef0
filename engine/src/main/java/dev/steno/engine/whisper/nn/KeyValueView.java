package dev.steno.engine.whisper.nn;

/**
 * Single-precision keys and values of an attention, one per position t: key t's channel c (over all heads) is
 * {@code keys[t*keyTimeStride + c*keyChannelStride]}, so that a key cache may be stored either way round (time-major,
 * or transposed so that the scores vectorise over time); value t's channel c is
 * {@code values[t*valueTimeStride + c]}. The view holds no position count: the cache fills up call by call.
 */
public record KeyValueView(float[] keys, int keyTimeStride, int keyChannelStride, float[] values,
                           int valueTimeStride) {
}
