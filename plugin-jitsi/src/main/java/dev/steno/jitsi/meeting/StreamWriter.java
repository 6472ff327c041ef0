package dev.steno.jitsi.meeting;

import dev.steno.engine.transcript.Word;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Writes one participant stream's committed lines and words to the {@link TranscriptStore}, and keeps what the store
 * refused (database restarting, failing over, unreachable) to write it on the next try, so that an outage delays the
 * archive instead of losing committed text.
 *
 * <p>Every write is keyed (meeting, participant, stream, line or word number) and the store upserts by that key, so a
 * write repeated after an uncertain failure, or a line written again as it grows, is stored once. When the store was
 * unreachable at join, the stream has no number yet: it gets one on the first write that reaches the store (without a
 * number, two such streams of one participant would overwrite each other's lines).
 *
 * <p>Thread-safe: the participant's session writes, the registry's sweeper retries.
 */
final class StreamWriter {
    private static final System.Logger LOG = System.getLogger(StreamWriter.class.getName());
    /**
     * Most writes kept while the store is down: several hours of one busy participant. Past it the oldest word batch
     * goes first (lines carry the same text), then the oldest line, each with an error in the log.
     */
    static final int MAX_PENDING = 20_000;

    private final TranscriptStore store;
    private final String meetingId;
    private final String participantId;
    private final String displayName;
    private final String language;
    private final LongSupplier clockMillis;
    private final String who;
    /** The stream's number in the store; 0 until the store gave one. */
    private int stream;
    /** Lines not yet stored, by line number: a line that grows replaces its pending version. */
    private final Map<Integer, PendingLine> lines = new LinkedHashMap<>();
    private final List<PendingWords> words = new ArrayList<>();
    private boolean failing;
    private long dropped;

    private record PendingLine(int seq, int voice, double start, double end, String text) {
    }

    private record PendingWords(int firstSeq, List<Word> words) {
    }

    /**
     * @param stream the stream's number from {@link TranscriptStore#addStream}, or 0 when the store could not be
     *               reached at join (the writer asks again)
     * @param who    names the participant in log lines
     */
    StreamWriter(TranscriptStore store, String meetingId, String participantId, String displayName, String language,
                 int stream, LongSupplier clockMillis, String who) {
        this.store = store;
        this.meetingId = meetingId;
        this.participantId = participantId;
        this.displayName = displayName;
        this.language = language;
        this.stream = stream;
        this.clockMillis = clockMillis;
        this.who = who;
    }

    /** Stores a line (again, under the same number, while it grows); meeting clock times. */
    synchronized void line(int seq, int voice, double start, double end, String text) {
        lines.remove(seq); // re-insert: a grown line is written after the lines pending before it
        lines.put(seq, new PendingLine(seq, voice, start, end, text));
        bound();
        flush();
    }

    /** Stores committed words numbered from {@code firstSeq}; meeting clock times. */
    synchronized void words(int firstSeq, List<Word> committed) {
        if (committed.isEmpty()) {
            return;
        }
        words.add(new PendingWords(firstSeq, List.copyOf(committed)));
        bound();
        flush();
    }

    /**
     * Writes what is pending.
     *
     * @return true when nothing is left pending
     */
    synchronized boolean flush() {
        if (lines.isEmpty() && words.isEmpty()) {
            return true;
        }
        int before = pending();
        try {
            if (stream == 0) {
                stream = store.addStream(meetingId, participantId, displayName, language, clockMillis.getAsLong())
                        .stream();
            }
            for (Iterator<PendingLine> it = lines.values().iterator(); it.hasNext(); ) {
                PendingLine l = it.next();
                store.saveLine(meetingId, participantId, stream, l.seq(), l.voice(), l.start(), l.end(), l.text(),
                        clockMillis.getAsLong());
                it.remove();
            }
            for (Iterator<PendingWords> it = words.iterator(); it.hasNext(); ) {
                PendingWords w = it.next();
                store.saveWords(meetingId, participantId, stream, w.firstSeq(), w.words());
                it.remove();
            }
        } catch (RuntimeException e) { // StoreException, or a store that failed otherwise: keep the text either way
            if (!failing) {
                LOG.log(System.Logger.Level.ERROR, "cannot store the transcript of " + who + " (" + e.getMessage()
                        + "): its lines are kept in memory and written once the store answers");
                failing = true;
            }
            return false;
        }
        if (failing) {
            LOG.log(System.Logger.Level.INFO, "the transcript store answers again: stored {0} delayed write(s) of {1}",
                    before, who);
            failing = false;
        }
        return true;
    }

    /** Writes waiting for the store: lines plus word batches. */
    synchronized int pending() {
        return lines.size() + words.size();
    }

    /** The stream's number in the store, 0 while the store has not given one. */
    synchronized int stream() {
        return stream;
    }

    private void bound() {
        while (pending() > MAX_PENDING) {
            dropped++;
            if (!words.isEmpty()) {
                words.removeFirst();
            } else {
                Iterator<PendingLine> it = lines.values().iterator();
                it.next();
                it.remove();
            }
            if (dropped == 1 || dropped % 1000 == 0) {
                LOG.log(System.Logger.Level.ERROR, "the transcript store is unreachable for too long: dropped {0} of "
                        + "the oldest unstored write(s) of {1} (more than {2} were waiting)", dropped, who,
                        MAX_PENDING);
            }
        }
    }
}
