package dev.steno.engine.speaker;

import dev.steno.engine.transcript.SpokenWord;
import dev.steno.engine.transcript.Word;
import java.util.ArrayList;
import java.util.List;

/**
 * Every word is spoken by one known speaker: a stream that carries one participant's audio (a Jitsi endpoint, an
 * RTP source, a Vosk client). Nothing is held back.
 *
 * @param speaker the speaker number, from 1
 */
public record FixedSpeaker(int speaker) implements SpeakerStage {
    public FixedSpeaker {
        if (speaker < 1) {
            throw new IllegalArgumentException("a known speaker is numbered from 1, was " + speaker);
        }
    }

    @Override
    public List<SpokenWord> attribute(List<Word> committed) {
        return attributeAll(committed, speaker);
    }

    @Override
    public List<SpokenWord> flush() {
        return List.of();
    }

    static List<SpokenWord> attributeAll(List<Word> words, int speaker) {
        List<SpokenWord> out = new ArrayList<>(words.size());
        for (Word w : words) {
            out.add(new SpokenWord(w, speaker));
        }
        return out;
    }
}
