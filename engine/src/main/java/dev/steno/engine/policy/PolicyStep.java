package dev.steno.engine.policy;

import dev.steno.engine.transcript.Word;
import java.util.List;

/**
 * What one policy step produced. Times are absolute stream seconds.
 *
 * @param committed the words committed by this step, in order; committed words are final and never repeated by a
 *                  later step
 * @param tentative the current uncommitted hypothesis after this step; it may change or vanish in the next step
 * @param language  the language the recogniser detected in this step (ISO 639-1), or null when it did not say
 */
public record PolicyStep(List<Word> committed, List<Word> tentative, String language) {
    /** A step that committed nothing and has no tentative words. */
    public static final PolicyStep EMPTY = new PolicyStep(List.of(), List.of());

    public PolicyStep {
        committed = List.copyOf(committed);
        tentative = List.copyOf(tentative);
    }

    /** A step whose recogniser reported no language. */
    public PolicyStep(List<Word> committed, List<Word> tentative) {
        this(committed, tentative, null);
    }
}
