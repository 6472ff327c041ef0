package dev.steno.obs.caption;

import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.engine.transcript.Word;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an update's newly committed words into runs of one speaker. One update may commit words of two speakers
 * (a diarizer releases held words in bursts), and captions must mark the change where it happens, not give every
 * word the last line's speaker.
 */
public final class SpeakerRuns {
    private SpeakerRuns() {
    }

    /**
     * One speaker's consecutive words.
     *
     * @param speaker the speaker number ({@link TranscriptLine#UNKNOWN_SPEAKER} when nothing attributes them)
     * @param words   the words in order, non-empty
     */
    public record Run(int speaker, List<Word> words) {
        public Run {
            words = List.copyOf(words);
        }
    }

    /**
     * The newly committed words of {@code update} grouped by speaker, in order. The new words are the tail of the
     * lines' words, and a line's text is its words' texts joined, so walking both backwards finds each word's line
     * exactly.
     */
    public static List<Run> of(TranscriptUpdate update) {
        List<Word> words = update.newlyCommitted();
        List<TranscriptLine> lines = update.lines();
        int[] speakers = new int[words.size()];
        int line = lines.size() - 1;
        int remaining = line >= 0 ? lines.get(line).text().length() : 0;
        for (int i = words.size() - 1; i >= 0; i--) {
            String text = words.get(i).text();
            // skip silence lines and lines whose text is used up (an empty word belongs to the current one)
            while (line >= 0 && (lines.get(line).isSilence() || (remaining == 0 && !text.isEmpty()))) {
                line--;
                remaining = line >= 0 ? lines.get(line).text().length() : 0;
            }
            if (line < 0) {
                // the lines do not hold the words (an update not built by a stream): the last speaker, as before
                speakers[i] = lastSpeaker(lines);
                continue;
            }
            speakers[i] = lines.get(line).speaker();
            remaining = Math.max(0, remaining - text.length());
        }
        List<Run> runs = new ArrayList<>();
        int from = 0;
        for (int i = 1; i <= words.size(); i++) {
            if (i == words.size() || speakers[i] != speakers[from]) {
                runs.add(new Run(speakers[from], words.subList(from, i)));
                from = i;
            }
        }
        return runs;
    }

    private static int lastSpeaker(List<TranscriptLine> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (!lines.get(i).isSilence()) {
                return lines.get(i).speaker();
            }
        }
        return TranscriptLine.UNKNOWN_SPEAKER;
    }
}
