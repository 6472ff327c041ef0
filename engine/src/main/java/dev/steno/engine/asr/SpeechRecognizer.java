package dev.steno.engine.asr;

import java.util.Optional;

/**
 * A Whisper-style speech recogniser: audio in, timed words out.
 *
 * <p><b>Threading.</b> One instance holds one loaded model and is shared by every session that uses the model.
 * Implementations must allow {@link #transcribe} to be called from several threads at once; each call works on its
 * own decoding state. Whether calls really run in parallel or queue inside the backend is the backend's business and
 * is documented on the implementation. {@link #close()} must only be called once no call is in flight.
 */
public interface SpeechRecognizer extends AutoCloseable {
    /** Every recogniser takes 16 kHz mono audio. */
    int SAMPLE_RATE = 16_000;

    /**
     * Recognises the request's audio.
     *
     * @throws RecognitionException when the backend fails; the recogniser stays usable for other calls
     */
    Recognition transcribe(RecognitionRequest request);

    /** A short name for logs and the command line, such as "whisper.cpp". */
    String backendName();

    /** True when the model knows languages other than English (language detection and translation work). */
    boolean multilingual();

    /**
     * What a policy that decodes by itself needs (SimulStreaming's AlignAtt reads the decoder's cross-attention):
     * the model's parts, sharing this recogniser's weights, when the backend exposes them; empty when it does not
     * (whisper.cpp). Policies are chosen by this capability, not by the recogniser's class.
     */
    default Optional<WhisperModelParts> crossAttention() {
        return Optional.empty();
    }

    /** Frees the model. */
    @Override
    void close();
}
