package dev.steno.engine.diarization.scoring;

import dev.steno.engine.diarization.Assignment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores system speaker turns against reference turns by the rules of NIST md-eval-22 (time-mediated, as used for
 * DER everywhere): see {@code shared/docs/diarization.md} section 5.
 *
 * <p>For one recording: the evaluated time is the union of its UEM segments or, without any, the span from the first
 * reference start to the last reference end. A speaker's overlapping turns count once. Reference and system speakers
 * are matched one-to-one so that the mapped pairs speak together for the longest total time in the evaluated time
 * (collars and overlap exclusions included). The evaluated time is then cut into pieces with constant sets of
 * reference and system speakers; pieces within the collar (± {@code collar} seconds around the start and end of every
 * reference turn as written, so touching or overlapping turns of one speaker still have their own boundaries) are not
 * scored, nor, when {@linkplain #ignoringOverlap() asked}, pieces inside two or more reference turns (as md-eval
 * counts them, even two overlapping turns of one speaker). Each scored
 * piece of length d with n_ref reference and n_sys system speakers, n_map of them mapped pairs, adds
 * d·n_ref to the scored time, d·max(n_ref - n_sys, 0) to missed, d·max(n_sys - n_ref, 0) to false alarm and
 * d·(min(n_ref, n_sys) - n_map) to confusion.
 *
 * <p>Immutable and thread-safe.
 */
public final class DiarizationScorer {
    /** The collar of the "fair" and "forgiving" conventions (VoxSRC, CALLHOME), in seconds. */
    public static final double DEFAULT_COLLAR = 0.25;

    private final double collar;
    private final boolean ignoreOverlap;

    private DiarizationScorer(double collar, boolean ignoreOverlap) {
        if (!(collar >= 0) || !Double.isFinite(collar)) {
            throw new IllegalArgumentException("collar must be finite and >= 0 seconds, was " + collar);
        }
        this.collar = collar;
        this.ignoreOverlap = ignoreOverlap;
    }

    /** A scorer with the no-score collar {@code seconds} (md-eval {@code -c}; 0 scores every boundary). */
    public static DiarizationScorer withCollar(double seconds) {
        return new DiarizationScorer(seconds, false);
    }

    /**
     * This scorer, but leaving out time where two or more reference turns overlap (md-eval {@code -1}, which counts
     * a speaker's own overlapping turns too).
     */
    public DiarizationScorer ignoringOverlap() {
        return new DiarizationScorer(collar, true);
    }

    /** The collar in seconds. */
    public double collar() {
        return collar;
    }

    /** Whether overlapped reference speech is left out of scoring. */
    public boolean ignoresOverlap() {
        return ignoreOverlap;
    }

    /**
     * Scores one recording.
     *
     * @param reference the reference turns, all of one recording
     * @param system    the system's turns, of the same recording
     * @param uem       the evaluated time; segments of other recordings are ignored; {@code null} or none for this
     *                  recording evaluates from the first reference start to the last reference end (as md-eval)
     * @throws IllegalArgumentException when the turns name more than one recording
     */
    public DiarizationScore score(Collection<RttmTurn> reference, Collection<RttmTurn> system,
                                  Collection<UemSegment> uem) {
        String file = null;
        for (RttmTurn t : reference) {
            file = sameFile(file, t);
        }
        for (RttmTurn t : system) {
            file = sameFile(file, t);
        }
        List<double[]> evaluated = new ArrayList<>();
        if (uem != null) {
            for (UemSegment u : uem) {
                if (u.file().equals(file)) {
                    evaluated.add(new double[] {u.start(), u.end()});
                }
            }
        }
        if (evaluated.isEmpty() && !reference.isEmpty()) {
            double first = Double.POSITIVE_INFINITY;
            double last = Double.NEGATIVE_INFINITY;
            for (RttmTurn t : reference) {
                first = Math.min(first, t.start());
                last = Math.max(last, t.end());
            }
            evaluated.add(new double[] {first, last});
        }
        return scoreFile(List.copyOf(reference), List.copyOf(system), evaluated);
    }

