package dev.steno.engine.speaker;

import dev.steno.engine.transcript.SpokenWord;
import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.Word;
import java.util.List;

/**
 * No attribution: every word gets {@link TranscriptLine#UNKNOWN_SPEAKER} at once (a browser microphone, an upload,
 * an OBS source, until a diarizer takes this place).
 */
public record UnknownSpeaker() implements SpeakerStage {
    @Override
    public List<SpokenWord> attribute(List<Word> committed) {
        return FixedSpeaker.attributeAll(committed, TranscriptLine.UNKNOWN_SPEAKER);
    }

    @Override
    public List<SpokenWord> flush() {
        return List.of();
    }
}
