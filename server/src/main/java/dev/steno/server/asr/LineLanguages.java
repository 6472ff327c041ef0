package dev.steno.server.asr;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The language detected for each line of a session whose language is detected: a line keeps the language the
 * recogniser reported when the line first appeared (a later detection does not relabel what was said before).
 * Confined to the session's step: not thread-safe.
 */
final class LineLanguages {
    private final List<String> languages = new ArrayList<>();

    /**
     * Gives lines not seen before the language detected now.
     *
     * @param lineCount the session's lines so far
     * @param detected  the language the recogniser last reported, or null
     * @return the language of every line, by index (a read-only view, valid until the next call)
     */
    List<String> assign(int lineCount, String detected) {
        while (languages.size() < lineCount) {
            languages.add(detected);
        }
        return Collections.unmodifiableList(languages);
    }
}
