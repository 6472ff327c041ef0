/** The vosk-server WebSocket protocol (Jigasi's VoskTranscriptionService): one participant per socket. */
package dev.steno.jitsi.vosk;
