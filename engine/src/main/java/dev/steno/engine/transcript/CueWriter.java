package dev.steno.engine.transcript;

import java.util.Locale;
import java.util.Objects;

/**
 * Writes subtitle cues in SubRip or WebVTT: the one place that knows their timestamps, cue numbering, header and
 * escaping. A SubRip cue is {@code n}, {@code HH:MM:SS,mmm --> HH:MM:SS,mmm}, the text and a blank line; a WebVTT
 * file starts with {@link #header()} and each cue is the {@code HH:MM:SS.mmm} time line, the text (after an optional
 * voice tag) with {@code &}, {@code <} and {@code >} escaped, and a blank line.
 *
 * <p>One writer serves one file: it numbers the SubRip cues it writes from 1. What a cue holds (which words, how they
 * are wrapped, whether a speaker name goes into SubRip text) is the caller's choice. Not thread-safe.
 */
public final class CueWriter {
    /** The two cue formats. */
    public enum Style {
        /** SubRip: numbered cues, comma before the milliseconds, plain text. */
        SRT,
        /** WebVTT: a header, unnumbered cues, dot before the milliseconds, escaped text and voice tags. */
        VTT
    }

    private static final String ARROW = " --> ";

    private final Style style;
    private int cues;

    /** A writer for one file in {@code style}. */
    public CueWriter(Style style) {
        this.style = Objects.requireNonNull(style, "style");
    }

    /** What the file starts with: {@code "WEBVTT"} and a blank line for WebVTT, nothing for SubRip. */
    public String header() {
        return style == Style.VTT ? "WEBVTT\n\n" : "";
    }

    /**
     * Appends the next cue to {@code out}.
     *
     * @param start seconds; negative times are written as 0
     * @param end   seconds
     * @param voice the speaker, written as a WebVTT voice tag ({@code <v voice>}, escaped), or null for none; SubRip
     *              has no speaker markup, so it is left out there
     * @param text  the cue's text as it should read (line breaks included); escaped for WebVTT
     * @return {@code out}
     */
    public StringBuilder cue(StringBuilder out, double start, double end, String voice, String text) {
        cues++;
        if (style == Style.SRT) {
            out.append(cues).append('\n')
                    .append(timestamp(start, ',')).append(ARROW).append(timestamp(end, ',')).append('\n')
                    .append(text);
        } else {
            out.append(timestamp(start, '.')).append(ARROW).append(timestamp(end, '.')).append('\n');
            if (voice != null) {
                out.append("<v ").append(escapeVtt(voice)).append('>');
            }
            out.append(escapeVtt(text));
        }
        return out.append("\n\n");
    }

    /** The voice of an engine speaker number ({@code Speaker 2}), or null for an unknown speaker (0 or less). */
    public static String speakerVoice(int speaker) {
        return speaker > 0 ? "Speaker " + speaker : null;
    }

    /** Cues written so far. */
    public int cues() {
        return cues;
    }

    /**
     * {@code HH:MM:SS<separator>mmm}, rounded to the nearest millisecond, as SubRip (comma) and WebVTT (dot) write
     * times; negative times are written as 0 and hours go past 99 rather than wrap.
     */
    public static String timestamp(double seconds, char separator) {
        long ms = Math.round(Math.max(0, seconds) * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d%c%03d",
                ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, separator, ms % 1000);
    }

    private static String escapeVtt(String text) {
        // cue text treats "<" and "&" as markup and must never contain "-->" (WebVTT, cue text); escaping ">" covers it
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
