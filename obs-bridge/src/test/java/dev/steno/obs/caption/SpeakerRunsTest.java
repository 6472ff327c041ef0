package dev.steno.obs.caption;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steno.engine.transcript.LagFigures;
import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.engine.transcript.Word;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpeakerRunsTest {
    @Test
    void oneUpdateMayCommitWordsOfTwoSpeakersAcrossASilenceLine() {
        Word a = new Word(" and", 1, 1.2);
        Word b = new Word(" so.", 1.2, 1.5);
        Word c = new Word(" Yes", 4, 4.3);
        Word d = new Word(",", 4.3, 4.3);
        List<TranscriptLine> lines = List.of(new TranscriptLine(1, 0, 1.5, " Well and so."),
                new TranscriptLine(TranscriptLine.SILENCE, 1.5, 4, ""),
                new TranscriptLine(2, 4, 4.3, " Yes,"));
        TranscriptUpdate update = new TranscriptUpdate(lines, List.of(a, b, c, d), List.of(), false, LagFigures.NONE);
        assertEquals(List.of(new SpeakerRuns.Run(1, List.of(a, b)), new SpeakerRuns.Run(2, List.of(c, d))),
                SpeakerRuns.of(update));
    }

    @Test
    void wordsOfOneSpeakerAreOneRun() {
        Word a = new Word(" hi", 0, 1);
        TranscriptUpdate update = new TranscriptUpdate(List.of(new TranscriptLine(3, 0, 1, " hi")), List.of(a),
                List.of(), false, LagFigures.NONE);
        assertEquals(List.of(new SpeakerRuns.Run(3, List.of(a))), SpeakerRuns.of(update));
        assertEquals(List.of(), SpeakerRuns.of(new TranscriptUpdate(List.of(), List.of(), List.of(), false,
                LagFigures.NONE)));
    }
}
