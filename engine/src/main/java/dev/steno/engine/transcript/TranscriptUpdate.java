package dev.steno.engine.transcript;

import java.util.List;

/**
 * What a session tells its sinks after a processing step. Every sink (console, WebSocket, captions, subtitle
 * files) reads the same record.
 *
 * @param lines           all committed lines so far, oldest first (committed text never changes)
 * @param newlyCommitted  the words that joined the lines with this update, in order
 * @param tentative       the current uncommitted hypothesis; may change or vanish in the next update
 * @param awaitingSpeaker words the policy committed whose speaker is not known yet (the speaker stage holds them;
 *                        they join the lines, in order, with a later update)
 * @param final_          true for the last update of a stream: nothing tentative or awaiting remains
 * @param lag             lag figures at the time of the update
 * @param detectedLanguage the language the recogniser last detected (ISO 639-1), or null when it did not say (a
 *                        session with a fixed language, a backend that does not report it)
 */
public record TranscriptUpdate(List<TranscriptLine> lines, List<Word> newlyCommitted, List<Word> tentative,
                               List<Word> awaitingSpeaker, boolean final_, LagFigures lag, String detectedLanguage) {
    public TranscriptUpdate {
        lines = List.copyOf(lines);
        newlyCommitted = List.copyOf(newlyCommitted);
        tentative = List.copyOf(tentative);
        awaitingSpeaker = List.copyOf(awaitingSpeaker);
    }

    /** An update without a detected language. */
    public TranscriptUpdate(List<TranscriptLine> lines, List<Word> newlyCommitted, List<Word> tentative,
                            List<Word> awaitingSpeaker, boolean final_, LagFigures lag) {
        this(lines, newlyCommitted, tentative, awaitingSpeaker, final_, lag, null);
    }

    /** An update of a stream whose speaker stage holds nothing back. */
    public TranscriptUpdate(List<TranscriptLine> lines, List<Word> newlyCommitted, List<Word> tentative,
                            boolean final_, LagFigures lag) {
        this(lines, newlyCommitted, tentative, List.of(), final_, lag);
    }

    /** The tentative text as one string (leading space kept, as the {@code /asr} buffer shows it). */
    public String tentativeText() {
        return Words.rawText(tentative);
    }

    /** The text awaiting its speaker as one string (the {@code /asr} protocol's {@code buffer_diarization}). */
    public String awaitingSpeakerText() {
        return Words.rawText(awaitingSpeaker);
    }
}
