package dev.steno.engine.transcript;

import java.util.List;

/** Helpers over word lists. */
public final class Words {
    private Words() {
    }

    /** The words' text joined as decoded (words carry their own leading spaces), stripped at both ends. */
    public static String text(List<Word> words) {
        StringBuilder sb = new StringBuilder();
        for (Word w : words) {
            sb.append(w.text());
        }
        return sb.toString().strip();
    }

    /** The words' text joined as decoded, not stripped (keeps the leading space of the first word). */
    public static String rawText(List<Word> words) {
        StringBuilder sb = new StringBuilder();
        for (Word w : words) {
            sb.append(w.text());
        }
        return sb.toString();
    }
}