    /**
     * Scores each recording of the reference (system turns and UEM segments of other recordings are ignored; a
     * recording the system left out is all missed).
     *
     * @param uem the evaluated time of each recording, or {@code null}; see {@link #score}
     * @return each reference recording's score, in order of first appearance
     */
    public Map<String, DiarizationScore> scoreEachFile(Collection<RttmTurn> reference, Collection<RttmTurn> system,
                                                       Collection<UemSegment> uem) {
        Map<String, List<RttmTurn>> systemByFile = Rttm.byFile(system);
        Map<String, DiarizationScore> scores = new LinkedHashMap<>();
        Rttm.byFile(reference).forEach((file, turns) ->
                scores.put(file, score(turns, systemByFile.getOrDefault(file, List.of()), uem)));
        return scores;
    }

    /** The total over every reference recording: {@link #scoreEachFile} summed (md-eval's {@code OVERALL}). */
    public DiarizationScore scoreAll(Collection<RttmTurn> reference, Collection<RttmTurn> system,
                                     Collection<UemSegment> uem) {
        return DiarizationScore.total(scoreEachFile(reference, system, uem).values());
    }

    private static String sameFile(String file, RttmTurn t) {
        if (file != null && !file.equals(t.file())) {
            throw new IllegalArgumentException("turns of more than one recording: '" + file + "' and '" + t.file()
                    + "'; use scoreEachFile");
        }
        return t.file();
    }

    private DiarizationScore scoreFile(List<RttmTurn> reference, List<RttmTurn> system, List<double[]> evaluated) {
        List<String> refNames = speakers(reference);
        List<String> sysNames = speakers(system);
        List<Event> events = new ArrayList<>();
        addSpeech(events, reference, refNames, Kind.REFERENCE);
        addSpeech(events, system, sysNames, Kind.SYSTEM);
        for (double[] e : evaluated) {
            events.add(new Event(e[0], Kind.EVALUATED, 0, 1));
            events.add(new Event(e[1], Kind.EVALUATED, 0, -1));
        }
        if (ignoreOverlap) {
            // md-eval counts overlapping turns as written, so a speaker's own overlapping turns count as overlap too
            for (RttmTurn t : reference) {
                if (t.duration() > 0) {
                    events.add(new Event(t.start(), Kind.REFERENCE_TURN, 0, 1));
                    events.add(new Event(t.end(), Kind.REFERENCE_TURN, 0, -1));
                }
            }
        }
        if (collar > 0) {
            for (RttmTurn t : reference) {
                for (double boundary : new double[] {t.start(), t.end()}) {
                    events.add(new Event(boundary - collar, Kind.COLLAR, 0, 1));
                    events.add(new Event(boundary + collar, Kind.COLLAR, 0, -1));
                }
            }
        }
        List<Piece> pieces = pieces(events, refNames.size(), sysNames.size());

        double[][] together = new double[refNames.size()][sysNames.size()];
        boolean[] refHeard = new boolean[refNames.size()];
        boolean[] sysHeard = new boolean[sysNames.size()];
        for (Piece p : pieces) {
            for (int r : p.reference) {
                refHeard[r] = true;
                for (int s : p.system) {
                    together[r][s] += p.duration;
                }
            }
            for (int s : p.system) {
                sysHeard[s] = true;
            }
        }
        int[] mapped = new int[refNames.size()];
        Arrays.fill(mapped, -1);
        if (!refNames.isEmpty() && !sysNames.isEmpty()) {
            mapped = Assignment.maximumWeight(together);
        }

        double scored = 0;
        double missed = 0;
        double falseAlarm = 0;
        double confusion = 0;
        for (Piece p : pieces) {
            int nRef = p.reference.length;
            int nSys = p.system.length;
            if (!p.scored) {
                continue;
            }
            int nMapped = 0;
            for (int r : p.reference) {
                if (mapped[r] >= 0 && contains(p.system, mapped[r])) {
                    nMapped++;
                }
            }
            scored += p.duration * nRef;
            missed += p.duration * Math.max(nRef - nSys, 0);
            falseAlarm += p.duration * Math.max(nSys - nRef, 0);
            confusion += p.duration * (Math.min(nRef, nSys) - nMapped);
        }
        return new DiarizationScore(scored, missed, falseAlarm, confusion, count(refHeard), count(sysHeard));
    }

