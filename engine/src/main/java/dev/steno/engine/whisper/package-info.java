/**
 * Reader and validator of ggml Whisper model files (the legacy format whisper.cpp loads).
 *
 * <p>The whisper.cpp backend runs {@link dev.steno.engine.whisper.GgmlWhisperFile#open} and
 * {@link dev.steno.engine.whisper.GgmlWhisperFile#validateComplete} before handing a file to native code, because the
 * native loader trusts lengths and dimensions from the file and can crash the JVM on a corrupt or truncated one.
 * The Java Whisper inference builds on the same index and maps tensor data from it.
 *
 * <p>Also the model-free alignment algorithms over the decoder's cross-attention:
 * {@link dev.steno.engine.whisper.AlignmentHeads} (which heads to read),
 * {@link dev.steno.engine.whisper.CrossAttentionAlignment} (AlignAtt's most-attended frame, OpenAI's DTW token times)
 * and {@link dev.steno.engine.whisper.TokenWords} (tokens to timed words).
 */
package dev.steno.engine.whisper;
