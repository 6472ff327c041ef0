/**
 * The voice-activity stage: Silero VAD through onnxruntime (the shared {@link dev.steno.engine.vad.SileroVadModel},
 * per-stream state in {@link dev.steno.engine.vad.VadStream}), the {@link dev.steno.engine.vad.VoiceActivityController}
 * that turns window probabilities into speech start and end events at exact absolute sample offsets, and the
 * {@link dev.steno.engine.vad.SpeechGate} that turns those events into {@link dev.steno.engine.vad.GateAction}s for
 * the recogniser's side. Each step is arrays in, events out; {@link dev.steno.engine.vad.VoiceGating} holds the
 * settings that build one controller and gate per stream.
 */
package dev.steno.engine.vad;
