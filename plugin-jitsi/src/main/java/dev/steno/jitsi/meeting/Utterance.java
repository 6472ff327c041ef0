package dev.steno.jitsi.meeting;

import dev.steno.engine.transcript.Word;
import java.util.List;
import java.util.Objects;

/**
 * What a participant said, as a caption: interim versions of an utterance share its {@code messageId} and are
 * replaced by the next version; the final one has {@code isFinal} set and never changes.
 *
 * @param messageId  a UUIDv7 naming the utterance (the same for its interim versions and its final)
 * @param text       the text, stripped
 * @param start      start in seconds on the meeting clock (seconds since the meeting started)
 * @param end        end in seconds on the meeting clock
 * @param words      the committed words, meeting clock times (empty for interim text that is only tentative)
 * @param isFinal    true when the text is committed and will not change
 * @param confidence mean word probability in [0, 1], or {@link Double#NaN} when the backend gives none
 */
public record Utterance(String messageId, String text, double start, double end, List<Word> words, boolean isFinal,
                        double confidence) {
    public Utterance {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(text, "text");
        words = List.copyOf(words);
    }

    /** Mean probability of the words that have one, or NaN. */
    static double confidenceOf(List<Word> words) {
        double sum = 0;
        int n = 0;
        for (Word w : words) {
            if (!Double.isNaN(w.probability())) {
                sum += w.probability();
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}
