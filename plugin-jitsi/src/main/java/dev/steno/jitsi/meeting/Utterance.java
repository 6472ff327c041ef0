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
 * @param voice      which voice of the participant speaks, from 1 (see {@link MeetingTranscript.Line#voice()}); an
 *                   interim version takes the voice of the words committed so far, or the last one heard
 */
public record Utterance(String messageId, String text, double start, double end, List<Word> words, boolean isFinal,
                        double confidence, int voice) {
    public Utterance {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(text, "text");
        words = List.copyOf(words);
        MeetingTranscript.checkVoice(voice);
    }

    /** An utterance of the participant's first (or only) voice. */
    public Utterance(String messageId, String text, double start, double end, List<Word> words, boolean isFinal,
                     double confidence) {
        this(messageId, text, start, end, words, isFinal, confidence, 1);
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
