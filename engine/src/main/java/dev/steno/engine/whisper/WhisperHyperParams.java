package dev.steno.engine.whisper;

/**
 * The hyper-parameters at the start of a ggml Whisper file, in file order.
 *
 * @param nVocab      vocabulary size including special and timestamp tokens (51864 English-only, 51865
 *                    multilingual, 51866 large-v3)
 * @param nAudioCtx   encoder positions (1500 for a 30 s window)
 * @param nAudioState encoder width
 * @param nAudioHead  encoder attention heads
 * @param nAudioLayer encoder blocks
 * @param nTextCtx    decoder positions (448)
 * @param nTextState  decoder width
 * @param nTextHead   decoder attention heads
 * @param nTextLayer  decoder blocks
 * @param nMels       mel bands of the input (80; 128 for large-v3 and turbo)
 * @param ftype       weight type as stored: ggml {@code ftype} plus 1000 times the quantisation version
 */
public record WhisperHyperParams(int nVocab, int nAudioCtx, int nAudioState, int nAudioHead, int nAudioLayer,
                                 int nTextCtx, int nTextState, int nTextHead, int nTextLayer, int nMels,
                                 int ftype) {
    /** English-only vocabulary size. */
    public static final int VOCAB_ENGLISH = 51864;
    /** Multilingual vocabulary size (99 languages). */
    public static final int VOCAB_MULTILINGUAL = 51865;
    /** large-v3 vocabulary size (100 languages). */
    public static final int VOCAB_LARGE_V3 = 51866;

    // whisper.cpp stores ftype + GGML_QNT_VERSION * GGML_QNT_VERSION_FACTOR in quantised files.
    private static final int QNT_VERSION_FACTOR = 1000;

    /** Whether the model has language tokens (whisper.cpp's rule: {@code n_vocab >= 51865}). */
    public boolean multilingual() {
        return nVocab >= VOCAB_MULTILINGUAL;
    }

    /** Whether this is the large-v3 vocabulary (one more language, so later special ids shift by one). */
    public boolean isLargeV3Vocab() {
        return nVocab == VOCAB_LARGE_V3;
    }

    /** The ggml file type without the quantisation version (0 f32, 1 f16, 7 q8_0, ...). */
    public int baseFtype() {
        return ftype % QNT_VERSION_FACTOR;
    }

    /** The quantisation version stored with {@code ftype} (0 for f32/f16 files). */
    public int quantizationVersion() {
        return ftype / QNT_VERSION_FACTOR;
    }

    /** The type of the weight matrices, or {@code null} for an ftype whisper.cpp does not load. */
    public GgmlType weightType() {
        return GgmlType.forFtype(baseFtype());
    }

    /**
     * A guess at the OpenAI size name from the encoder's depth and width: {@code tiny}, {@code base}, {@code small},
     * {@code medium}, {@code large}, {@code large-turbo} (large encoder, 4 decoder layers) or {@code custom}.
     */
    public String sizeName() {
        String name = switch (nAudioLayer) {
            case 4 -> nAudioState == 384 ? "tiny" : null;
            case 6 -> nAudioState == 512 ? "base" : null;
            case 12 -> nAudioState == 768 ? "small" : null;
            case 24 -> nAudioState == 1024 ? "medium" : null;
            case 32 -> nAudioState == 1280 ? (nTextLayer == 4 ? "large-turbo" : "large") : null;
            default -> null;
        };
        return name == null ? "custom" : name;
    }

    /**
     * The first reason whisper.cpp could not safely run this model, or {@code null} when the values are sane.
     * Limits are generous for shapes, strict where native code hard-codes something (special-token ids, equal
     * encoder and decoder widths for cross-attention).
     */
    String problem() {
        if (nVocab < VOCAB_ENGLISH || nVocab > VOCAB_LARGE_V3) {
            return "n_vocab " + nVocab + " is not a Whisper vocabulary (51864 English-only, 51865 multilingual, "
                    + "51866 large-v3); whisper.cpp hard-codes special-token ids for those sizes";
        }
        String p = range("n_audio_ctx", nAudioCtx, 1, 1 << 16);
        p = p != null ? p : range("n_audio_state", nAudioState, 1, 1 << 14);
        p = p != null ? p : range("n_audio_head", nAudioHead, 1, 1024);
        p = p != null ? p : range("n_audio_layer", nAudioLayer, 1, 1024);
        p = p != null ? p : range("n_text_ctx", nTextCtx, 1, 1 << 16);
        p = p != null ? p : range("n_text_state", nTextState, 1, 1 << 14);
        p = p != null ? p : range("n_text_head", nTextHead, 1, 1024);
        p = p != null ? p : range("n_text_layer", nTextLayer, 1, 1024);
        p = p != null ? p : range("n_mels", nMels, 1, 256);
        if (p != null) {
            return p;
        }
        if (nAudioState % nAudioHead != 0) {
            return "n_audio_head " + nAudioHead + " does not divide n_audio_state " + nAudioState;
        }
        if (nTextState % nTextHead != 0) {
            return "n_text_head " + nTextHead + " does not divide n_text_state " + nTextState;
        }
        if (nAudioState != nTextState) {
            return "n_audio_state " + nAudioState + " differs from n_text_state " + nTextState
                    + " (cross-attention needs them equal)";
        }
        if (ftype < 0 || weightType() == null) {
            return "ftype " + ftype + " is not a weight type whisper.cpp loads (0 f32, 1 f16, 2 q4_0, 3 q4_1, "
                    + "7 q8_0, 8 q5_0, 9 q5_1, 10-14 k-quants; plus 1000 x quantisation version)";
        }
        return null;
    }

    private static String range(String name, int value, int min, int max) {
        return value < min || value > max
                ? name + " " + value + " is out of range (" + min + ".." + max + ")" : null;
    }
}
