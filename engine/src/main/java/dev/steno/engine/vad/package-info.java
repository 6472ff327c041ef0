/**
 * Voice activity detection with Silero VAD through onnxruntime: the shared model ({@link
 * dev.steno.engine.vad.SileroVadModel}), per-stream state ({@link dev.steno.engine.vad.VadStream}) and the
 * controller that turns window probabilities into speech start and end events at exact absolute sample offsets
 * ({@link dev.steno.engine.vad.VoiceActivityController}).
 */
package dev.steno.engine.vad;
