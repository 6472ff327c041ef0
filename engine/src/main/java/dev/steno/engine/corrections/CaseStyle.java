package dev.steno.engine.corrections;

import java.util.Locale;

/**
 * The capitalisation of the words a correction replaces, carried over to the replacement: "KUBERNETES" stays
 * shouted, a sentence-initial "Cubernetes" stays capitalised, anything else takes the replacement as written.
 */
enum CaseStyle {
    /** Every letter upper case, at least two letters ("K8S", "NEW YORK"). */
    UPPER,
    /** The first letter upper case, not all of them ("Cubernetes", "New york"). */
    CAPITALISED,
    /** Anything else: the replacement is used as written. */
    AS_WRITTEN;

    /** The style of a matched text. */
    static CaseStyle of(String matched) {
        int letters = 0;
        boolean allUpper = true;
        boolean firstUpper = false;
        for (int i = 0; i < matched.length(); ) {
            int c = matched.codePointAt(i);
            i += Character.charCount(c);
            if (!Character.isLetter(c)) {
                continue;
            }
            if (letters == 0) {
                firstUpper = Character.isUpperCase(c);
            }
            letters++;
            allUpper &= Character.isUpperCase(c);
        }
        if (allUpper && letters >= 2) {
            return UPPER;
        }
        return firstUpper ? CAPITALISED : AS_WRITTEN;
    }

    /** The replacement word in this style; {@code first} tells whether it is the replacement's first word. */
    String apply(String word, boolean first) {
        return switch (this) {
            case UPPER -> word.toUpperCase(Locale.ROOT);
            case CAPITALISED -> first ? capitalise(word) : word;
            case AS_WRITTEN -> word;
        };
    }

    private static String capitalise(String word) {
        if (word.isEmpty()) {
            return word;
        }
        int c = word.codePointAt(0);
        return new StringBuilder(word.length()).appendCodePoint(Character.toTitleCase(c))
                .append(word, Character.charCount(c), word.length()).toString();
    }
}
