package dev.steno.engine.diarization.diart;

/**
 * The settings of one diart pipeline (diart's defaults in {@link #defaults()}).
 *
 * @param tauActive      activity from which a local speaker counts in a window, and from which an aggregated
 *                       frame is speech (0.6)
 * @param rhoUpdate      mean activity over a window a local speaker needs to update or found a centroid (0.3)
 * @param deltaNew       cosine distance from which a local speaker is someone new (1.0)
 * @param maxSpeakers    the most global speakers per stream (20)
 * @param windowSeconds  the rolling window the segmentation model sees (5)
 * @param stepSeconds    how far the window moves per step, and how much is decided per step (0.5)
 * @param latencySeconds how far behind the newest audio decisions are made, a multiple of the step in
 *                       [step, window]; {@code latency / step} windows are aggregated per decided frame (the step:
 *                       one window, least delay)
 * @param gamma          exponent of the overlapped-speech penalty (3)
 * @param beta           softmax temperature of the overlapped-speech penalty (10)
 * @param softActivities decode the powerset output softly (summed class probabilities) instead of diart's argmax
 */
public record DiartConfig(double tauActive, double rhoUpdate, double deltaNew, int maxSpeakers,
        double windowSeconds, double stepSeconds, double latencySeconds, double gamma, double beta,
        boolean softActivities) {
    public DiartConfig {
        if (!(tauActive > 0 && tauActive <= 1) || !(rhoUpdate >= 0 && rhoUpdate <= 1)) {
            throw new IllegalArgumentException("tau_active " + tauActive + " and rho_update " + rhoUpdate
                    + " are activities in [0, 1]");
        }
        if (!(deltaNew > 0 && deltaNew <= 2)) {
            throw new IllegalArgumentException("delta_new is a cosine distance in (0, 2], was " + deltaNew);
        }
        if (maxSpeakers < 1) {
            throw new IllegalArgumentException("max speakers " + maxSpeakers);
        }
        if (!(stepSeconds > 0 && windowSeconds >= stepSeconds && latencySeconds >= stepSeconds
                && latencySeconds <= windowSeconds)) {
            throw new IllegalArgumentException("need 0 < step <= latency <= window, got step " + stepSeconds
                    + ", latency " + latencySeconds + ", window " + windowSeconds);
        }
        double windows = latencySeconds / stepSeconds;
        if (Math.abs(windows - Math.rint(windows)) > 1e-9) {
            throw new IllegalArgumentException("latency " + latencySeconds + " s is not a multiple of the step "
                    + stepSeconds + " s");
        }
        if (samples(stepSeconds) % DelayedAggregation.OUTPUT_SAMPLES != 0) {
            throw new IllegalArgumentException("the step must be a multiple of 10 ms, was " + stepSeconds);
        }
    }

    /** diart's defaults: tau 0.6, rho 0.3, delta 1.0, 20 speakers, 5 s window, 0.5 s step and latency. */
    public static DiartConfig defaults() {
        return new DiartConfig(0.6, 0.3, 1.0, 20, 5, 0.5, 0.5, 3, 10, false);
    }

    /** These settings with other clustering thresholds. */
    public DiartConfig withThresholds(double tau, double rho, double delta, int speakers) {
        return new DiartConfig(tau, rho, delta, speakers, windowSeconds, stepSeconds, latencySeconds, gamma, beta,
                softActivities);
    }

    /** These settings with another latency. */
    public DiartConfig withLatency(double seconds) {
        return new DiartConfig(tauActive, rhoUpdate, deltaNew, maxSpeakers, windowSeconds, stepSeconds, seconds,
                gamma, beta, softActivities);
    }

    int windowSamples() {
        return samples(windowSeconds);
    }

    int stepSamples() {
        return samples(stepSeconds);
    }

    int latencySamples() {
        return samples(latencySeconds);
    }

    int aggregatedWindows() {
        return (int) Math.round(latencySeconds / stepSeconds);
    }

    private static int samples(double seconds) {
        return (int) Math.round(seconds * KaldiFbank.SAMPLE_RATE);
    }
}
