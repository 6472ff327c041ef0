package dev.steno.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steno.engine.asr.Segment;
import dev.steno.engine.transcript.LineAssembler;
import dev.steno.engine.transcript.SpokenWord;
import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.Word;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The speakers of an uploaded recording's words as the OpenAI-compatible responses show them: letters {@code "A"},
 * {@code "B"}, ... (OpenAI's {@code diarized_json} convention) for the engine's speakers 1, 2, ...
 *
 * @param spoken every word of the recording with its speaker, in order
 */
record UploadSpeakers(List<SpokenWord> spoken) {
    UploadSpeakers {
        spoken = List.copyOf(spoken);
    }

    /** {@code "A"} for speaker 1, ... {@code "Z"}, then {@code "AA"}, {@code "AB"}, ... */
    static String label(int speaker) {
        if (speaker < 1) {
            throw new IllegalArgumentException("speakers are numbered from 1, was " + speaker);
        }
        StringBuilder s = new StringBuilder();
        for (int n = speaker; n > 0; n = (n - 1) / 26) {
            s.append((char) ('A' + (n - 1) % 26));
        }
        return s.reverse().toString();
    }

    /** The speaker who speaks longest in {@code segment} (its words' durations summed), or null when it has none. */
    String speakerOf(Segment segment) {
        Map<Word, Integer> speakerOfWord = new HashMap<>();
        for (SpokenWord w : spoken) {
            speakerOfWord.put(w.word(), w.speaker());
        }
        Map<Integer, Double> time = new HashMap<>();
        for (Word w : segment.words()) {
            Integer speaker = speakerOfWord.get(w);
            if (speaker != null && speaker > 0) {
                // a zero-length word still counts a little, so a segment of such words still has a speaker
                time.merge(speaker, Math.max(w.end() - w.start(), 1e-3), Double::sum);
            }
        }
        return time.entrySet().stream().max(Map.Entry.comparingByValue())
                .map(e -> label(e.getKey())).orElse(null);
    }

    /**
     * The {@code diarized_json} response: one segment per line of one speaker (a speaker change, a sentence end or a
     * pause ends a segment, as in the live transcript).
     */
    ObjectNode diarizedJson(double duration, String text) {
        LineAssembler lines = new LineAssembler();
        lines.add(spoken);
        lines.closeOpenLine();
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("task", "transcribe");
        o.put("duration", seconds(duration));
        o.put("text", text);
        ArrayNode segments = o.putArray("segments");
        int id = 0;
        for (TranscriptLine line : lines.lines()) {
            if (line.isSilence() || line.speaker() < 1) {
                continue;
            }
            ObjectNode s = segments.addObject();
            s.put("type", "transcript.text.segment");
            s.put("id", String.format(Locale.ROOT, "seg_%03d", ++id));
            s.put("start", seconds(line.start()));
            s.put("end", seconds(line.end()));
            s.put("text", line.text().strip());
            s.put("speaker", label(line.speaker()));
        }
        return o;
    }

    /** Seconds rounded to the millisecond, as every upload response writes times. */
    static double seconds(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
