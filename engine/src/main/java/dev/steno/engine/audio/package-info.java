/**
 * Audio input: WAV decoding to mono float PCM ({@link dev.steno.engine.audio.WavReader}), band-limited sample-rate
 * conversion, one-shot or streaming ({@link dev.steno.engine.audio.Resampler}), and streaming decoders for what
 * browsers send over a socket ({@link dev.steno.engine.audio.StreamingAudioDecoder}: raw s16le PCM, WebM/Opus, or
 * either, detected from the first bytes).
 */
package dev.steno.engine.audio;
