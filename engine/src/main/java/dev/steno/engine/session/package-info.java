/**
 * The per-stream pipeline that ties audio, a streaming policy and transcript updates together
 * ({@link dev.steno.engine.session.TranscriptionSession}), and the {@link dev.steno.engine.session.InferenceScheduler}
 * that runs the steps of all live streams on a few shared worker threads: network threads feed a
 * {@link dev.steno.engine.session.ScheduledSession}, workers step its session in turn.
 */
package dev.steno.engine.session;
