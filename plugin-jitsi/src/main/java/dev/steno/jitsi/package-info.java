/**
 * Jitsi and media-server ingest: videobridge audio export, Jigasi/skynet and Vosk endpoints, RTP/Opus per SSRC (Jitsi issue).
 */
package dev.steno.jitsi;
