package dev.steno.engine.whisper;

import dev.steno.engine.asr.WhisperLanguages;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whisper's byte-level BPE tokenizer over a ggml file's {@link WhisperVocabulary}: decoding of model output, encoding
 * of prompts, and the special-token ids the decoder needs. Immutable and thread-safe.
 *
 * <h2>What the ggml vocabulary holds (verified on the tiny, tiny.en and large files)</h2>
 * <ul>
 *   <li>The file lists 50257 tokens in BPE rank order, so the rank of a token is its id.</li>
 *   <li>The first 256 entries are the single bytes in GPT-2's {@code bytes_to_unicode} order: {@code '!'..'~'},
 *       {@code 0xA1..0xAC}, {@code 0xAE..0xFF}, then {@code 0x00..0x20}, {@code 0x7F..0xA0}, {@code 0xAD}.</li>
 *   <li>whisper.cpp's converter stored every token as UTF-8 text with invalid sequences replaced, so each token whose
 *       bytes are not valid UTF-8 on its own (the 128 bytes {@code >= 0x80} and about 1,200 merged tokens holding part
 *       of a character) reads as U+FFFD in the file; no token in these files is invalid UTF-8 on its own.</li>
 * </ul>
 * The tokenizer therefore restores the 256 byte tokens from GPT-2's byte order (so byte-fallback output such as
 * three byte tokens for one CJK character decodes correctly), keeps the file's bytes for every other token (merged
 * partial-character tokens stay U+FFFD, as in whisper.cpp), and leaves tokens containing U+FFFD out of encoding.
 *
 * <h2>Encoding</h2>
 * Text is split with GPT-2's pre-tokenisation regex ({@link #PRETOKENIZE}; {@code \s} is Unicode whitespace as in
 * Python), and each piece is merged by rank like tiktoken: repeatedly join the adjacent pair whose concatenation is
 * the token with the lowest id. Because the file lost the partial-character tokens BPE passes through, a multi-byte
 * character starts as one symbol when its whole UTF-8 form is a token (else as its bytes); for ASCII text this is
 * exactly tiktoken's result, for other text it is a close approximation, and {@code decode(encode(s)) == s} always
 * holds for well-formed text.
 */
