package dev.steno.obs.cea608;

import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.obs.caption.SpeakerRuns;
import dev.steno.engine.transcript.Word;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Live captions to CEA-608: committed words go in from the transcription side, exactly one byte pair per video
 * frame comes out on the video side.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * var sink = new Cea608CaptionSink(Cea608Settings.defaults(), listener);   // CC1, roll-up 2 rows, 29.97 fps
 * session sink:   sink.accept(update)            // or commit(speaker, words) + partial(text)
 * video side:     int pair = sink.nextPair()     // once per frame: SEI injector, SCC writer, Cea608FramePump
 * }</pre>
 * The two sides may be different threads; every method is thread-safe and none blocks for long.
 *
 * <h2>What goes on the wire</h2>
 * <ul>
 *   <li>Roll-up (default): each row starts with {@code RUn CR PAC(row 15)} (commands doubled, about 6 pairs), then
 *   the words as they are committed, wrapped at 32 columns, basic characters two per pair. A speaker change starts
 *   a new row with {@code >>}. Only committed words are sent: a 608 decoder cannot take text back short of a
 *   doubled backspace per character, so tentative text would cost more than it shows. Tentative text still counts
 *   as speech, so it holds off the silence erase.</li>
 *   <li>Pop-on: words gather into a caption of up to two rows; when it is full, at the end of a sentence, when a
 *   speaker changes, or when no word came for {@code popOnHoldSeconds}, it is sent as {@code RCL ENM PAC text [PAC text] EDM EOC} on rows 14-15
 *   and appears at once.</li>
 *   <li>Idle frames carry the padding pair {@code 80 80}. After {@code clearAfterSilenceSeconds} without speech
 *   the screen is erased ({@code EDM}, doubled).</li>
 * </ul>
 *
 * <h2>When speech outruns the channel</h2>
 * At 29.97 fps the channel carries about 60 characters a second, less the row overhead. The sink never stalls and
 * never lets the delay grow without bound: when the text not yet sent would need more than
 * {@code maxDelaySeconds} of channel time, the oldest unsent words (roll-up) or captions (pop-on) are dropped and an
 * ellipsis marks the gap in roll-up. The transcript itself is untouched; only its 608 rendering is shortened.
 */
public final class Cea608CaptionSink implements PairSource {
    private static final int COLUMNS = 32;
    private static final int BOTTOM_ROW = 15;
    private static final String GAP_MARK = "...";
    /** The last words stay readable at least this long, even when {@link #silence()} asks for an erase. */
    private static final double MIN_SHOW_SECONDS = 1.5;

    private final Cea608Settings settings;
    private final CharacterSet charset;
    private final CaptionDeliveryListener listener;
    private final PairBuffer out;
    private final ArrayDeque<Delivery> deliveries = new ArrayDeque<>();
    private final long maxBacklogFrames;
    private final long clearFrames;
    private final long holdFrames;
    private final long minShowFrames;

    // Roll-up: words not yet encoded, oldest first. Pop-on: the caption being built, then finished ones.
    private final List<Token> pending = new ArrayList<>();
    private final List<Token> building = new ArrayList<>();
    private final ArrayDeque<List<Token>> captions = new ArrayDeque<>();

    private long frame;
    private int column = -1;             // roll-up: cursor column on the bottom row; -1 = no row started
    private boolean lastWrittenGapMark;  // roll-up: the last token encoded was a "..." (one mark per gap)
    private boolean eraseWhenIdle;       // silence() was called: erase once the queue is empty
    private boolean displayed;           // something is on screen (so a silence erase is due eventually)
    private long lastActivityFrame;
    private long lastCommitFrame;
    private int lastSpeaker = TranscriptLine.UNKNOWN_SPEAKER;

    private long wordsQueued;
    private long wordsSent;
    private long wordsDropped;
    private long paddingFrames;

    /** A sink that reports nothing about individual words. */
    public Cea608CaptionSink(Cea608Settings settings) {
        this(settings, new CaptionDeliveryListener() {
        });
    }

