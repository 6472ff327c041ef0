package dev.steno.engine.whisper;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A Whisper vocabulary: the byte strings stored in the file for the ordinary tokens, and the special-token ids
 * whisper.cpp derives from the vocabulary size for the tokens the file does not list.
 */
public final class WhisperVocabulary {
    private final byte[][] tokens;
    private final int nVocab;
    private final SpecialTokens special;

    /**
     * @param tokens the token byte strings from the file (ids 0..tokens.size()-1); copied
     * @param nVocab the model's full vocabulary size ({@link WhisperHyperParams#nVocab()})
     */
    public WhisperVocabulary(List<byte[]> tokens, int nVocab) {
        if (tokens.size() > nVocab) {
            throw new IllegalArgumentException(tokens.size() + " tokens in a vocabulary of " + nVocab);
        }
        this.tokens = new byte[tokens.size()][];
        for (int i = 0; i < this.tokens.length; i++) {
            this.tokens[i] = tokens.get(i).clone();
        }
        this.nVocab = nVocab;
        this.special = SpecialTokens.forVocabSize(nVocab);
    }

    /** The full vocabulary size, special and timestamp tokens included. */
    public int size() {
        return nVocab;
    }

    /** How many tokens the file lists (50257 in official files: the byte-level BPE tokens). */
    public int fileTokenCount() {
        return tokens.length;
    }

    /** The special-token ids for this vocabulary size. */
    public SpecialTokens special() {
        return special;
    }

    /**
     * The bytes of token {@code id}. Tokens past the file's list get whisper.cpp's placeholder text
     * ({@code [_EOT_]}, {@code [_SOT_]}, {@code [_TT_n]} for timestamps, ...), so that a decoder that forgot to
     * filter them prints the same thing whisper.cpp would.
     *
     * @throws IndexOutOfBoundsException if {@code id} is outside {@code 0..size()-1}
     */
    public byte[] tokenBytes(int id) {
        if (id < 0 || id >= nVocab) {
            throw new IndexOutOfBoundsException("token " + id + " outside vocabulary of " + nVocab);
        }
        if (id < tokens.length) {
            return tokens[id].clone();
        }
        return placeholder(id).getBytes(StandardCharsets.UTF_8);
    }

    private String placeholder(int id) {
        SpecialTokens s = special;
        if (id > s.timestampBegin()) {
            return "[_TT_" + (id - s.timestampBegin()) + "]";
        } else if (id == s.eot()) {
            return "[_EOT_]";
        } else if (id == s.sot()) {
            return "[_SOT_]";
        } else if (id == s.translate()) {
            return "[_TRANSLATE_]";
        } else if (id == s.transcribe()) {
            return "[_TRANSCRIBE_]";
        } else if (id == s.solm()) {
            return "[_SOLM_]";
        } else if (id == s.prev()) {
            return "[_PREV_]";
        } else if (id == s.noSpeech()) {
            return "[_NOSP_]";
        } else if (id == s.noTimestamps()) {
            return "[_NOT_]";
        } else if (id == s.timestampBegin()) {
            return "[_BEG_]";
        }
        return "[_extra_token_" + id + "]";
    }

    /**
     * Special-token ids as whisper.cpp assigns them.
     *
     * @param eot            end of transcript
     * @param sot            start of transcript
     * @param translate      task: translate to English
     * @param transcribe     task: transcribe
     * @param solm           start of language-model mode
     * @param prev           start of previous-text prompt
     * @param noSpeech       no-speech probability token
     * @param noTimestamps   disables timestamps
     * @param timestampBegin timestamp 0.00 s; timestamps follow in 20 ms steps
     * @param languageCount  language tokens, ids {@code sot+1 .. sot+languageCount} (0 for English-only)
     */
    public record SpecialTokens(int eot, int sot, int translate, int transcribe, int solm, int prev, int noSpeech,
                                int noTimestamps, int timestampBegin, int languageCount) {
        /**
         * The ids for a vocabulary of {@code nVocab} tokens: English-only (51864) keeps the GPT-2 ids (eot 50256);
         * multilingual vocabularies insert one token before eot and one language token per language between sot
         * and translate, so large-v3's hundredth language shifts translate and later ids by one more.
         *
         * @throws IllegalArgumentException if {@code nVocab} is smaller than the English-only vocabulary
         */
        public static SpecialTokens forVocabSize(int nVocab) {
            if (nVocab < WhisperHyperParams.VOCAB_ENGLISH) {
                throw new IllegalArgumentException("n_vocab " + nVocab + " is too small for Whisper's special tokens");
            }
            boolean multilingual = nVocab >= WhisperHyperParams.VOCAB_MULTILINGUAL;
            if (!multilingual) {
                return new SpecialTokens(50256, 50257, 50357, 50358, 50359, 50360, 50361, 50362, 50363, 0);
            }
            // Same arithmetic as whisper.cpp: num_languages = n_vocab - 51765 - 1, ids past sot shift by (langs - 98).
            int languages = nVocab - 51765 - 1;
            int dt = languages - 98;
            return new SpecialTokens(50257, 50258, 50357 + dt, 50358 + dt, 50359 + dt, 50360 + dt, 50361 + dt,
                    50362 + dt, 50363 + dt, languages);
        }

        /** Whether the vocabulary has language tokens. */
        public boolean multilingual() {
            return languageCount > 0;
        }

        /** The id of the first language token ({@code <|en|>}); only meaningful when {@link #multilingual()}. */
        public int firstLanguage() {
            return sot + 1;
        }

        /** The token for timestamp {@code index} (index 0 is 0.00 s, each step 20 ms). */
        public int timestamp(int index) {
            return timestampBegin + index;
        }
    }
}
