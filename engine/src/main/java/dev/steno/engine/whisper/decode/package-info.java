/**
 * Whisper's decoding strategies on top of the Java decoder: logit filters (suppressed tokens, blank at the start,
 * timestamp rules), greedy and sampled decoding, beam search, temperature fallback, language detection and the
 * no-speech probability. Semantics follow whisper.cpp's {@code whisper_full} and OpenAI's {@code decoding.py}; each
 * piece works on plain logit arrays behind {@link dev.steno.engine.whisper.decode.DecodingState}, so it is tested on
 * crafted logits as well as on a real (random-weight) model.
 */
package dev.steno.engine.whisper.decode;
