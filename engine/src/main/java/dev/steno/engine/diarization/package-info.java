/**
 * Streaming speaker diarization: a {@link dev.steno.engine.diarization.Diarizer} hears a stream's 16 kHz audio and
 * emits {@link dev.steno.engine.diarization.SpeakerSegment}s on the stream clock; a
 * {@link dev.steno.engine.diarization.DiarizerFactory} holds what every stream of one configuration shares (an ONNX
 * session, thresholds) and makes one diarizer per stream. Backends live in sub-packages ({@code baseline},
 * {@code sortformer}, {@code diart}); scoring (RTTM, DER) in {@code scoring}. The speaker stage that turns segments
 * into attributed words is {@link dev.steno.engine.speaker.DiarizedSpeaker}.
 */
package dev.steno.engine.diarization;
