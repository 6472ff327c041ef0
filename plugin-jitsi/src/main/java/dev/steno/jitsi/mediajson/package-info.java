/** The videobridge audio export ("mediajson") WebSocket: per-participant Opus in, transcription results out. */
package dev.steno.jitsi.mediajson;
