package dev.steno.cli;

import dev.steno.engine.diarization.SpeakerSegment;
import dev.steno.engine.diarization.scoring.RttmTurn;
import dev.steno.engine.transcript.TranscriptLine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Speaker turns for RTTM output: who spoke when, with speakers named 1..N in order of first appearance and one
 * speaker's segments joined where they touch or overlap (and nowhere else: gaps the diarizer left stay).
 */
final class SpeakerTurns {
    private SpeakerTurns() {
    }

    /** The RTTM recording id of an audio file: its name without the extension, blanks made underscores. */
    static String fileId(Path audio) {
        String name = audio.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String id = (dot > 0 ? name.substring(0, dot) : name).replaceAll("\\s+", "_");
        return id.isEmpty() ? "audio" : id;
    }

    /** A diarizer's segments (any labels, any order) as turns of {@code file}, in order of start. */
    static List<RttmTurn> of(String file, List<SpeakerSegment> segments) {
        List<SpeakerSegment> sorted = new ArrayList<>(segments);
        sorted.sort(Comparator.comparingDouble(SpeakerSegment::start).thenComparingDouble(SpeakerSegment::end));
        Map<Integer, Integer> names = new HashMap<>();
        // the open (last) turn of each speaker, by name; a turn is closed once a later segment of it starts after it
        Map<Integer, Integer> open = new HashMap<>();
        List<double[]> turns = new ArrayList<>();
        List<Integer> speakers = new ArrayList<>();
        for (SpeakerSegment s : sorted) {
            int name = names.computeIfAbsent(s.speaker(), k -> names.size() + 1);
            Integer index = open.get(name);
            if (index != null && s.start() <= turns.get(index)[1]) {
                double[] t = turns.get(index);
                t[1] = Math.max(t[1], s.end());
                continue;
            }
            open.put(name, turns.size());
            turns.add(new double[] {s.start(), s.end()});
            speakers.add(name);
        }
        List<RttmTurn> out = new ArrayList<>(turns.size());
        for (int i = 0; i < turns.size(); i++) {
            double[] t = turns.get(i);
            out.add(new RttmTurn(file, t[0], t[1] - t[0], Integer.toString(speakers.get(i))));
        }
        return out;
    }

    /**
     * The speaker turns of a transcript: each line of a known speaker over the line's time, silence and lines of no
     * known speaker left out.
     */
    static List<RttmTurn> ofLines(String file, List<TranscriptLine> lines) {
        List<SpeakerSegment> segments = new ArrayList<>();
        for (TranscriptLine l : lines) {
            if (l.speaker() > 0 && l.end() > Math.max(0, l.start()) && !l.text().isBlank()) {
                segments.add(new SpeakerSegment(l.speaker(), Math.max(0, l.start()), l.end()));
            }
        }
        return of(file, segments);
    }
}
