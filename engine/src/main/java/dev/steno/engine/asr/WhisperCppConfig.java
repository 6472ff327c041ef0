package dev.steno.engine.asr;

/**
 * Settings of the whisper.cpp backend.
 *
 * @param threads             CPU threads per call (whisper.cpp's n_threads); 0 picks one per core, at most 4
 * @param parallelCalls       how many calls may run at once, each with its own decoding state (memory grows with it)
 * @param beamSize            1 for greedy decoding, more for beam search
 * @param temperatureFallback whether whisper.cpp retries at higher temperatures when a decode looks degenerate;
 *                            better text on hard audio, slower and less predictable per call
 * @param shrinkEncoderWindow encode only as many frames as the audio has (whisper.cpp's audio_ctx) instead of a
 *                            full 30 s window; much faster on short buffers, slightly less accurate
 */
public record WhisperCppConfig(int threads, int parallelCalls, int beamSize, boolean temperatureFallback,
                               boolean shrinkEncoderWindow) {
    public WhisperCppConfig {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, was " + threads);
        }
        if (parallelCalls < 1) {
            throw new IllegalArgumentException("parallelCalls must be >= 1, was " + parallelCalls);
        }
        if (beamSize < 1 || beamSize > 16) {
            throw new IllegalArgumentException("beam size must be 1..16, was " + beamSize);
        }
    }

    /** Greedy decoding, full window, temperature fallback on, one call at a time. */
    public static WhisperCppConfig defaults() {
        return new WhisperCppConfig(0, 1, 1, true, false);
    }

    /** Threads actually used per call. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    public WhisperCppConfig withBeamSize(int beams) {
        return new WhisperCppConfig(threads, parallelCalls, beams, temperatureFallback, shrinkEncoderWindow);
    }

    public WhisperCppConfig withShrinkEncoderWindow(boolean shrink) {
        return new WhisperCppConfig(threads, parallelCalls, beamSize, temperatureFallback, shrink);
    }

    public WhisperCppConfig withTemperatureFallback(boolean fallback) {
        return new WhisperCppConfig(threads, parallelCalls, beamSize, fallback, shrinkEncoderWindow);
    }

    public WhisperCppConfig withThreads(int n) {
        return new WhisperCppConfig(n, parallelCalls, beamSize, temperatureFallback, shrinkEncoderWindow);
    }
}
