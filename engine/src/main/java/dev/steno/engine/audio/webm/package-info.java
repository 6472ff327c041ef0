/**
 * A streaming WebM (Matroska) demuxer for the Opus audio that browsers record with {@code MediaRecorder}
 * ({@link dev.steno.engine.audio.webm.WebmDemuxer}).
 */
package dev.steno.engine.audio.webm;
