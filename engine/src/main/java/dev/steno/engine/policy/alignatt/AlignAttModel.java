package dev.steno.engine.policy.alignatt;

import dev.steno.engine.asr.Task;

/**
 * A Whisper model as AlignAtt needs it: an encoder, a decoder fed token by token (or a batch at once) that returns
 * the next token's logits and the cross-attention of the model's alignment heads, and the tokenizer's special tokens.
 *
 * <p>The model (weights, tokenizer) is shared by every stream and must be thread-safe; each stream decodes with its
 * own {@link Decoder}s from {@link #newDecoder()} (one per beam), which are not.
 */
public interface AlignAttModel {
    /** Most tokens the decoder holds ({@code n_text_ctx}, 448). */
    int contextSize();

    /** {@code <|endoftext|>}. */
    int eot();

    /** {@code <|startoftranscript|>}. */
    int sot();

    /** {@code <|startofprev|>}, which opens the prompt context. */
    int startOfPrev();

    /** {@code <|nospeech|>}, whose probability after {@link #sot()} says the window holds no speech. */
    int noSpeech();

    /** Whether the model knows many languages (then it has language tokens and can detect the language). */
    boolean multilingual();

    /**
     * The tokens that follow {@code <|startoftranscript|>}: language and task for a multilingual model, then
     * {@code <|notimestamps|>}.
     *
     * @param language ISO 639-1 code; ignored by an English-only model
     */
    int[] taskTokens(String language, Task task);

    /** The most likely language given the logits after {@code <|startoftranscript|>}, as an ISO 639-1 code. */
    String detectLanguage(float[] logitsAfterSot);

    /** Text tokens of {@code text} (BPE). */
    int[] encodeText(String text);

    /** The UTF-8 bytes a token stands for; empty for special tokens. A character may span several tokens. */
    byte[] tokenBytes(int token);

    /**
     * Applies the decoding rules in place: never task, language, start, timestamp or no-speech tokens; for the first
     * token of a window also no blank and no end-of-text.
     */
    void suppress(float[] logits, boolean firstToken);

    /** Number of alignment heads {@link Decoder#attention} reports. */
    int alignmentHeads();

    /**
     * Encodes audio.
     *
     * @param samples16k mono audio; the first {@code length} samples are used
     * @param fullWindow pad to Whisper's 30 s window instead of encoding only the frames the audio covers
     * @param reuse      this stream's previous result, whose buffers may be overwritten (no decoder needs it once
     *                   {@link Decoder#setAudio} returned), or null
     */
    EncodedAudio encode(float[] samples16k, int length, boolean fullWindow, EncodedAudio reuse);

    /**
     * Takes back an encoded window whose step is over, so that the next {@link #encode} of any stream may reuse its
     * buffers: a stream between two steps then holds none. The caller keeps no reference to it. This default keeps
     * nothing.
     */
    default void recycle(EncodedAudio encoded) {
    }

    /**
     * The calling thread's stream starts a processing step (encode, then decode): a model shared by streams on
     * several threads may line their work up so that their decoder steps run together (see
     * {@code ComputeGate}). Pair with {@link #endStep()} in a {@code finally}. This default does nothing.
     */
    default void beginStep() {
    }

    /** The calling thread's processing step is done; see {@link #beginStep()}. */
    default void endStep() {
    }

    /**
     * Appends {@code tokens[i]} to {@code decoders[i]} for i below {@code n} (the live beams of one stream, distinct
     * decoders of this model) and puts each one's next-token logits in {@code logits[i]}, as
     * {@code decoders[i].feed(new int[] {tokens[i]})} would. A model that batches decoder steps runs them in one pass
     * over its weights; this default feeds them one by one.
     */
    default void feedEach(Decoder[] decoders, int[] tokens, int n, float[][] logits) {
        int[] one = new int[1];
        for (int i = 0; i < n; i++) {
            one[0] = tokens[i];
            logits[i] = decoders[i].feed(one);
        }
    }

    /** A decoder with empty caches, for one stream. */
    Decoder newDecoder();

    /** An encoded window. */
    interface EncodedAudio {
        /** Encoder frames (20 ms each), padding included. */
        int frames();
    }

    /** One stream's decoding state. Not thread-safe. */
    interface Decoder {
        /** Switches to new audio and forgets all tokens. */
        void setAudio(EncodedAudio audio);

        /**
         * Appends tokens in one batched pass and returns the logits of the next token (an array the next call may
         * overwrite; the caller may modify it).
         */
        float[] feed(int[] tokens);

        /**
         * Copies the cross-attention softmax weights of alignment head {@code head} for token {@code row} of the last
         * {@link #feed}, for the first {@code frames} encoder frames of the current audio, into {@code into}.
         */
        void attention(int head, int row, float[] into, int frames);

        /** Tokens in the cache. */
        int position();

        /**
         * Makes this decoder a copy of {@code other} (a decoder of the same model): the same audio and the same
         * tokens, continuing independently. A beam forks this way. The attention of {@code other}'s last feed is
         * not copied.
         */
        void copyFrom(Decoder other);

        /**
         * Forgets the audio and the tokens. Forks may share one copy of the encoded audio; once the others have
         * released it, the decoder that keeps it switches to new audio without allocating.
         */
        void releaseAudio();
    }
}
