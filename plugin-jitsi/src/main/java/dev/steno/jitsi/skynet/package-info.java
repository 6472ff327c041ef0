/** Drop-in skynet streaming-whisper WebSocket for unmodified Jigasi: 60-byte header + PCM in, JSON results out. */
package dev.steno.jitsi.skynet;