    /** What an event changes. */
    private enum Kind { REFERENCE, SYSTEM, EVALUATED, COLLAR, REFERENCE_TURN }

    /** At {@code time} speaker {@code index} of its kind starts (+1) or stops (-1), or a zone opens or closes. */
    private record Event(double time, Kind kind, int index, int delta) {
    }

    /** Evaluated time of constant speaker sets; not scored inside a collar or (when asked) overlapped turns. */
    private record Piece(double duration, int[] reference, int[] system, boolean scored) {
    }

    /** Speaker labels in order of first appearance. */
    private static List<String> speakers(List<RttmTurn> turns) {
        return turns.stream().map(RttmTurn::speaker).distinct().toList();
    }

    /**
     * Start and stop events of each speaker's speech, its overlapping and touching turns joined so that the speaker
     * counts once; zero-length turns carry no speech.
     */
    private static void addSpeech(List<Event> events, List<RttmTurn> turns, List<String> names, Kind kind) {
        for (int index = 0; index < names.size(); index++) {
            String name = names.get(index);
            List<RttmTurn> own = turns.stream().filter(t -> t.speaker().equals(name) && t.duration() > 0)
                    .sorted(Comparator.comparingDouble(RttmTurn::start)).toList();
            double start = Double.NaN;
            double end = Double.NaN;
            for (RttmTurn t : own) {
                if (!Double.isNaN(end) && t.start() <= end) {
                    end = Math.max(end, t.end());
                    continue;
                }
                if (!Double.isNaN(end)) {
                    events.add(new Event(start, kind, index, 1));
                    events.add(new Event(end, kind, index, -1));
                }
                start = t.start();
                end = t.end();
            }
            if (!Double.isNaN(end)) {
                events.add(new Event(start, kind, index, 1));
                events.add(new Event(end, kind, index, -1));
            }
        }
    }

    /** Sweeps the events in time order into the evaluated pieces where anyone speaks. */
    private static List<Piece> pieces(List<Event> events, int refCount, int sysCount) {
        events.sort(Comparator.comparingDouble(Event::time));
        int[] refActive = new int[refCount];
        int[] sysActive = new int[sysCount];
        int evaluated = 0;
        int collars = 0;
        int turns = 0;
        List<Piece> pieces = new ArrayList<>();
        int i = 0;
        while (i < events.size()) {
            double time = events.get(i).time();
            for (; i < events.size() && events.get(i).time() == time; i++) {
                Event e = events.get(i);
                switch (e.kind()) {
                    case REFERENCE -> refActive[e.index()] += e.delta();
                    case SYSTEM -> sysActive[e.index()] += e.delta();
                    case EVALUATED -> evaluated += e.delta();
                    case COLLAR -> collars += e.delta();
                    case REFERENCE_TURN -> turns += e.delta();
                }
            }
            if (i == events.size() || evaluated <= 0) {
                continue;
            }
            double duration = events.get(i).time() - time;
            int[] refs = active(refActive);
            int[] syss = active(sysActive);
            if (refs.length > 0 || syss.length > 0) {
                pieces.add(new Piece(duration, refs, syss, collars == 0 && turns < 2));
            }
        }
        return pieces;
    }

    private static int[] active(int[] counts) {
        int n = 0;
        for (int c : counts) {
            if (c > 0) {
                n++;
            }
        }
        int[] indices = new int[n];
        n = 0;
        for (int k = 0; k < counts.length; k++) {
            if (counts[k] > 0) {
                indices[n++] = k;
            }
        }
        return indices;
    }

    private static boolean contains(int[] values, int value) {
        for (int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }

    private static int count(boolean[] flags) {
        int n = 0;
        for (boolean f : flags) {
            if (f) {
                n++;
            }
        }
        return n;
    }
}
