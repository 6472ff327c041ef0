package dev.steno.obs.caption;

import dev.steno.engine.transcript.TranscriptLine;

/**
 * The rolling text a caption display shows: the tail of the committed text plus the current tentative text, with
 * {@code ">> "} where the speaker changes (the caption convention for a new speaker). Not thread-safe; a sink owns one.
 */
public final class CaptionText {
    /** Committed text kept: more than any display shows, little enough to re-wrap on every update. */
    private static final int KEEP_CHARS = 600;

    private final StringBuilder committed = new StringBuilder();
    private String partial = "";
    private int lastSpeaker = TranscriptLine.UNKNOWN_SPEAKER;

    /** Appends final words; the tentative text is replaced by the next {@link #partial}. */
    public void commit(CommittedWords words) {
        String text = words.text();
        if (text.isEmpty()) {
            return;
        }
        boolean newSpeaker = words.speaker() > 0 && lastSpeaker > 0 && words.speaker() != lastSpeaker;
        if (words.speaker() > 0) {
            lastSpeaker = words.speaker();
        }
        if (!committed.isEmpty()) {
            committed.append(newSpeaker ? "\n" : " ");
        }
        if (newSpeaker) {
            committed.append(">> ");
        }
        committed.append(text);
        if (committed.length() > 2 * KEEP_CHARS) {
            int cut = committed.indexOf(" ", committed.length() - KEEP_CHARS);
            committed.delete(0, cut < 0 ? committed.length() - KEEP_CHARS : cut + 1);
        }
        partial = "";
    }

    /** Replaces the tentative text. */
    public void partial(String text) {
        partial = text.strip();
    }

    /** Forgets everything shown (after a silence). The speaker is kept so a change is still marked. */
    public void clear() {
        committed.setLength(0);
        partial = "";
    }

    /** The committed text (tail). */
    public String committedText() {
        return committed.toString();
    }

    /** The tentative text. */
    public String partialText() {
        return partial;
    }

    /** Committed text followed by the tentative text. */
    public String fullText() {
        if (partial.isEmpty()) {
            return committed.toString();
        }
        return committed.isEmpty() ? partial : committed + " " + partial;
    }
}
