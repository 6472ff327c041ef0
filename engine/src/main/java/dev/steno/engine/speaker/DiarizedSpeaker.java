package dev.steno.engine.speaker;

import dev.steno.engine.diarization.Diarizer;
import dev.steno.engine.diarization.SpeakerSegment;
import dev.steno.engine.transcript.SpokenWord;
import dev.steno.engine.transcript.Word;
import dev.steno.engine.vad.VadEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A speaker stage driven by a {@link Diarizer}: words take speakers from the diarizer's segments by the rules of
 * diarization.md §1.
 *
 * <ul>
 *   <li>A word takes the speaker whose segments overlap it longest; a zero-length word the segment containing it; a
 *   punctuation-only word the previous word's speaker.</li>
 *   <li>A word no segment overlaps takes the nearest segment's speaker within {@value #NEAREST_SECONDS} s (where
 *   WhisperLiveKit says "speaker 1"); failing that, the previous word's speaker.</li>
 *   <li>A word waits while the diarizer has not decided its time yet (up to its end, or up to
 *   {@value #NEAREST_SECONDS} s past it when nothing overlaps it), so its speaker never has to change later.</li>
 *   <li>Speakers are numbered 1..N in the order they first speak a released word.</li>
 * </ul>
 *
 * <p>Memory stays bounded: segments older than the words still to come are dropped.
 */
public final class DiarizedSpeaker implements SpeakerStage {
    static final double NEAREST_SECONDS = 0.5;
    /** Consecutive segments of one speaker closer than this merge: a breath inside a turn is still the turn. */
    private static final double MERGE_GAP_SECONDS = 1.0;

    private final Diarizer diarizer;
    /** Decided segments, merged per speaker run, ordered by start. */
    private final ArrayList<SpeakerSegment> timeline = new ArrayList<>();
    private final ArrayDeque<Word> waiting = new ArrayDeque<>();
    private final Map<Integer, Integer> displayIds = new HashMap<>();
    private int previousSpeaker = -1;
    private double lastReleasedStart;
    private boolean finished;

    /** A stage over {@code diarizer}, which it owns and closes. */
    public DiarizedSpeaker(Diarizer diarizer) {
        this.diarizer = Objects.requireNonNull(diarizer, "diarizer");
    }

    @Override
    public void accept(float[] samples16k, int offset, int length, List<VadEvent> voiceActivity) {
        add(diarizer.accept(samples16k, offset, length, voiceActivity));
    }

    @Override
    public List<SpokenWord> attribute(List<Word> committed) {
        waiting.addAll(committed);
        return release(false);
    }

    @Override
    public List<SpokenWord> flush() {
        if (!finished) {
            finished = true;
            add(diarizer.finish());
        }
        return release(true);
    }

    @Override
    public double coverageSeconds() {
        return finished ? Double.POSITIVE_INFINITY : diarizer.coverage();
    }

    @Override
    public void close() {
        diarizer.close();
    }

    /** Segments kept to attribute words still to come (bounded however long the stream runs). */
    int retainedSegments() {
        return timeline.size();
    }

    private void add(List<SpeakerSegment> segments) {
        for (SpeakerSegment s : segments) {
            // the last run of the same speaker: extend it when close, so a short pause keeps the turn
            SpeakerSegment last = timeline.isEmpty() ? null : timeline.get(timeline.size() - 1);
            if (last != null && last.speaker() == s.speaker() && s.start() - last.end() <= MERGE_GAP_SECONDS) {
                timeline.set(timeline.size() - 1,
                        new SpeakerSegment(s.speaker(), last.start(), Math.max(last.end(), s.end())));
            } else {
                timeline.add(s);
            }
        }
    }

    private List<SpokenWord> release(boolean all) {
        List<SpokenWord> out = new ArrayList<>();
        double coverage = all ? Double.POSITIVE_INFINITY : diarizer.coverage();
        while (!waiting.isEmpty()) {
            Word w = waiting.peek();
            int speaker = decide(w, coverage, all);
            if (speaker < 0) {
                break;
            }
            waiting.poll();
            previousSpeaker = speaker;
            lastReleasedStart = w.start();
            out.add(new SpokenWord(w, displayId(speaker)));
        }
        prune();
        return out;
    }

    /** The diarizer's label for {@code w}, or -1 while it must wait. */
    private int decide(Word w, double coverage, boolean all) {
        if (previousSpeaker >= 0 && isPunctuation(w.bare())) {
            return previousSpeaker;
        }
        if (coverage < w.end()) {
            return -1;
        }
        int overlapping = longestOverlap(w);
        if (overlapping >= 0) {
            return overlapping;
        }
        if (!all && coverage < w.end() + NEAREST_SECONDS) {
            return -1;
        }
        int nearest = nearest(w, all ? Double.POSITIVE_INFINITY : NEAREST_SECONDS);
        if (nearest >= 0 && (all || previousSpeaker < 0 || distance(w, nearest) <= NEAREST_SECONDS)) {
            return nearest;
        }
        if (previousSpeaker >= 0) {
            return previousSpeaker;
        }
        // nothing spoke yet: the first speaker to appear anywhere, once there is one; at the end, the diarizer's 0
        if (!timeline.isEmpty()) {
            return timeline.get(0).speaker();
        }
        return all ? 0 : -1;
    }

    private int longestOverlap(Word w) {
        Map<Integer, Double> overlap = new HashMap<>();
        for (SpeakerSegment s : timeline) {
            double o = w.end() > w.start() ? s.overlap(w.start(), w.end())
                    : (w.start() >= s.start() && w.start() <= s.end() ? 1 : 0);
            if (o > 0) {
                overlap.merge(s.speaker(), o, Double::sum);
            }
        }
        int best = -1;
        double bestOverlap = 0;
        for (Map.Entry<Integer, Double> e : overlap.entrySet()) {
            if (e.getValue() > bestOverlap || (e.getValue() == bestOverlap && e.getKey() == previousSpeaker)) {
                best = e.getKey();
                bestOverlap = e.getValue();
            }
        }
        return best;
    }

    private int nearest(Word w, double within) {
        int best = -1;
        double bestDistance = within;
        for (SpeakerSegment s : timeline) {
            double d = Math.max(s.start() - w.end(), w.start() - s.end());
            if (d <= bestDistance) {
                best = s.speaker();
                bestDistance = d;
            }
        }
        return best;
    }

    private double distance(Word w, int speaker) {
        double best = Double.POSITIVE_INFINITY;
        for (SpeakerSegment s : timeline) {
            if (s.speaker() == speaker) {
                best = Math.min(best, Math.max(s.start() - w.end(), w.start() - s.end()));
            }
        }
        return best;
    }

    private int displayId(int label) {
        return displayIds.computeIfAbsent(label, l -> displayIds.size() + 1);
    }

    /** Drops segments that end well before any word still to come (committed words arrive in time order). */
    private void prune() {
        double horizon = (waiting.isEmpty() ? lastReleasedStart : Math.min(lastReleasedStart, waiting.peek().start()))
                - 2 * MERGE_GAP_SECONDS;
        int drop = 0;
        // keep the last segment always: it may still be extended by a merge
        while (drop < timeline.size() - 1 && timeline.get(drop).end() < horizon) {
            drop++;
        }
        if (drop > 0) {
            timeline.subList(0, drop).clear();
        }
    }

    private static boolean isPunctuation(String bare) {
        if (bare.isEmpty()) {
            return true;
        }
        for (int i = 0; i < bare.length(); ) {
            int cp = bare.codePointAt(i);
            if (Character.isLetterOrDigit(cp)) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }
}