    /** A sink that tells {@code listener} when each word is sent or dropped. */
    public Cea608CaptionSink(Cea608Settings settings, CaptionDeliveryListener listener) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.charset = new CharacterSet();
        this.out = new PairBuffer(settings.channel());
        this.maxBacklogFrames = settings.frames(settings.maxDelaySeconds());
        this.clearFrames = settings.frames(settings.clearAfterSilenceSeconds());
        this.holdFrames = settings.frames(settings.popOnHoldSeconds());
        this.minShowFrames = Math.min(clearFrames, settings.frames(MIN_SHOW_SECONDS));
    }

    /** The settings this sink encodes with. */
    public Cea608Settings settings() {
        return settings;
    }

    /**
     * Feeds one transcript update: its newly committed words (each run with the speaker of the line it joined) and
     * its tentative text.
     */
    public void accept(TranscriptUpdate update) {
        for (SpeakerRuns.Run run : SpeakerRuns.of(update)) {
            commit(run.speaker(), run.words());
        }
        partial(update.tentativeText());
    }

    /** Committed words of an unknown speaker. */
    public void commit(List<Word> words) {
        commit(TranscriptLine.UNKNOWN_SPEAKER, words);
    }

    /**
     * Committed words, in order, keeping their leading spaces as the engine gives them. A change between two known
     * speakers ({@code > 0}) starts a new row marked {@code >>}.
     */
    public synchronized void commit(int speaker, List<Word> words) {
        Objects.requireNonNull(words, "words");
        if (words.isEmpty()) {
            return;
        }
        if (speaker > 0 && lastSpeaker > 0 && speaker != lastSpeaker) {
            enqueue(new Token(charset.encode(">>"), false, true, null, frame));
        }
        if (speaker > 0) {
            lastSpeaker = speaker;
        }
        for (Word w : words) {
            List<Glyph> glyphs = charset.encode(w.text().strip());
            if (glyphs.isEmpty()) {
                continue;
            }
            boolean space = !w.text().isEmpty() && Character.isWhitespace(w.text().charAt(0));
            enqueue(new Token(glyphs, space, false, w, frame));
            wordsQueued++;
        }
        lastCommitFrame = frame;
        lastActivityFrame = frame;
        eraseWhenIdle = false;
        shorten();
    }

    /** The current tentative text: not sent (see the class comment), but it shows that someone is speaking. */
    public synchronized void partial(String text) {
        if (text != null && !text.isBlank()) {
            lastActivityFrame = frame;
        }
    }

    /**
     * Nobody is speaking (the caller's own silence detection, or the end of a stream): the screen is erased once what
     * is already queued has gone out and been readable for 1.5 s, without waiting for
     * {@code clearAfterSilenceSeconds}. A pop-on caption being built is shown first.
     */
    public synchronized void silence() {
        if (!settings.mode().rollUp()) {
            finishCaption();
        }
        eraseWhenIdle = true;
    }

    /** Pop-on: show the caption being built now rather than waiting (end of an utterance, end of stream). */
    public synchronized void flush() {
        if (!settings.mode().rollUp()) {
            finishCaption();
        }
    }

    @Override
    public synchronized int nextPair() {
        if (frame % settings.framesPerPair() != 0) {
            frame++; // above 30 fps: a frame without a 608 pair of its own
            return PairBuffer.PADDING;
        }
        if (out.queuedPairs() == 0) {
            refill();   // also when a lone character waits: the next word's space can share its pair
        }
        int pair;
        if (out.isEmpty()) {
            pair = PairBuffer.PADDING;
            paddingFrames++;
        } else {
            pair = out.pop();
            long seq = out.lastPoppedSeq();
            while (!deliveries.isEmpty() && deliveries.peekFirst().seq <= seq) {
                Delivery d = deliveries.pollFirst();
                wordsSent++;
                listener.sent(d.word, d.queuedFrame, frame);
                lastActivityFrame = frame;
            }
        }
        frame++;
        return pair;
    }

    /** Nothing queued, nothing encoded and waiting, nothing on screen: only padding would follow. */
    public synchronized boolean idle() {
        return out.isEmpty() && pending.isEmpty() && building.isEmpty() && captions.isEmpty() && !displayed;
    }

    /** Counters so far. */
    public synchronized Stats stats() {
        return new Stats(frame, paddingFrames, wordsQueued, wordsSent, wordsDropped, backlogFrames());
    }

    /**
     * Counters of a sink.
     *
     * @param frames        pairs handed out (= video frames)
     * @param paddingFrames of which idle padding (above 30 fps the frames that carry no pair by rule are not counted)
     * @param wordsQueued   committed words accepted
     * @param wordsSent     words fully on the wire
     * @param wordsDropped  words dropped because speech outran the channel
     * @param backlogFrames frames the text not yet sent needs now
     */
    public record Stats(long frames, long paddingFrames, long wordsQueued, long wordsSent, long wordsDropped,
                        long backlogFrames) {
    }

    // ---- queueing and shortening

    private void enqueue(Token t) {
        if (settings.mode().rollUp()) {
            pending.add(t);
            return;
        }
        if (t.newRow && !building.isEmpty()) {
            finishCaption();
        }
        if (!fits(building, t)) {
            finishCaption();
        }
        building.add(t);
        if (t.word != null && endsSentence(t.word.text())) {
            finishCaption();   // a sentence is a natural caption, and waiting for more only adds delay
        }
    }

    private static boolean endsSentence(String text) {
        String s = text.strip();
        return !s.isEmpty() && ".?!".indexOf(s.charAt(s.length() - 1)) >= 0;
    }

    /** Drops the oldest unsent words or captions while the backlog is over the bound. */
    private void shorten() {
        while (backlogFrames() > maxBacklogFrames) {
            if (settings.mode().rollUp()) {
                int i = firstDroppable();
                if (i < 0) {
                    return;
                }
                drop(pending.remove(i));
                boolean markedBefore = i > 0 ? pending.get(i - 1).gapMark : lastWrittenGapMark;
                if (!markedBefore) {
                    pending.add(i, new Token(charset.encode(GAP_MARK), true, false, null, frame, true));
                }
            } else {
                if (captions.isEmpty()) {
                    return;
                }
                for (Token t : captions.pollFirst()) {
                    drop(t);
                }
            }
        }
    }

    private int firstDroppable() {
        for (int i = 0; i < pending.size(); i++) {
            if (pending.get(i).word != null) {
                return i;
            }
        }
        return -1;
    }

    private void drop(Token t) {
        if (t.word != null) {
            wordsDropped++;
            listener.dropped(t.word, t.queuedFrame, frame);
        }
    }

    /** Frames the text not yet sent needs: what is encoded plus an estimate of what is queued. */
    private long backlogFrames() {
        double pairs = out.size();
        if (settings.mode().rollUp()) {
            int col = column;
            for (Token t : pending) {
                boolean space = t.space && col > 0;
                int width = t.glyphs.size() + (space ? 1 : 0);
                if (col < 0 || t.newRow || col + width > COLUMNS) {
                    pairs += 6;   // RU, CR, PAC, each doubled
                    col = 0;
                    width = t.glyphs.size();
                    space = false;
                }
                pairs += cost(t.glyphs) + (space ? 0.5 : 0);
                col += width;
            }
        } else {
            for (List<Token> c : captions) {
                pairs += captionCost(c);
            }
            if (!building.isEmpty()) {
                pairs += captionCost(building);
            }
        }
        return (long) Math.ceil(pairs) * settings.framesPerPair();
    }

    private static double cost(List<Glyph> glyphs) {
        double c = 0;
        for (Glyph g : glyphs) {
            c += g.pairCost();
        }
        return c;
    }

    private double captionCost(List<Token> caption) {
        List<List<Glyph>> rows = layout(caption);
        double c = 4 + 4;   // RCL ENM ... EDM EOC, doubled
        for (List<Glyph> row : rows) {
            c += 2 + Math.ceil(cost(row));
        }
        return c;
    }

    // ---- encoding

    private void refill() {
        if (settings.mode().rollUp()) {
            refillRollUp();
        } else {
            refillPopOn();
        }
        if (out.queuedPairs() == 0 && pending.isEmpty() && building.isEmpty() && captions.isEmpty()) {
            long quiet = frame - lastActivityFrame;
            if (!displayed) {
                eraseWhenIdle = false;
            } else if (quiet >= clearFrames || eraseWhenIdle && quiet >= minShowFrames) {
                out.command(ControlCode.EDM);
                displayed = false;
                eraseWhenIdle = false;
                column = -1;
            }
        }
    }

    private void refillRollUp() {
        // One word at a time, so that words still queued can be dropped if speech outruns the channel.
        while (!pending.isEmpty() && out.queuedPairs() == 0) {
            Token t = pending.remove(0);
            writeRollUp(t);
            lastWrittenGapMark = t.gapMark;
            if (t.word != null) {
                deliveries.addLast(new Delivery(out.lastWrittenSeq(), t.word, t.queuedFrame));
            }
        }
    }

    private void writeRollUp(Token t) {
        boolean space = t.space && column > 0;
        if (column < 0 || t.newRow && column > 0 || column + (space ? 1 : 0) + t.glyphs.size() > COLUMNS) {
            newRow();
            space = false;
        }
        if (space) {
            out.basic(' ');
            column++;
        }
        for (Glyph g : t.glyphs) {
            if (column == COLUMNS) {
                newRow();   // a word longer than a row is split
            }
            out.glyph(g);
            column++;
        }
        displayed = true;
    }

    private void newRow() {
        out.command(settings.mode().code());
        out.command(ControlCode.CR);
        out.command(ControlCode.preambleAddress(settings.channel(), BOTTOM_ROW));
        column = 0;
    }

    private void refillPopOn() {
        if (captions.isEmpty() && !building.isEmpty() && frame - lastCommitFrame >= holdFrames) {
            finishCaption();
        }
        List<Token> caption = captions.pollFirst();
        if (caption == null) {
            return;
        }
        List<List<Glyph>> rows = layout(caption);
        out.command(ControlCode.RCL);
        out.command(ControlCode.ENM);
        int row = BOTTOM_ROW - rows.size() + 1;
        for (List<Glyph> glyphs : rows) {
            out.command(ControlCode.preambleAddress(settings.channel(), row++));
            for (Glyph g : glyphs) {
                out.glyph(g);
            }
        }
        out.command(ControlCode.EDM);
        out.command(ControlCode.EOC);
        long shownSeq = out.lastWrittenSeq();
        for (Token t : caption) {
            if (t.word != null) {
                deliveries.addLast(new Delivery(shownSeq, t.word, t.queuedFrame));
            }
        }
        displayed = true;
    }

    private void finishCaption() {
        if (!building.isEmpty()) {
            captions.addLast(new ArrayList<>(building));
            building.clear();
            shorten();
        }
    }

    /** Whether {@code t} still fits the pop-on caption being built. */
    private boolean fits(List<Token> caption, Token t) {
        List<Token> with = new ArrayList<>(caption);
        with.add(t);
        return layout(with).size() <= settings.mode().rows();
    }

    /** Word-wraps a pop-on caption's tokens into rows of at most 32 glyphs. */
    private static List<List<Glyph>> layout(List<Token> caption) {
        List<List<Glyph>> rows = new ArrayList<>();
        List<Glyph> row = null;
        for (Token t : caption) {
            boolean space = t.space && row != null && !row.isEmpty();
            if (row == null || t.newRow && !row.isEmpty()
                    || row.size() + (space ? 1 : 0) + t.glyphs.size() > COLUMNS) {
                row = new ArrayList<>();
                rows.add(row);
                space = false;
            }
            if (space) {
                row.add(Glyph.basic(' '));
            }
            for (Glyph g : t.glyphs) {
                if (row.size() == COLUMNS) {
                    row = new ArrayList<>();
                    rows.add(row);
                }
                row.add(g);
            }
        }
        return rows;
    }

    /** A word (or marker) waiting to be encoded. */
    private record Token(List<Glyph> glyphs, boolean space, boolean newRow, Word word, long queuedFrame,
                         boolean gapMark) {
        Token(List<Glyph> glyphs, boolean space, boolean newRow, Word word, long queuedFrame) {
            this(glyphs, space, newRow, word, queuedFrame, false);
        }
    }

    /** A word that counts as sent once the pair numbered {@code seq} has left. */
    private record Delivery(long seq, Word word, long queuedFrame) {
    }
}
