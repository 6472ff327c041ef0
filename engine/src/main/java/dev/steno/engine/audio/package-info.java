/**
 * Audio input: WAV decoding to mono float PCM ({@link dev.steno.engine.audio.WavReader}) and band-limited sample-rate
 * conversion, one-shot or streaming ({@link dev.steno.engine.audio.Resampler}).
 */
package dev.steno.engine.audio;
