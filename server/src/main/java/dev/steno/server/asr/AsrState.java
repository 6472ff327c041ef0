package dev.steno.server.asr;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steno.engine.transcript.LagFigures;
import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.TranscriptUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One state of a live transcript as the {@code /asr} protocol shows it: committed lines, tentative text and lag
 * figures. Equal states are not sent twice.
 *
 * @param status    {@code active_transcription}, {@code no_audio_detected} or {@code error}
 * @param lines     committed lines in protocol form
 * @param buffer    tentative text ({@code buffer_transcription})
 * @param bufferDiarization committed text whose speaker is not known yet ({@code buffer_diarization})
 * @param lag       lag figures in seconds
 * @param error     error text when status is {@code error}, else null
 * @param lastLineOpen true while the last line may still grow (more words of the same sentence to come)
 */
public record AsrState(String status, List<Line> lines, String buffer, String bufferDiarization, LagFigures lag,
                       String error, boolean lastLineOpen) {
    public static final String ACTIVE = "active_transcription";
    public static final String NO_AUDIO = "no_audio_detected";
    public static final String ERROR = "error";

    /** Speaker of lines when no attribution ran: WhisperLiveKit numbers speakers from 1. */
    static final int DEFAULT_SPEAKER = 1;

    public AsrState {
        lines = List.copyOf(lines);
        Objects.requireNonNull(status, "status");
        buffer = buffer == null ? "" : buffer;
        bufferDiarization = bufferDiarization == null ? "" : bufferDiarization;
    }

    /**
     * A line as sent: times already formatted, so that equality means "same on the wire".
     *
     * @param text the line's text; null for a silence line of a diarized session (the protocol's convention: a
     *             silence line's text is {@code null} with diarization, {@code ""} without)
     */
    public record Line(int speaker, String text, String start, String end, String detectedLanguage) {
        static Line of(TranscriptLine l, boolean diarized) {
            int speaker = l.speaker() == TranscriptLine.UNKNOWN_SPEAKER ? DEFAULT_SPEAKER : l.speaker();
            String text = l.isSilence() ? (diarized ? null : "") : l.text();
            return new Line(speaker, text, time(l.start()), time(l.end()), null);
        }

        ObjectNode toJson() {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("speaker", speaker);
            o.put("text", text);
            o.put("start", start);
            o.put("end", end);
            if (detectedLanguage != null) {
                o.put("detected_language", detectedLanguage);
            }
            return o;
        }
    }

    /**
     * This state with each line's detected language ({@code detected_language}, as WhisperLiveKit sends it when the
     * language is detected): {@code languages.get(i)} for line i, none past the list's end.
     */
    public AsrState withLineLanguages(List<String> languages) {
        List<Line> tagged = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            Line l = lines.get(i);
            String lang = i < languages.size() && l.text() != null && !l.text().isEmpty() ? languages.get(i) : null;
            tagged.add(new Line(l.speaker(), l.text(), l.start(), l.end(), lang));
        }
        return new AsrState(status, tagged, buffer, bufferDiarization, lag, error, lastLineOpen);
    }

    /** Builds the state from the engine's lines; the last one stays open unless this is the final update. */
    public static AsrState of(String status, List<TranscriptLine> lines, String buffer, LagFigures lag,
                              boolean finalUpdate) {
        return new AsrState(status, lines.stream().map(l -> Line.of(l, false)).toList(), buffer, "", lag, null,
                !finalUpdate && !lines.isEmpty());
    }

    /**
     * The state a stream's update shows: its lines, tentative text, text awaiting a speaker and lag.
     *
     * @param diarized whether a diarizer labels this session's speakers (silence lines then carry {@code null} text)
     */
    public static AsrState of(String status, TranscriptUpdate update, boolean diarized) {
        return new AsrState(status, update.lines().stream().map(l -> Line.of(l, diarized)).toList(),
                update.tentativeText(), update.awaitingSpeakerText(), update.lag(), null,
                !update.final_() && !update.lines().isEmpty());
    }

    /** A session that failed before its first update. */
    public static AsrState failed(String message) {
        return new AsrState(ERROR, List.of(), "", "", LagFigures.NONE, message, false);
    }

    /** This state with an error. */
    public AsrState withError(String message) {
        return new AsrState(ERROR, lines, "", "", lag, message, false);
    }

    /**
     * The state as diff mode shows it: lines that can no longer change, with the open line's committed text moved in
     * front of the tentative buffer. The protocol's diffs can only append lines (and prune from the front), so a
     * line must be complete before it is sent as a line.
     */
    AsrState closedLinesOnly() {
        if (!lastLineOpen) {
            return this;
        }
        Line open = lines.get(lines.size() - 1);
        String openText = open.text() == null ? "" : open.text();
        return new AsrState(status, lines.subList(0, lines.size() - 1), openText + buffer, bufferDiarization, lag,
                error, false);
    }

    /** Formats seconds as the protocol's {@code H:MM:SS.cc}. */
    public static String time(double seconds) {
        long cs = Math.round(Math.max(0, seconds) * 100);
        return String.format(Locale.ROOT, "%d:%02d:%02d.%02d", cs / 360_000, cs / 6000 % 60, cs / 100 % 60, cs % 100);
    }

    /** The fields every update carries besides the lines. */
    void putCommonFields(ObjectNode o) {
        o.put("status", status);
        if (error != null) {
            o.put("error", error);
        }
        o.put("buffer_transcription", buffer);
        o.put("buffer_diarization", bufferDiarization);
        o.put("buffer_translation", "");
        o.put("remaining_time_transcription", round(lag.transcription()));
        o.put("remaining_time_transcription_processing", round(lag.processing()));
        o.put("remaining_time_transcription_policy", round(lag.policy()));
        o.put("remaining_time_diarization", round(lag.diarization()));
    }

    /** The full-mode message. */
    public ObjectNode toFullJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("status", status);
        var arr = o.putArray("lines");
        for (Line l : lines) {
            arr.add(l.toJson());
        }
        putCommonFields(o);
        return o;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
