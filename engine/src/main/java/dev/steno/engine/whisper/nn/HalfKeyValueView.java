package dev.steno.engine.whisper.nn;

/**
 * Binary16 keys and values of an attention over {@code nk} positions (a decoder's cross-attention cache, as
 * whisper.cpp keeps it), both laid out so that each head's block is contiguous: key t's channel c is
 * {@code keys[c*nk + t]} (transposed), value t's channel e of head h is {@code values[(h*nk + t)*dHead + e]}
 * (head-major). The arrays may be longer than {@code nk} positions need (a cache sized for the longest window).
 */
public record HalfKeyValueView(short[] keys, short[] values) {
}
