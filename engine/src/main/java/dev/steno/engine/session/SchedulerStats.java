package dev.steno.engine.session;

/**
 * A snapshot of an {@link InferenceScheduler}'s figures, for {@code /metrics}. Counters run from the scheduler's
 * start; the other fields are values at the moment of the snapshot.
 *
 * @param workers               worker threads
 * @param sessions              sessions registered and not yet done
 * @param readyQueueLength      sessions waiting for a worker
 * @param busyWorkers           workers running a step now
 * @param steps                 steps (including final steps) that completed without error
 * @param failedSteps           steps that threw
 * @param audioSecondsProcessed audio handed to sessions by the workers
 * @param computeSeconds        time the workers spent in steps, by the scheduler's clock
 * @param overflows             {@code addAudio} calls that dropped old audio because a session's pending cap was hit
 * @param droppedAudioSeconds   audio dropped by those overflows
 * @param rejectedAudioCalls    {@code addAudio} calls refused because the session had ended, was cancelled or failed,
 *                              or the scheduler was closed
 * @param rejectedSessions      registrations refused because the scheduler was full
 */
public record SchedulerStats(int workers, int sessions, int readyQueueLength, int busyWorkers, long steps,
                             long failedSteps, double audioSecondsProcessed, double computeSeconds, long overflows,
                             double droppedAudioSeconds, long rejectedAudioCalls, long rejectedSessions) {
    /** Compute seconds per audio second over all sessions: above {@code workers} the scheduler cannot keep up. */
    public double realTimeFactor() {
        return audioSecondsProcessed > 0 ? computeSeconds / audioSecondsProcessed : 0;
    }
}
