package dev.steno.jitsi.meeting;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steno.engine.transcript.CueWriter;
import dev.steno.engine.transcript.TranscriptFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * Writes a {@link MeetingTranscript} in one of the engine's {@link TranscriptFormat}s, with the participant (display
 * name when known) as the speaker of every line: "Name: text" in TXT and SRT, a {@code <v Name>} voice tag in WebVTT,
 * participant fields in JSON. A further voice of a diarized participant is "Name (2)", "Name (3)", ...; in JSON its
 * lines keep the participant's {@code speaker} number and add {@code voice} (absent for a participant's first voice,
 * as the name then has no suffix either). Cues are written by the engine's {@link CueWriter}.
 */
public final class MeetingTranscriptFormat {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MeetingTranscriptFormat() {
    }

    /** The transcript in {@code format}. */
    public static String write(MeetingTranscript t, TranscriptFormat format) {
        StringBuilder out = new StringBuilder();
        switch (format) {
            case TXT -> {
                for (MeetingTranscript.Line l : t.lines()) {
                    if (!l.text().isBlank()) {
                        out.append(l.speakerLabel()).append(": ").append(l.text().strip()).append('\n');
                    }
                }
            }
            case SRT, VTT -> {
                boolean srt = format == TranscriptFormat.SRT;
                CueWriter cues = format.cueWriter();
                out.append(cues.header());
                for (MeetingTranscript.Line l : t.lines()) {
                    if (!l.text().isBlank()) {
                        // SubRip has no voice markup: the speaker goes into the text, as in TXT
                        cues.cue(out, l.start(), l.end(), l.speakerLabel(),
                                srt ? l.speakerLabel() + ": " + l.text().strip() : l.text().strip());
                    }
                }
            }
            case JSON -> out.append(json(t));
        }
        return out.toString();
    }

    /** The content type to serve {@code format} with. */
    public static String contentType(TranscriptFormat format) {
        return switch (format) {
            case TXT -> "text/plain; charset=utf-8";
            case SRT -> "application/x-subrip; charset=utf-8";
            case VTT -> "text/vtt; charset=utf-8";
            case JSON -> "application/json";
        };
    }

    private static String json(MeetingTranscript t) {
        ObjectNode root = JSON.createObjectNode();
        root.put("meeting_id", t.meetingId());
        root.put("started", Instant.ofEpochMilli(t.startedMillis()).toString());
        ArrayNode ps = root.putArray("participants");
        for (MeetingTranscript.ParticipantInfo p : t.participants()) {
            ObjectNode o = ps.addObject();
            o.put("id", p.participantId());
            o.put("speaker", p.speaker());
            o.put("name", p.displayName());
            o.put("language", p.language());
        }
        StringBuilder text = new StringBuilder();
        ArrayNode lines = root.putArray("lines");
        for (MeetingTranscript.Line l : t.lines()) {
            ObjectNode o = lines.addObject();
            o.put("speaker", l.speaker());
            o.put("participant", l.participantId());
            o.put("name", l.speakerLabel());
            if (l.voice() > 1) {
                o.put("voice", l.voice());
            }
            o.put("start", round(l.start()));
            o.put("end", round(l.end()));
            o.put("text", l.text().strip());
            text.append(l.speakerLabel()).append(": ").append(l.text().strip()).append('\n');
        }
        root.put("text", text.toString().strip());
        ArrayNode words = root.putArray("words");
        for (MeetingTranscript.TimedWord w : t.words()) {
            ObjectNode o = words.addObject();
            o.put("word", w.text());
            o.put("start", round(w.start()));
            o.put("end", round(w.end()));
            o.put("speaker", w.speaker());
            o.put("participant", w.participantId());
            if (!Double.isNaN(w.probability())) {
                o.put("probability", round(w.probability()));
            }
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
