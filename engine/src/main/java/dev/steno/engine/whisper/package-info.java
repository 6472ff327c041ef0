/**
 * Reader and validator of ggml Whisper model files (the legacy format whisper.cpp loads).
 *
 * <p>The whisper.cpp backend runs {@link dev.steno.engine.whisper.GgmlWhisperFile#open} and
 * {@link dev.steno.engine.whisper.GgmlWhisperFile#validateComplete} before handing a file to native code, because the
 * native loader trusts lengths and dimensions from the file and can crash the JVM on a corrupt or truncated one.
 * The Java Whisper inference builds on the same index and maps tensor data from it.
 */
package dev.steno.engine.whisper;
