package dev.steno.engine.policy;

import dev.steno.engine.transcript.Word;
import java.util.ArrayList;
import java.util.List;

/**
 * LocalAgreement-2's word bookkeeping (WhisperStreaming's {@code HypothesisBuffer}), exactly as described in
 * {@code docs/algorithms.md} section 1.
 *
 * <p>State: {@code committedInBuffer} (committed words whose audio is still buffered), {@code buffer} (the previous
 * hypothesis minus what was committed from it), {@code new} (the hypothesis being inserted) and
 * {@code lastCommittedTime}. A word is committed once two consecutive hypotheses agree on it, in order, from the
 * front.
 *
 * <p>Words are compared by their exact {@link Word#text()}, leading space, case and punctuation included, as the
 * reference does: "country" and "country." are different words, so a word is only committed once the recogniser
 * has settled on its punctuation too. Comparing normalised text would commit earlier but could commit a spelling
 * that the next hypothesis no longer uses.
 *
 * <p>Not thread-safe; owned by one policy.
 */
final class HypothesisBuffer {
    /** Words starting up to this long before the last committed end are still taken as possibly new. */
    static final double OVERLAP_TOLERANCE_SEC = 0.1;
    /** The n-gram check only runs when the new hypothesis starts this close to the last committed end. */
    static final double NGRAM_WINDOW_SEC = 1.0;
    /** Longest committed tail compared against the new hypothesis' head. */
    static final int MAX_NGRAM = 5;
    /** With confidence validation, a word above this probability commits without waiting for agreement. */
    static final double CONFIDENT_PROBABILITY = 0.95;

    private final boolean confidenceValidation;
    private final List<Word> committedInBuffer = new ArrayList<>();
    private List<Word> buffer = new ArrayList<>();
    private List<Word> fresh = new ArrayList<>();
    private double lastCommittedTime;

    /**
     * @param confidenceValidation whether a word with probability above 0.95 commits without agreement
     */
    HypothesisBuffer(boolean confidenceValidation) {
        this.confidenceValidation = confidenceValidation;
    }

    /**
     * Takes a new hypothesis. Words are shifted by {@code offset} to absolute time, and words starting at or before
     * {@code lastCommittedTime - 0.1} are dropped as already committed. Because the recogniser re-transcribes
     * committed audio and its timestamps wander, a committed word can survive that filter; so when the first
     * remaining word starts within 1 s of {@code lastCommittedTime} and something is committed, the hypothesis' head
     * is compared with the committed tail for n = 1..5 words, and on the first (shortest) match those n words are
     * dropped.
     *
     * @param words  the hypothesis, times relative to {@code offset}
     * @param offset absolute time of the audio the hypothesis was made from
     */
    void insert(List<Word> words, double offset) {
        List<Word> kept = new ArrayList<>(words.size());
        for (Word w : words) {
            Word abs = w.shifted(offset);
            if (abs.start() > lastCommittedTime - OVERLAP_TOLERANCE_SEC) {
                kept.add(abs);
            }
        }
        if (!kept.isEmpty() && !committedInBuffer.isEmpty()
                && Math.abs(kept.get(0).start() - lastCommittedTime) < NGRAM_WINDOW_SEC) {
            int cn = committedInBuffer.size();
            int limit = Math.min(Math.min(cn, kept.size()), MAX_NGRAM);
            for (int i = 1; i <= limit; i++) {
                if (sameText(committedInBuffer.subList(cn - i, cn), kept.subList(0, i))) {
                    kept.subList(0, i).clear();
                    break;
                }
            }
        }
        fresh = kept;
    }

    /**
     * Commits the longest common prefix of the inserted hypothesis and the previous one (taking the inserted
     * hypothesis' timings), then makes the rest of the inserted hypothesis the new previous one.
     *
     * <p>With confidence validation, a head word of the inserted hypothesis whose probability exceeds 0.95 commits
     * even without agreement, and the previous hypothesis' word at that position is consumed with it, so both stay
     * aligned position by position.
     *
     * @return the newly committed words, in order
     */
    List<Word> flush() {
        List<Word> commit = new ArrayList<>();
        int ni = 0;
        int bi = 0;
        while (ni < fresh.size()) {
            Word w = fresh.get(ni);
            boolean confident = confidenceValidation && w.probability() > CONFIDENT_PROBABILITY;
            if (confident) {
                if (bi < buffer.size()) {
                    bi++;
                }
            } else if (bi < buffer.size() && w.text().equals(buffer.get(bi).text())) {
                bi++;
            } else {
                break;
            }
            commit.add(w);
            lastCommittedTime = w.end();
            ni++;
        }
        buffer = new ArrayList<>(fresh.subList(ni, fresh.size()));
        fresh = new ArrayList<>();
        committedInBuffer.addAll(commit);
        return commit;
    }

    /**
     * Forgets committed words whose audio was dropped: those ending at or before {@code time}.
     *
     * @return the forgotten words, in order, so that the caller can keep them as prompt context
     */
    List<Word> popCommitted(double time) {
        int n = 0;
        while (n < committedInBuffer.size() && committedInBuffer.get(n).end() <= time) {
            n++;
        }
        List<Word> popped = new ArrayList<>(committedInBuffer.subList(0, n));
        committedInBuffer.subList(0, n).clear();
        return popped;
    }

    /** The current tentative words: the previous hypothesis minus what was committed from it. */
    List<Word> complete() {
        return List.copyOf(buffer);
    }

    /** Committed words whose audio is still buffered, oldest first. */
    List<Word> committedInBuffer() {
        return List.copyOf(committedInBuffer);
    }

    /** The hypothesis given to the last {@link #insert} after filtering, until {@link #flush()} consumes it. */
    List<Word> inserted() {
        return List.copyOf(fresh);
    }

    /** End of the last committed word, or the time given to {@link #clear(double)}. */
    double lastCommittedTime() {
        return lastCommittedTime;
    }

    /**
     * Empties every list and sets {@code lastCommittedTime}, as for a fresh window starting at {@code time}.
     *
     * @return the committed words that were still in the buffer, so the caller can keep them as prompt context
     */
    List<Word> clear(double time) {
        List<Word> committed = List.copyOf(committedInBuffer);
        committedInBuffer.clear();
        buffer = new ArrayList<>();
        fresh = new ArrayList<>();
        lastCommittedTime = time;
        return committed;
    }

    private static boolean sameText(List<Word> a, List<Word> b) {
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).text().equals(b.get(i).text())) {
                return false;
            }
        }
        return true;
    }
}
