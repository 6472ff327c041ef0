package dev.steno.engine.diarization.sortformer;

/**
 * NeMo's post-processing of one speaker's frame probabilities into segments (VAD-style: hysteresis, padding, then
 * short-segment and short-gap filtering), in seconds.
 *
 * @param onset          a frame above this starts speech
 * @param offset         a frame below this ends speech
 * @param padOnset       seconds added before each segment
 * @param padOffset      seconds added after each segment
 * @param minDurationOn  segments shorter than this are dropped
 * @param minDurationOff gaps shorter than this are filled
 */
public record PostProcessing(double onset, double offset, double padOnset, double padOffset, double minDurationOn,
        double minDurationOff) {
    /**
     * The parameters tuned on DIHARD III dev for the streaming model (NeMo's
     * {@code diar_streaming_sortformer_4spk-v2_dihard3-dev.yaml}).
     */
    public static final PostProcessing DIHARD3 = new PostProcessing(0.56, 1.0, 0.063, 0.002, 0.007, 0.151);

    public PostProcessing {
        if (!(padOnset >= 0 && padOffset >= 0 && minDurationOn >= 0 && minDurationOff >= 0)) {
            throw new IllegalArgumentException("paddings and minimum durations must be >= 0");
        }
    }
}
