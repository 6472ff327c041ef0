package dev.steno.engine.transcript;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Ways to write a finished transcript: plain text, SubRip, WebVTT or JSON. */
public enum TranscriptFormat {
    /** One line of text per transcript line. */
    TXT,
    /** SubRip subtitles: numbered cues, {@code HH:MM:SS,mmm} times. */
    SRT,
    /** WebVTT subtitles; speakers, when known, as voice tags. */
    VTT,
    /** Lines and words with times in seconds, for programs. */
    JSON;

    private static final ObjectMapper JSON_MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    /** Parses a user's format name, case-insensitively. */
    public static TranscriptFormat parse(String name) {
        for (TranscriptFormat f : values()) {
            if (f.name().equalsIgnoreCase(name.strip())) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown transcript format '" + name + "': use txt, srt, vtt or json");
    }

    /** Writes the transcript. Silence lines are left out of text and subtitle formats. */
    public String write(List<TranscriptLine> lines, List<Word> words) {
        return write(lines, words, false);
    }

    /**
     * Writes the transcript; with {@code labelSpeakers}, plain text and SubRip lines of a known speaker start with
     * {@code Speaker N: } (WebVTT carries speakers as voice tags and JSON as numbers either way). Silence lines are
     * left out of text and subtitle formats.
     */
    public String write(List<TranscriptLine> lines, List<Word> words, boolean labelSpeakers) {
        StringBuilder out = new StringBuilder();
        switch (this) {
            case TXT -> {
                for (TranscriptLine l : lines) {
                    if (!l.isSilence()) {
                        out.append(label(l, labelSpeakers)).append(l.text().strip()).append('\n');
                    }
                }
            }
            case SRT, VTT -> {
                CueWriter cues = cueWriter();
                out.append(cues.header());
                // SubRip has no voice markup: a label goes into its text, as in TXT
                boolean labelText = labelSpeakers && this == SRT;
                for (TranscriptLine l : lines) {
                    if (!l.isSilence() && !l.text().isBlank()) {
                        cues.cue(out, l.start(), l.end(), CueWriter.speakerVoice(l.speaker()),
                                label(l, labelText) + l.text().strip());
                    }
                }
            }
            case JSON -> out.append(json(lines, words));
        }
        return out.toString();
    }

    /**
     * A new writer for this format's cues.
     *
     * @throws IllegalStateException for TXT and JSON, which have no cues
     */
    public CueWriter cueWriter() {
        return switch (this) {
            case SRT -> new CueWriter(CueWriter.Style.SRT);
            case VTT -> new CueWriter(CueWriter.Style.VTT);
            case TXT, JSON -> throw new IllegalStateException(this + " has no cues");
        };
    }

    private static String json(List<TranscriptLine> lines, List<Word> words) {
        ObjectNode root = JSON_MAPPER.createObjectNode();
        StringBuilder text = new StringBuilder();
        ArrayNode lineArray = root.putArray("lines");
        for (TranscriptLine l : lines) {
            ObjectNode o = lineArray.addObject();
            o.put("speaker", l.speaker());
            o.put("start", round(l.start()));
            o.put("end", round(l.end()));
            o.put("text", l.text().strip());
            if (!l.isSilence()) {
                text.append(l.text());
            }
        }
        root.put("text", text.toString().strip());
        ArrayNode wordArray = root.putArray("words");
        for (Word w : words) {
            ObjectNode o = wordArray.addObject();
            o.put("word", w.text());
            o.put("start", round(w.start()));
            o.put("end", round(w.end()));
            if (!Double.isNaN(w.probability())) {
                o.put("probability", round(w.probability()));
            }
        }
        try {
            return JSON_MAPPER.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code Speaker N: } for a line of a known speaker when asked, else nothing. */
    private static String label(TranscriptLine l, boolean labelSpeakers) {
        String voice = labelSpeakers ? CueWriter.speakerVoice(l.speaker()) : null;
        return voice == null ? "" : voice + ": ";
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
