/**
 * Jetty 12 HTTP and WebSocket server: the WhisperLiveKit-compatible /asr endpoint, web UI, health and metrics (server issue).
 */
package dev.steno.server;
