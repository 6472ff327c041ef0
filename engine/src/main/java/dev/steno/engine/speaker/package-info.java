/**
 * The speaker stage of the stream pipeline: {@link dev.steno.engine.speaker.SpeakerStage} attributes committed words
 * to speakers and may hold them until it knows. {@link dev.steno.engine.speaker.FixedSpeaker} serves streams of one
 * known participant, {@link dev.steno.engine.speaker.UnknownSpeaker} streams nobody attributes, and
 * {@link dev.steno.engine.speaker.DiarizedSpeaker} attributes words from a diarizer's segments.
 */
package dev.steno.engine.speaker;
