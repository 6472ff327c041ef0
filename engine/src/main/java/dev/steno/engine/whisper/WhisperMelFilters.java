package dev.steno.engine.whisper;

/**
 * The mel filterbank stored in a ggml Whisper file: {@code nMel} triangular filters over {@code nFft} FFT bins.
 *
 * @param nMel number of filters (the model's mel bands)
 * @param nFft number of FFT bins each filter spans (201 for Whisper's 400-point FFT)
 * @param data row-major weights, {@code data[mel * nFft + bin]}
 */
public record WhisperMelFilters(int nMel, int nFft, float[] data) {
    /** Checks that {@code data} holds exactly {@code nMel * nFft} weights and copies it. */
    public WhisperMelFilters {
        if (nMel <= 0 || nFft <= 0 || data.length != (long) nMel * nFft) {
            throw new IllegalArgumentException("mel filters " + nMel + " x " + nFft + " with " + data.length
                    + " weights");
        }
        data = data.clone();
    }

    /** The weights, row-major (a copy). */
    @Override
    public float[] data() {
        return data.clone();
    }

    /** Weight of FFT bin {@code bin} in filter {@code mel}. */
    public float get(int mel, int bin) {
        return data[mel * nFft + bin];
    }
}
