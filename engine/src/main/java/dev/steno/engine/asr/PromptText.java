package dev.steno.engine.asr;

/**
 * Bounds a recognition prompt before any tokenizer sees it. Whisper reads only the last 224 prompt tokens, but both
 * tokenizers first split the whole text into runs of one character class: whisper.cpp with {@code std::regex}, which
 * recurses once per byte of a run and overflows its thread's stack (the JVM dies with SIGSEGV) at a run of about two
 * thousand bytes, and the Java one with a byte-pair merge that takes time quadratic in a run's length (a minute for
 * 64 KiB). A prompt can come from a client ({@code prompt} of an upload), so it is cut to its last
 * {@value #MAX_CHARS} characters, runs of whitespace are cut to {@value #MAX_SPACE_RUN}, and a run of more than
 * {@value #MAX_RUN} other characters gets a space after every {@value #MAX_RUN} of them (so that unspaced scripts,
 * Chinese or Japanese, keep their text). Prose is left as it is.
 */
final class PromptText {
    /** Far more than 224 tokens of any script. */
    static final int MAX_CHARS = 2048;
    /** Longest run of non-whitespace code points: at most 256 UTF-8 bytes, far below the recursion limit. */
    static final int MAX_RUN = 64;
    /** Longest run of whitespace kept. */
    static final int MAX_SPACE_RUN = 16;

    private PromptText() {
    }

    /** The prompt as tokenizers may safely read it; the text itself when it is ordinary prose. */
    static String bounded(String prompt) {
        int start = Math.max(0, prompt.length() - MAX_CHARS);
        if (start > 0 && Character.isLowSurrogate(prompt.charAt(start))) {
            start++;
        }
        StringBuilder out = new StringBuilder(prompt.length() - start + 16);
        boolean changed = start > 0;
        int run = 0;
        boolean inSpace = false;
        for (int i = start; i < prompt.length(); ) {
            int cp = prompt.codePointAt(i);
            i += Character.charCount(cp);
            boolean space = Character.isWhitespace(cp);
            if (space != inSpace) {
                inSpace = space;
                run = 0;
            }
            if (space && run >= MAX_SPACE_RUN) {
                changed = true;
                continue;
            }
            if (!space && run == MAX_RUN) {
                out.append(' ');
                changed = true;
                run = 0;
            }
            out.appendCodePoint(cp);
            run++;
        }
        return changed ? out.toString() : prompt;
    }
}
