package dev.steno.engine.diarization.sortformer;

import dev.steno.engine.diarization.SpeakerSegment;
import java.util.List;

/**
 * One speaker's NeMo post-processing, run as the frames arrive, with append-only output.
 *
 * <p>NeMo ({@code ts_vad_post_processing}) repeats each 80 ms probability over eight 10 ms steps and then, over the
 * whole file: binarises with hysteresis (speech starts at a step above {@code onset}, ends at a step below
 * {@code offset}, each segment padded by {@code padOnset} before and {@code padOffset} after), merges overlapping
 * segments, drops those shorter than {@code minDurationOn}, fills gaps shorter than {@code minDurationOff} and merges
 * again. Each stage here is a small state machine with one pending segment:
 * <ul>
 *   <li>the binariser's open segment (its start is known);</li>
 *   <li>the merger's pending segment M, final once no later segment can start at or before its end;</li>
 *   <li>the gap filler's pending segment G, final once no later segment can start less than {@code minDurationOff}
 *       after its end.</li>
 * </ul>
 * A pending segment only ever grows at its end, so its extent so far is already certain speech: {@link #emit} returns
 * it as a piece up to the decided time and continues from there later (pieces of one speaker touch; the speaker stage
 * merges them). The decided time stops at the end of G while a short gap could still be filled: after a speaker
 * stops, this speaker's decision waits until {@code minDurationOff + padOnset} (0.214 s) of later frames show no new
 * speech — that is how {@code minDurationOff} crosses the coverage edge.
 *
 * <p>Times are seconds from the stream's start. Not thread-safe.
 */
final class SpeakerActivity {
    private static final double STEP = 0.01;
    private static final int STEPS_PER_FRAME = SortformerPreset.SUBSAMPLING;
    /** Pieces shorter than this wait for more (only while the segment is still open). */
    private static final double MIN_PIECE = 0.001;

    private final int speaker;
    private final PostProcessing pp;
    /** Next 10 ms step to binarise. */
    private long step;
    private boolean speech;
    private long speechStart;
    private boolean hasM;
    private double mStart;
    private double mEnd;
    private boolean hasG;
    private double gStart;
    private double gEnd;
    /** End of what has been returned of the current region, or NaN when none of it has. */
    private double emittedTo = Double.NaN;
    private double decided;
    /** End of the audio once known: nothing is returned past it. */
    private double limit = Double.POSITIVE_INFINITY;

    SpeakerActivity(int speaker, PostProcessing pp) {
        this.speaker = speaker;
        this.pp = pp;
    }

    /** Hears the next 80 ms frame's probability. */
    void frame(float p, List<SpeakerSegment> out) {
        for (int k = 0; k < STEPS_PER_FRAME; k++) {
            long i = step++;
            if (speech) {
                if (p < pp.offset()) {
                    closeRaw(i, out);
                    speech = false;
                }
            } else if (p > pp.onset()) {
                speechStart = i;
                speech = true;
            }
        }
        settle(out);
    }

    /** Returns the certain speech up to the decided time as pieces; updates {@link #decided()}. */
    void emit(List<SpeakerSegment> out) {
        double d;
        double regionStart;
        if (hasG) {
            boolean joins = mSurvives() && mStart - gEnd < pp.minDurationOff();
            d = joins ? mEnd : gEnd;
            regionStart = gStart;
        } else if (mSurvives()) {
            d = mEnd;
            regionStart = mStart;
        } else {
            d = nextStartBound();
            regionStart = Double.NaN;
        }
        d = Math.min(d, limit);
        if (!Double.isNaN(regionStart)) {
            double from = Double.isNaN(emittedTo) ? regionStart : emittedTo;
            if (d - from >= MIN_PIECE) {
                out.add(new SpeakerSegment(speaker, from, d));
                emittedTo = d;
            } else {
                // a sliver waits for more, and the decision waits with it
                d = Math.min(d, from);
            }
        }
        decided = Math.max(decided, d);
    }

    /** Time up to which this speaker's segments are all returned. */
    double decided() {
        return decided;
    }

    /** Clips everything returned from now on to {@code endSeconds}: the last frame may reach past the audio. */
    void limit(double endSeconds) {
        limit = Math.max(decided, endSeconds);
    }

    /**
     * End of the stream: closes everything (NeMo ends an open segment at the last step) and returns the rest,
     * clipped to {@code endSeconds}.
     */
    void finish(double endSeconds, List<SpeakerSegment> out) {
        limit(endSeconds);
        if (speech && step > 0) {
            addRaw(Math.max(0, speechStart * STEP - pp.padOnset()), (step - 1) * STEP + pp.padOffset(), out);
            speech = false;
        }
        if (hasM) {
            finalM(out);
        }
        if (hasG) {
            finalG(out);
        }
        decided = Math.max(decided, endSeconds);
    }

    private void closeRaw(long i, List<SpeakerSegment> out) {
        double start = Math.max(0, speechStart * STEP - pp.padOnset());
        double end = i * STEP + pp.padOffset();
        if (end > start) {
            addRaw(start, end, out);
        }
    }

    /** Merger: a raw segment joins M when it starts at or before M's end. */
    private void addRaw(double start, double end, List<SpeakerSegment> out) {
        if (hasM && mEnd >= start) {
            mEnd = Math.max(mEnd, end);
            return;
        }
        if (hasM) {
            finalM(out);
        }
        hasM = true;
        mStart = start;
        mEnd = end;
    }

    /** Finalises what later raw segments can no longer change. */
    private void settle(List<SpeakerSegment> out) {
        double bound = rawStartBound();
        if (hasM && bound > mEnd) {
            finalM(out);
        }
        if (hasG && nextStartBound() - gEnd >= pp.minDurationOff()) {
            finalG(out);
        }
    }

    /** M is final: dropped if short, else handed to the gap filler. */
    private void finalM(List<SpeakerSegment> out) {
        hasM = false;
        if (mEnd - mStart < pp.minDurationOn()) {
            return;
        }
        if (hasG && mStart - gEnd < pp.minDurationOff()) {
            gEnd = Math.max(gEnd, mEnd);
            return;
        }
        if (hasG) {
            finalG(out);
        }
        hasG = true;
        gStart = mStart;
        gEnd = mEnd;
    }

    /** G is final: returns what is left of it and closes the region. */
    private void finalG(List<SpeakerSegment> out) {
        hasG = false;
        double from = Double.isNaN(emittedTo) ? gStart : emittedTo;
        double to = Math.min(gEnd, limit);
        if (to > from) {
            out.add(new SpeakerSegment(speaker, from, to));
        }
        emittedTo = Double.NaN;
    }

    private boolean mSurvives() {
        return hasM && mEnd - mStart >= pp.minDurationOn();
    }

    /** Earliest start a raw segment not yet closed can have. */
    private double rawStartBound() {
        long from = speech ? speechStart : step;
        return Math.max(0, from * STEP - pp.padOnset());
    }

    /** Earliest start of the next segment to reach the gap filler. */
    private double nextStartBound() {
        return hasM ? mStart : rawStartBound();
    }
}
