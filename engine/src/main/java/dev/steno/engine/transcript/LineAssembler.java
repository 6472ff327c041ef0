package dev.steno.engine.transcript;

import java.util.ArrayList;
import java.util.List;

/**
 * Groups attributed words into transcript lines: a line ends when the speaker changes, after a sentence, at a pause,
 * or when it grows too long to read as one subtitle. Committed lines never change; only the open line grows.
 */
public final class LineAssembler {
    /** A pause at least this long between two words starts a new line. */
    public static final double PAUSE_SECONDS = 1.5;
    /** Lines longer than this (characters) are closed at the next word boundary. */
    public static final int MAX_LINE_CHARS = 84;
    /** Lines longer than this (seconds) are closed at the next word boundary. */
    public static final double MAX_LINE_SECONDS = 7.0;

    private final List<TranscriptLine> closed = new ArrayList<>();
    private final List<Word> open = new ArrayList<>();
    /** The open line's speaker; meaningless while it is empty. */
    private int openSpeaker;

    /** Adds newly committed words, in order. */
    public void add(List<SpokenWord> words) {
        for (SpokenWord w : words) {
            add(w);
        }
    }

    /** Adds the next committed word. */
    public void add(SpokenWord spoken) {
        Word w = spoken.word();
        if (!open.isEmpty()) {
            Word last = open.get(open.size() - 1);
            boolean otherSpeaker = spoken.speaker() != openSpeaker;
            boolean pause = w.start() - last.end() >= PAUSE_SECONDS;
            boolean sentenceEnded = endsSentence(last.text());
            boolean tooLong = Words.rawText(open).strip().length() + w.text().length() > MAX_LINE_CHARS
                    || w.end() - open.get(0).start() > MAX_LINE_SECONDS;
            if (otherSpeaker || pause || sentenceEnded || tooLong) {
                closeOpenLine();
            }
        }
        if (open.isEmpty()) {
            openSpeaker = spoken.speaker();
        }
        open.add(w);
    }

    /** Adds a silence line for a long pause; it closes the open line first. */
    public void addSilence(double start, double end) {
        closeOpenLine();
        closed.add(new TranscriptLine(TranscriptLine.SILENCE, start, Math.max(start, end), ""));
    }

    /** Closes the open line (end of stream or utterance). */
    public void closeOpenLine() {
        if (!open.isEmpty()) {
            closed.add(new TranscriptLine(openSpeaker, open.get(0).start(),
                    Math.max(open.get(0).start(), open.get(open.size() - 1).end()), Words.rawText(open)));
            open.clear();
        }
    }

    /** Every line so far, the open one last (text as decoded, leading space kept). */
    public List<TranscriptLine> lines() {
        if (open.isEmpty()) {
            return List.copyOf(closed);
        }
        List<TranscriptLine> all = new ArrayList<>(closed);
        all.add(new TranscriptLine(openSpeaker, open.get(0).start(),
                Math.max(open.get(0).start(), open.get(open.size() - 1).end()), Words.rawText(open)));
        return all;
    }

    static boolean endsSentence(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return false;
        }
        char c = t.charAt(t.length() - 1);
        return c == '.' || c == '?' || c == '!' || c == '\u3002' || c == '\uff1f' || c == '\uff01';
    }
}
