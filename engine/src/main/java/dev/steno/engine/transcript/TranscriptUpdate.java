package dev.steno.engine.transcript;

import java.util.List;

/**
 * What a session tells its sinks after a processing step. Every sink (console, WebSocket, captions, subtitle
 * files) reads the same record.
 *
 * @param lines          all committed lines so far, oldest first (committed text never changes)
 * @param newlyCommitted the words committed by this step, in order
 * @param tentative      the current uncommitted hypothesis; may change or vanish in the next update
 * @param final_         true for the last update of a stream: nothing tentative remains
 * @param lag            lag figures at the time of the update
 */
public record TranscriptUpdate(List<TranscriptLine> lines, List<Word> newlyCommitted, List<Word> tentative,
                               boolean final_, LagFigures lag) {
    public TranscriptUpdate {
        lines = List.copyOf(lines);
        newlyCommitted = List.copyOf(newlyCommitted);
        tentative = List.copyOf(tentative);
    }

    /** The tentative text as one string (leading space kept, as the {@code /asr} buffer shows it). */
    public String tentativeText() {
        return Words.rawText(tentative);
    }
}
