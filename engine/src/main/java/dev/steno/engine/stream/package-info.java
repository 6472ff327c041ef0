/**
 * The stream pipeline: one place where a live stream is assembled from its stages.
 *
 * <pre>
 *   16 kHz audio ─▶ voice activity ─▶ streaming policy ─▶ speaker stage ─▶ line assembly ─▶ listeners
 *                   (vad)              (policy)            (speaker)         (transcript)
 * </pre>
 *
 * {@link dev.steno.engine.stream.StreamBuilder} assembles a {@link dev.steno.engine.stream.TranscriptionStream};
 * {@link dev.steno.engine.stream.StreamService} holds what all streams of one loaded model share (the recogniser,
 * {@link dev.steno.engine.stream.StreamingPolicies} chosen by what the recogniser can do, voice-activity gating, the
 * inference scheduler, {@link dev.steno.engine.stream.StreamCounters}) and opens
 * {@link dev.steno.engine.stream.LiveStream}s on the scheduler; {@link dev.steno.engine.stream.StreamSimulator}
 * feeds a recording through a stream as if it were live.
 */
package dev.steno.engine.stream;
