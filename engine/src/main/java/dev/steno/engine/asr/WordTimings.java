package dev.steno.engine.asr;

import dev.steno.engine.transcript.Word;
import java.util.ArrayList;
import java.util.List;

/**
 * Derives word timings inside a segment whose backend reports only the segment's start and end (whisper.cpp
 * through whisper-jni). Each word gets a share of the segment's time proportional to its number of characters.
 *
 * <p>Limit: this is an estimate. Pauses inside a segment are spread over its words, so a word's start can be off by
 * a few hundred milliseconds in slow or hesitant speech. Backends with attention access give real word times.
 */
public final class WordTimings {
    private WordTimings() {
    }

    /**
     * Splits {@code text} into words (a word starts at a space, which it keeps) and spreads {@code [start, end]}
     * over them by character count.
     */
    public static List<Word> proportional(String text, double start, double end) {
        List<String> pieces = splitWords(text);
        List<Word> words = new ArrayList<>(pieces.size());
        if (pieces.isEmpty()) {
            return words;
        }
        int totalChars = 0;
        for (String p : pieces) {
            totalChars += weight(p);
        }
        double span = Math.max(0, end - start);
        double t = start;
        int seen = 0;
        for (int i = 0; i < pieces.size(); i++) {
            String p = pieces.get(i);
            seen += weight(p);
            // the last word ends exactly at the segment end, free of rounding drift
            double wordEnd = i == pieces.size() - 1 ? Math.max(start, end) : start + span * seen / totalChars;
            words.add(new Word(p, t, wordEnd));
            t = wordEnd;
        }
        return words;
    }

    /** Words with their leading whitespace; whitespace-only text gives no words. */
    static List<String> splitWords(String text) {
        List<String> out = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            int begin = i;
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i > begin && !text.substring(begin, i).isBlank()) {
                // normalise any run of whitespace before the word to a single space
                String word = text.substring(begin, i);
                String bare = word.strip();
                out.add(begin == 0 && word.equals(bare) ? bare : " " + bare);
            }
        }
        return out;
    }

    private static int weight(String word) {
        return Math.max(1, word.strip().codePointCount(0, word.strip().length()));
    }
}
