package dev.steno.jitsi.meeting;

import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.engine.transcript.Word;
import dev.steno.engine.transcript.Words;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one session's transcript updates into what a meeting needs: lines to store (closed lines once, the growing
 * line whenever it changed), committed words to store, and captions.
 *
 * <p>Captions: the committed words not yet sent as a final, plus the tentative words, form the interim text of the
 * current utterance. An utterance becomes final when its line closes (pause, sentence end, length), when nothing
 * tentative is left (everything heard is committed), or when the stream ends. Stream times are shifted onto the
 * meeting clock by the participant's offset.
 *
 * <p>Voices: when the session diarizes within the participant, a line's speaker number is the voice that spoke it
 * (a voice change starts a new line, so every final belongs to one voice); otherwise every utterance is voice 1.
 *
 * <p>Not thread-safe: the scheduler runs one step of a session at a time.
 */
final class UtteranceTracker {
    /** Receives the tracker's output; meeting clock times. */
    interface Output {
        void line(int seq, TranscriptLine line);

        /** The line will not change any more: called once per line, after its last {@link #line}. */
        default void closed(int seq, TranscriptLine line) {
        }

        void words(int firstSeq, List<Word> words);

        void interim(Utterance u);

        void fin(Utterance u);
    }

    private static final double EPS = 1e-6;

    private final double offset;
    private final boolean voices;
    private final Output out;
    /** Lines before this index are closed and stored. */
    private int closedLines;
    private int openSeq = -1;
    private String openText;
    /** Committed words not yet part of a final utterance, stream times. */
    private final List<Word> pending = new ArrayList<>();
    private int wordSeq;
    private String messageId = Uuid7.next().toString();
    private String lastInterim = "";
    /** The voice of the newest line: who speaks the open utterance. */
    private int currentVoice = 1;

    /** A tracker of a participant that is one voice. */
    UtteranceTracker(double offsetSeconds, Output out) {
        this(offsetSeconds, false, out);
    }

    /**
     * @param voices true when line speaker numbers are voices within the participant (a diarizing speaker stage),
     *               false when they are the participant's own number
     */
    UtteranceTracker(double offsetSeconds, boolean voices, Output out) {
        this.offset = offsetSeconds;
        this.voices = voices;
        this.out = out;
    }

    /** The voice a line's speaker number stands for. */
    int voiceOf(TranscriptLine line) {
        return voices ? Math.max(1, line.speaker()) : 1;
    }

    void update(TranscriptUpdate u) {
        List<Word> committed = u.newlyCommitted();
        if (!committed.isEmpty()) {
            out.words(wordSeq, shift(committed));
            wordSeq += committed.size();
            pending.addAll(committed);
        }
        List<TranscriptLine> lines = u.lines();
        int n = lines.size();
        int closedNow = u.final_() ? n : Math.max(closedLines, n - 1);
        for (int i = closedLines; i < closedNow; i++) {
            TranscriptLine l = lines.get(i);
            if (l.isSilence()) {
                continue;
            }
            TranscriptLine shifted = shift(l);
            out.line(i, shifted);
            out.closed(i, shifted);
            currentVoice = voiceOf(l);
            finalUtterance(take(l.end()));
        }
        closedLines = closedNow;
        if (closedNow < n) {
            TranscriptLine open = lines.get(n - 1);
            if (!open.isSilence()) {
                currentVoice = voiceOf(open);
            }
            if (!open.isSilence() && (openSeq != n - 1 || !open.text().equals(openText))) {
                out.line(n - 1, shift(open));
                openSeq = n - 1;
                openText = open.text();
            }
        }
        if (!pending.isEmpty() && (u.tentative().isEmpty() || u.final_())) {
            finalUtterance(take(Double.POSITIVE_INFINITY));
        }
        List<Word> current = new ArrayList<>(pending);
        current.addAll(u.tentative());
        String interim = Words.text(current);
        if (!interim.isEmpty() && !interim.equals(lastInterim)) {
            lastInterim = interim;
            out.interim(new Utterance(messageId, interim, current.getFirst().start() + offset,
                    current.getLast().end() + offset, shift(pending), false, Utterance.confidenceOf(current),
                    currentVoice));
        }
    }

    private List<Word> take(double lineEnd) {
        List<Word> taken = new ArrayList<>();
        while (!pending.isEmpty() && pending.getFirst().end() <= lineEnd + EPS) {
            taken.add(pending.removeFirst());
        }
        return taken;
    }

    private void finalUtterance(List<Word> words) {
        String text = Words.text(words);
        if (text.isEmpty()) {
            return;
        }
        out.fin(new Utterance(messageId, text, words.getFirst().start() + offset, words.getLast().end() + offset,
                shift(words), true, Utterance.confidenceOf(words), currentVoice));
        messageId = Uuid7.next().toString();
        lastInterim = "";
    }

    private List<Word> shift(List<Word> words) {
        List<Word> shifted = new ArrayList<>(words.size());
        for (Word w : words) {
            shifted.add(w.shifted(offset));
        }
        return shifted;
    }

    private TranscriptLine shift(TranscriptLine l) {
        return new TranscriptLine(l.speaker(), l.start() + offset, l.end() + offset, l.text());
    }
}
