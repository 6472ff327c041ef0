/**
 * The speaker stage of the stream pipeline: {@link dev.steno.engine.speaker.SpeakerStage} attributes committed words
 * to speakers and may hold them until it knows. {@link dev.steno.engine.speaker.FixedSpeaker} serves streams of one
 * known participant, {@link dev.steno.engine.speaker.UnknownSpeaker} streams nobody attributes; diarizers go here
 * too.
 */
package dev.steno.engine.speaker;