public final class WhisperTokenizer {
    /** GPT-2's pre-tokenisation pattern (compiled with Unicode character classes, as Python's {@code regex} does). */
    public static final String PRETOKENIZE =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private static final Pattern PIECES = Pattern.compile(PRETOKENIZE, Pattern.UNICODE_CHARACTER_CLASS);
    private static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};

    /** The single-character symbols OpenAI's {@code non_speech_tokens} considers. */
    private static final String SINGLE_SYMBOLS = "\"#()*+/:;<=>@[\\]^_`{|}~「」『』";
    /** The multi-character symbols OpenAI's {@code non_speech_tokens} considers. */
    private static final String MULTI_SYMBOLS = "<< >> <<< >>> -- --- -( -[ (' (\" (( )) ((( ))) [[ ]] {{ }} ♪♪ ♪♪♪";
    /** The musical symbols OpenAI's {@code non_speech_tokens} considers. */
    private static final String MUSIC_SYMBOLS = "♩♪♫♬♭♮♯";

    private final WhisperVocabulary vocab;
    private final WhisperVocabulary.SpecialTokens special;
    private final byte[][] bytes;
    /**
     * Token bytes to the lowest id with those bytes: an open-addressing table of id + 1 (0 is empty), compared
     * against {@link #bytes}. Half a megabyte, where a map of strings to boxed ids took about 6 MB of small objects
     * and a good part of a cold load to build.
     */
    private final int[] ranks;
    private final int[] nonSpeech;

    private WhisperTokenizer(WhisperVocabulary vocab) {
        this.vocab = vocab;
        this.special = vocab.special();
        int n = vocab.size();
        this.bytes = new byte[n][];
        int[] byteOrder = gpt2ByteOrder();
        for (int id = 0; id < n; id++) {
            byte[] b = vocab.tokenBytes(id);
            if (id < 256 && id < vocab.fileTokenCount() && isRestorable(b, byteOrder[id])) {
                b = new byte[]{(byte) byteOrder[id]};
            }
            bytes[id] = b;
        }
        int ordinary = Math.min(vocab.fileTokenCount(), special.eot());
        this.ranks = new int[Integer.highestOneBit(Math.max(1, ordinary)) << 2]; // at most a quarter full
        for (int id = 0; id < ordinary; id++) {
            byte[] b = bytes[id];
            if (b.length == 0 || (id >= 256 && contains(b, REPLACEMENT))) {
                continue;
            }
            int slot = slot(b, 0, b.length);
            if (ranks[slot] == 0) {
                ranks[slot] = id + 1;
            }
        }
        this.nonSpeech = computeNonSpeech();
    }

    /** A tokenizer over {@code vocab}. */
    public static WhisperTokenizer of(WhisperVocabulary vocab) {
        return new WhisperTokenizer(vocab);
    }

    /** The vocabulary this tokenizer reads. */
    public WhisperVocabulary vocabulary() {
        return vocab;
    }

    // ---------------------------------------------------------------- special tokens

    /** The full vocabulary size, special and timestamp tokens included. */
    public int vocabSize() {
        return vocab.size();
    }

    /** {@code <|startoftranscript|>}. */
    public int sot() {
        return special.sot();
    }

    /** {@code <|endoftext|>}; every id from here on is special. */
    public int eot() {
        return special.eot();
    }

    /** {@code <|transcribe|>}. */
    public int transcribe() {
        return special.transcribe();
    }

    /** {@code <|translate|>}. */
    public int translate() {
        return special.translate();
    }

    /** {@code <|notimestamps|>}. */
    public int noTimestamps() {
        return special.noTimestamps();
    }

    /** {@code <|nospeech|>} (called {@code <|nocaptions|>} in OpenAI's v1/v2 tokenizer). */
    public int noSpeech() {
        return special.noSpeech();
    }

    /** {@code <|startofprev|>}, which precedes the previous-text prompt. */
    public int startOfPrev() {
        return special.prev();
    }

    /** {@code <|startoflm|>}. */
    public int startOfLm() {
        return special.solm();
    }

    /** The timestamp token for 0.00 s; each following id is 20 ms later. */
    public int timestampBegin() {
        return special.timestampBegin();
    }

    /** Whether the vocabulary has language tokens (false for English-only models). */
    public boolean multilingual() {
        return special.multilingual();
    }

    /** Whether {@code token} is a timestamp token. */
    public boolean isTimestamp(int token) {
        return token >= special.timestampBegin() && token < vocab.size();
    }

    /** Whether {@code token} is special ({@code >= eot}): never text. */
    public boolean isSpecial(int token) {
        return token >= special.eot();
    }

    /** The seconds a timestamp token stands for. */
    public double timestampSeconds(int token) {
        if (!isTimestamp(token)) {
            throw new IllegalArgumentException("token " + token + " is not a timestamp");
        }
        return (token - special.timestampBegin()) * 0.02;
    }

    /**
     * The language token for {@code code} ({@code sot + 1 + index} in {@link WhisperLanguages#CODES} order).
     *
     * @throws IllegalArgumentException if the vocabulary is English-only or has no token for {@code code}
     */
    public int languageToken(String code) {
        if (!special.multilingual()) {
            throw new IllegalArgumentException("English-only vocabulary has no language tokens (asked for '"
                    + code + "')");
        }
        int index = code == null ? -1 : WhisperLanguages.CODES.indexOf(code.toLowerCase(Locale.ROOT));
        if (index < 0 || index >= special.languageCount()) {
            throw new IllegalArgumentException("no language token for '" + code + "' in this vocabulary ("
                    + special.languageCount() + " languages)");
        }
        return special.firstLanguage() + index;
    }

    /** The language code of a language token, or null if {@code token} is not one. */
    public String languageOf(int token) {
        if (!isLanguage(token)) {
            return null;
        }
        return WhisperLanguages.CODES.get(token - special.firstLanguage());
    }

    /** Whether {@code token} is a language token. */
    public boolean isLanguage(int token) {
        int index = token - special.firstLanguage();
        return special.multilingual() && index >= 0 && index < special.languageCount()
                && index < WhisperLanguages.CODES.size();
    }

    /** All language tokens in id order (empty for English-only vocabularies). */
    public int[] languageTokens() {
        int count = special.multilingual() ? Math.min(special.languageCount(), WhisperLanguages.CODES.size()) : 0;
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = special.firstLanguage() + i;
        }
        return out;
    }

    /**
     * The tokens to suppress when non-speech output is unwanted, sorted and distinct. Rule (OpenAI's
     * {@code Tokenizer.non_speech_tokens}): for each symbol of {@code " # ( ) * + / : ; < = > @ [ \ ] ^ _ ` { | } ~
     * 「 」 『 』}, {@code << >> <<< >>> -- --- -( -[ (' (" (( )) ((( ))) [[ ]] {{ }} ♪♪ ♪♪♪} and {@code ♩♪♫♬♭♮♯},
     * encode the symbol alone and with a leading space and add the result when it is a single token; also add the
     * first token of {@code " -"} and of {@code " '"}. Unlike OpenAI, a musical symbol that encodes to several tokens
     * does not add its first token: here that would be a raw lead byte shared by thousands of characters, as the
     * ggml file lacks the partial-character token OpenAI would suppress (whisper.cpp likewise only suppresses whole
     * tokens). On the tiny, tiny.en and large vocabularies the result is Hugging Face's published
     * {@code suppress_tokens} without its special ids and without those partial tokens (873 and 3268 multilingual,
     * 17992 and 20724 English-only). Special tokens are not included: the decoder suppresses those separately.
     */
    public int[] nonSpeechTokens() {
        return nonSpeech.clone();
    }

    private int[] computeNonSpeech() {
        List<String> symbols = new ArrayList<>();
        SINGLE_SYMBOLS.codePoints().forEach(cp -> symbols.add(Character.toString(cp)));
        symbols.addAll(Arrays.asList(MULTI_SYMBOLS.split(" ")));
        MUSIC_SYMBOLS.codePoints().forEach(cp -> symbols.add(Character.toString(cp)));
        TreeSet<Integer> result = new TreeSet<>();
        for (String extra : new String[]{" -", " '"}) {
            int[] t = encode(extra);
            if (t.length > 0) {
                result.add(t[0]);
            }
        }
        for (String symbol : symbols) {
            for (String s : new String[]{symbol, " " + symbol}) {
                int[] t = encode(s);
                if (t.length == 1) {
                    result.add(t[0]);
                }
            }
        }
        return result.stream().mapToInt(Integer::intValue).toArray();
    }

    // ---------------------------------------------------------------- decoding

    /**
     * The bytes of {@code token}: the file's bytes, with the 256 byte tokens restored (see the class comment);
     * special tokens past the file's list give whisper.cpp's placeholders such as {@code [_EOT_]}.
     *
     * @throws IndexOutOfBoundsException if {@code token} is outside the vocabulary
     */
    public byte[] tokenBytes(int token) {
        check(token);
        return bytes[token].clone();
    }

    /** The text of {@code tokens}, special tokens skipped; bytes are joined before UTF-8 decoding. */
    public String decode(int[] tokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int t : tokens) {
            check(t);
            if (!isSpecial(t)) {
                out.writeBytes(bytes[t]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** As {@link #decode(int[])}. */
    public String decode(List<Integer> tokens) {
        return decode(tokens.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The text of {@code tokens} with special tokens rendered as {@code <|endoftext|>}, {@code <|en|>}, {@code <|1.08|>}. */
    public String decodeWithSpecials(int[] tokens) {
        StringBuilder sb = new StringBuilder();
        ByteArrayOutputStream run = new ByteArrayOutputStream();
        for (int t : tokens) {
            check(t);
            if (isSpecial(t)) {
                sb.append(run.toString(StandardCharsets.UTF_8));
                run.reset();
                sb.append(specialText(t));
            } else {
                run.writeBytes(bytes[t]);
            }
        }
        return sb.append(run.toString(StandardCharsets.UTF_8)).toString();
    }

    /** As {@link #decodeWithSpecials(int[])}. */
    public String decodeWithSpecials(List<Integer> tokens) {
        return decodeWithSpecials(tokens.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * How a special token is written: {@code <|endoftext|>}, {@code <|startoftranscript|>}, {@code <|de|>},
     * {@code <|transcribe|>}, {@code <|translate|>}, {@code <|startofprev|>}, {@code <|startoflm|>},
     * {@code <|nospeech|>}, {@code <|notimestamps|>}, {@code <|0.00|>}..; any other id past eot is
     * {@code <|extra_ID|>}.
     *
     * @throws IllegalArgumentException if {@code token} is not special
     */
    public String specialText(int token) {
        check(token);
        if (!isSpecial(token)) {
            throw new IllegalArgumentException("token " + token + " is not special");
        }
        WhisperVocabulary.SpecialTokens s = special;
        if (isTimestamp(token)) {
            return String.format(Locale.ROOT, "<|%.2f|>", timestampSeconds(token));
        } else if (token == s.eot()) {
            return "<|endoftext|>";
        } else if (token == s.sot()) {
            return "<|startoftranscript|>";
        } else if (isLanguage(token)) {
            return "<|" + languageOf(token) + "|>";
        } else if (token == s.transcribe()) {
            return "<|transcribe|>";
        } else if (token == s.translate()) {
            return "<|translate|>";
        } else if (token == s.prev()) {
            return "<|startofprev|>";
        } else if (token == s.solm()) {
            return "<|startoflm|>";
        } else if (token == s.noSpeech()) {
            return "<|nospeech|>";
        } else if (token == s.noTimestamps()) {
            return "<|notimestamps|>";
        }
        return "<|extra_" + token + "|>";
    }

    /** A new accumulator for streaming decoding (one per stream; not thread-safe itself). */
    public Utf8Accumulator accumulator() {
        return new Utf8Accumulator(this);
    }

    private void check(int token) {
        if (token < 0 || token >= bytes.length) {
            throw new IndexOutOfBoundsException("token " + token + " outside vocabulary of " + bytes.length);
        }
    }

    /**
     * Streaming decoder: feed token ids one at a time and get back only complete characters; an incomplete UTF-8
     * tail (a token ending inside a multi-byte character) is held back until the tokens completing it arrive.
     * Special tokens are skipped. Not thread-safe: use one per stream.
     */
    public static final class Utf8Accumulator {
        private final WhisperTokenizer tokenizer;
        private byte[] pending = new byte[0];

        private Utf8Accumulator(WhisperTokenizer tokenizer) {
            this.tokenizer = tokenizer;
        }

        /** Adds {@code token}; returns the text now complete (possibly empty). */
        public String add(int token) {
            tokenizer.check(token);
            if (tokenizer.isSpecial(token)) {
                return "";
            }
            byte[] b = tokenizer.bytes[token];
            byte[] all = Arrays.copyOf(pending, pending.length + b.length);
            System.arraycopy(b, 0, all, pending.length, b.length);
            int cut = completeLength(all);
            pending = Arrays.copyOfRange(all, cut, all.length);
            return new String(all, 0, cut, StandardCharsets.UTF_8);
        }

        /** Adds each of {@code tokens}; returns the text now complete. */
        public String addAll(int... tokens) {
            StringBuilder sb = new StringBuilder();
            for (int t : tokens) {
                sb.append(add(t));
            }
            return sb.toString();
        }

        /** Whether bytes of an incomplete character are held back. */
        public boolean hasPending() {
            return pending.length > 0;
        }

        /** The held-back bytes. */
        public byte[] pendingBytes() {
            return pending.clone();
        }

        /** Returns the held-back tail decoded as is (U+FFFD for an incomplete character) and clears it. */
        public String flush() {
            String s = new String(pending, StandardCharsets.UTF_8);
            pending = new byte[0];
            return s;
        }

        /** Drops the held-back tail. */
        public void reset() {
            pending = new byte[0];
        }

        /**
         * The length of the longest prefix that does not end inside an incomplete character: a trailing lead byte
         * with fewer continuation bytes after it than it announces is held back; malformed bytes are not.
         */
        static int completeLength(byte[] b) {
            int n = b.length;
            for (int i = n - 1; i >= Math.max(0, n - 4); i--) {
                int v = b[i] & 0xFF;
                if ((v & 0xC0) == 0x80) {
                    continue; // continuation byte: keep looking for its lead
                }
                int need = v >= 0xF0 && v <= 0xF4 ? 4 : v >= 0xE0 ? (v <= 0xEF ? 3 : 0) : v >= 0xC2 ? 2 : 1;
                if (need > 1 && n - i < need) {
                    return i;
                }
                return n;
            }
            return n;
        }
    }

    // ---------------------------------------------------------------- encoding

    /** The tokens of {@code text} (ordinary tokens only; text that looks like {@code <|endoftext|>} is plain text). */
    public int[] encode(String text) {
        List<Integer> out = new ArrayList<>();
        Matcher m = PIECES.matcher(text);
        while (m.find()) {
            encodePiece(m.group(), out);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private void encodePiece(String piece, List<Integer> out) {
        byte[] b = piece.getBytes(StandardCharsets.UTF_8);
        int whole = rank(b, 0, b.length);
        if (whole >= 0) {
            out.add(whole);
            return;
        }
        // Symbol boundaries: each character whose UTF-8 form is a token starts whole, else as its bytes.
        List<Integer> bounds = new ArrayList<>();
        int pos = 0;
        for (int i = 0; i < piece.length(); ) {
            int cp = piece.codePointAt(i);
            int len = utf8Length(cp);
            if (len > 1 && rank(b, pos, pos + len) >= 0) {
                bounds.add(pos);
            } else {
                for (int k = 0; k < len; k++) {
                    bounds.add(pos + k);
                }
            }
            pos += len;
            i += Character.charCount(cp);
        }
        bounds.add(b.length);
        // Merge the adjacent pair with the lowest rank until none is a token.
        while (bounds.size() > 2) {
            int best = -1;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 2 < bounds.size(); i++) {
                int r = rank(b, bounds.get(i), bounds.get(i + 2));
                if (r >= 0 && r < bestRank) {
                    bestRank = r;
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            bounds.remove(best + 1);
        }
        for (int i = 0; i + 1 < bounds.size(); i++) {
            int r = rank(b, bounds.get(i), bounds.get(i + 1));
            if (r < 0) {
                throw new IllegalStateException("no token for bytes of '" + piece + "': vocabulary lacks a byte token");
            }
            out.add(r);
        }
    }

    private static int utf8Length(int cp) {
        if (cp < 0x80) {
            return 1;
        } else if (cp < 0x800) {
            return 2;
        } else if (cp < 0x10000) {
            return 3;
        }
        return 4;
    }

    /** The lowest token id whose bytes are {@code b[from, to)}, or -1. */
    private int rank(byte[] b, int from, int to) {
        int s = ranks[slot(b, from, to)];
        return s - 1;
    }

    /** The slot of {@code b[from, to)} in {@link #ranks}: the one holding those bytes, else the empty one it takes. */
    private int slot(byte[] b, int from, int to) {
        int h = 0x811C9DC5;
        for (int i = from; i < to; i++) {
            h = (h ^ (b[i] & 0xFF)) * 0x01000193;
        }
        int mask = ranks.length - 1;
        for (int i = (h ^ (h >>> 15)) & mask; ; i = (i + 1) & mask) {
            int s = ranks[i];
            if (s == 0 || Arrays.equals(bytes[s - 1], 0, bytes[s - 1].length, b, from, to)) {
                return i;
            }
        }
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** A file byte token may be replaced by GPT-2's byte when it is that byte already or the file's U+FFFD stand-in. */
    private static boolean isRestorable(byte[] fileBytes, int expected) {
        return (fileBytes.length == 1 && (fileBytes[0] & 0xFF) == expected)
                || (expected >= 0x80 && Arrays.equals(fileBytes, REPLACEMENT));
    }

    /** GPT-2's {@code bytes_to_unicode} order: the byte each of the first 256 token ids stands for. */
    static int[] gpt2ByteOrder() {
        int[] order = new int[256];
        boolean[] used = new boolean[256];
        int n = 0;
        for (int[] range : new int[][]{{'!', '~'}, {0xA1, 0xAC}, {0xAE, 0xFF}}) {
            for (int v = range[0]; v <= range[1]; v++) {
                order[n++] = v;
                used[v] = true;
            }
        }
        for (int v = 0; v < 256; v++) {
            if (!used[v]) {
                order[n++] = v;
            }
        }
        return order;
    }
}
