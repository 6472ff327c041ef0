package dev.steno.engine.diarization.baseline;

import dev.steno.engine.diarization.Diarizer;
import dev.steno.engine.diarization.DiarizerFactory;
import dev.steno.engine.diarization.SpeakerSegment;
import dev.steno.engine.vad.VadEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The weight-free diarizer: no model, no download, a few milliseconds of CPU per second of audio.
 *
 * <p>How it decides, in order:
 * <ol>
 *   <li><b>Speech.</b> Every 10 ms frame gets its energy and cepstra ({@link CepstralFrames}). A frame is speech
 *   when it is well above the tracked noise floor and, once the stream has voice-activity events, inside a speech
 *   interval. Frames are judged {@value #DELAY_FRAMES}0 ms late so the voice-activity events for them have arrived.</li>
 *   <li><b>Units.</b> Speech is cut into units at pauses and at most {@link Settings#unitFrames()} frames long; a
 *   unit's descriptor is the mean of its cepstra.</li>
 *   <li><b>Speakers.</b> A unit joins the nearest speaker ({@link SpeakerClusters}) unless it is farther than the
 *   new-speaker distance from all of them and the next unit agrees (is also far from all and near this one): one
 *   odd unit never creates a speaker. A lone unit between two of the same speaker takes that speaker. During the
 *   warm-up the new-speaker distance is larger, and speakers that turn out to be close merge, so one voice is not
 *   split in two early on.</li>
 * </ol>
 * A unit is decided once the next one has some speech or a pause follows it, so coverage trails the audio by about
 * a second.
 *
 * <p>Where it fails: overlapped speech (one speaker per unit), similar voices (two men of like pitch and timbre
 * merge), far-field rooms (reverberation blurs the cepstra), turn changes without a pause (the boundary falls on a
 * unit edge, up to half a second off).
 */
public final class BaselineDiarizer implements Diarizer {
    /** Frames are judged this many frames late, for the voice-activity events about them to arrive. */
    static final int DELAY_FRAMES = 25;
    private static final double FRAME_SECONDS = CepstralFrames.HOP / (double) CepstralFrames.SAMPLE_RATE;
    private static final double WINDOW_SECONDS = CepstralFrames.WINDOW / (double) CepstralFrames.SAMPLE_RATE;
    /** Speech fades in and out below the energy threshold: segments start this much earlier, end this much later. */
    private static final double PAD_ONSET = 0.05;
    private static final double PAD_OFFSET = 0.1;
    /** A pause shorter than this between two units of one speaker belongs to the turn (NeMo's min_duration_off). */
    private static final double MIN_PAUSE_SECONDS = 0.5;
    /** A descriptor: the mean cepstra, then the mean pitch of the voiced frames. */
    private static final int PITCH = CepstralFrames.CEPSTRA;
    private static final int DIMS = PITCH + 1;
    /** Pitch separates voices that cepstra alone confuse (a man and a woman); it counts as this many cepstra. */
    private static final double PITCH_WEIGHT = 2;
    private static final int MIN_VOICED = 8;
    /**
     * No new speaker before this many speech frames have taught the spread of the cepstra: measured on a couple of
     * seconds it is too narrow, every distance looks large and one voice splits in several (WhisperLiveKit's most
     * reported fault).
     */
    private static final int SPREAD_FRAMES = 150;

    /**
     * The tunable figures.
     *
     * @param maxSpeakers        at most this many speakers
     * @param newSpeakerDistance a unit farther than this from every speaker may start a new one
     * @param mergeDistance      speakers closer than this merge
     * @param warmupUnits        units of speech during which the new-speaker distance is larger
     * @param warmupFactor       how much larger
     * @param unitFrames         the longest unit, in 10 ms frames
     * @param pauseFrames        a pause this long ends a unit
     * @param minFrames          a unit with fewer speech frames is too short to describe a voice
     * @param speechAboveFloorDb a frame this far above the noise floor is loud enough to be speech
     */
    public record Settings(int maxSpeakers, double newSpeakerDistance, double mergeDistance, int warmupUnits,
                           double warmupFactor, int unitFrames, int pauseFrames, int minFrames,
                           double speechAboveFloorDb) {
        public Settings {
            if (maxSpeakers < 1) {
                throw new IllegalArgumentException("--max-speakers must be at least 1, was " + maxSpeakers);
            }
            if (!(mergeDistance < newSpeakerDistance)) {
                throw new IllegalArgumentException("the merge distance must be below the new-speaker distance");
            }
        }

        /** The defaults, tuned on synthetic dialogues and AMI (see the README's diarization section). */
        public static Settings defaults(int maxSpeakers) {
            return new Settings(maxSpeakers, 0.5, 0.3, 16, 1.4, 60, 20, 12, 12);
        }
    }

    /** A factory for streams with these settings. */
    public static DiarizerFactory factory(Settings settings) {
        return new DiarizerFactory() {
            @Override
            public String name() {
                return "baseline";
            }

            @Override
            public Diarizer newDiarizer() {
                return new BaselineDiarizer(settings);
            }
        };
    }

    /** A factory with the default settings. */
    public static DiarizerFactory factory(int maxSpeakers) {
        return factory(Settings.defaults(maxSpeakers));
    }

    private record Unit(long firstFrame, long lastFrame, double[] descriptor, int speechFrames) {
        boolean strong(Settings s) {
            return speechFrames >= s.minFrames();
        }
    }

    private final Settings settings;
    private final CepstralFrames frames = new CepstralFrames();
    private final SpeakerClusters clusters;
    private final CepstralFrames.Sink sink = this::onFrame;
    // frames waiting DELAY_FRAMES for their voice-activity verdict
    private final double[] delayedEnergy = new double[DELAY_FRAMES + 1];
    private final float[][] delayedCepstra = new float[DELAY_FRAMES + 1][CepstralFrames.CEPSTRA];
    private final double[] delayedPitch = new double[DELAY_FRAMES + 1];
    private long framesSeen;
    private double noiseFloor = Double.NaN;
    // voice activity as the events say: speech from the last start until its end
    private boolean vadSeen;
    private final ArrayDeque<long[]> vadIntervals = new ArrayDeque<>();
    private long openVadStart = -1;
    // the unit being built
    private long unitFirst = -1;
    private long unitLast = -1;
    private int unitSpeech;
    private final double[] unitSum = new double[DIMS];
    private int unitVoiced;
    private final ArrayDeque<Unit> undecided = new ArrayDeque<>();
    private long judgedFrames;
    private int previousLabel = -1;
    private int decidedUnits;
    private double coverage;
    private double lastEnd;
    private final List<SpeakerSegment> out = new ArrayList<>();

    public BaselineDiarizer(Settings settings) {
        this.settings = settings;
        double[] weights = new double[DIMS];
        Arrays.fill(weights, 1.0);
        weights[PITCH] = PITCH_WEIGHT;
        this.clusters = new SpeakerClusters(weights, settings.maxSpeakers());
    }

    @Override
    public List<SpeakerSegment> accept(float[] samples16k, int offset, int length, List<VadEvent> voiceActivity) {
        for (VadEvent e : voiceActivity) {
            vadSeen = true;
            long frame = e.sample() / CepstralFrames.HOP;
            if (e.isStart()) {
                openVadStart = frame;
            } else if (openVadStart >= 0) {
                vadIntervals.add(new long[]{openVadStart, frame});
                openVadStart = -1;
            }
        }
        frames.accept(samples16k, offset, length, sink);
        decide(false);
        return drain();
    }

    @Override
    public List<SpeakerSegment> finish() {
        // judge the delayed frames now: nothing more will come about them
        while (judgedFrames < framesSeen) {
            judge(judgedFrames++);
        }
        closeUnit();
        decide(true);
        coverage = Math.max(coverage, framesSeen * FRAME_SECONDS + WINDOW_SECONDS);
        return drain();
    }

    @Override
    public double coverage() {
        return coverage;
    }

    private List<SpeakerSegment> drain() {
        List<SpeakerSegment> result = List.copyOf(out);
        out.clear();
        return result;
    }

    private void onFrame(long index, double logEnergy, float[] cepstra, double pitch) {
        int slot = (int) (index % delayedEnergy.length);
        delayedEnergy[slot] = logEnergy;
        delayedPitch[slot] = pitch;
        System.arraycopy(cepstra, 0, delayedCepstra[slot], 0, cepstra.length);
        trackNoiseFloor(logEnergy);
        framesSeen = index + 1;
        if (index >= DELAY_FRAMES) {
            judge(judgedFrames++);
        }
    }

    /** Follows the quietest level: down at once, up slowly (half a decibel a second), so speech never lifts it. */
    private void trackNoiseFloor(double logEnergy) {
        if (Double.isNaN(noiseFloor) || logEnergy < noiseFloor) {
            noiseFloor = logEnergy;
        } else {
            noiseFloor += 0.005;
        }
    }

    private void judge(long frame) {
        int slot = (int) (frame % delayedEnergy.length);
        boolean speech = delayedEnergy[slot] > Math.max(noiseFloor + settings.speechAboveFloorDb(), -60)
                && (!vadSeen || vadSpeechAt(frame));
        if (speech) {
            float[] c = delayedCepstra[slot];
            for (int d = 0; d < c.length; d++) {
                clusters.observe(d, c[d]);
            }
            double pitch = delayedPitch[slot];
            clusters.observe(PITCH, pitch);
            if (!Double.isNaN(pitch)) {
                unitSum[PITCH] += pitch;
                unitVoiced++;
            }
            if (unitFirst < 0) {
                unitFirst = frame;
            }
            unitLast = frame;
            unitSpeech++;
            for (int d = 0; d < c.length; d++) {
                unitSum[d] += c[d];
            }
            if (frame - unitFirst + 1 >= settings.unitFrames()) {
                closeUnit();
            }
        } else if (unitFirst >= 0 && frame - unitLast >= settings.pauseFrames()) {
            closeUnit();
        }
        if (unitFirst < 0 && undecided.isEmpty()) {
            // nothing open and nothing waiting: everything up to this frame is decided silence
            advanceCoverage(frame * FRAME_SECONDS - PAD_ONSET);
        }
    }

    /**
     * Moves coverage towards {@code time}, but not past the last segment's end while a short pause could still join
     * the next unit to it.
     */
    private void advanceCoverage(double time) {
        double limit = time - lastEnd < MIN_PAUSE_SECONDS ? lastEnd : time;
        coverage = Math.max(coverage, Math.min(time, limit));
    }

    private boolean vadSpeechAt(long frame) {
        while (!vadIntervals.isEmpty() && vadIntervals.peek()[1] < frame - DELAY_FRAMES) {
            vadIntervals.poll();
        }
        for (long[] interval : vadIntervals) {
            if (frame >= interval[0] && frame < interval[1]) {
                return true;
            }
        }
        return openVadStart >= 0 && frame >= openVadStart;
    }

    private void closeUnit() {
        if (unitFirst < 0) {
            return;
        }
        undecided.add(openUnitSoFar());
        Arrays.fill(unitSum, 0);
        unitFirst = -1;
        unitLast = -1;
        unitSpeech = 0;
        unitVoiced = 0;
    }

    /** Decides every unit whose look-ahead is known (all of them at the end). */
    private void decide(boolean atEnd) {
        while (!undecided.isEmpty()) {
            Unit unit = undecided.peek();
            Unit next = nextStrong(undecided);
            boolean lookAheadKnown = next != null
                    || (unitFirst >= 0 && unitSpeech >= settings.minFrames())
                    || (unitFirst < 0 && judgedFrames - undecided.peekLast().lastFrame() > 2L * settings.pauseFrames());
            if (!lookAheadKnown && !atEnd) {
                break;
            }
            if (next == null && unitFirst >= 0) {
                next = openUnitSoFar();
            }
            undecided.poll();
            int label = label(unit, next);
            double start = Math.max(unit.firstFrame() * FRAME_SECONDS - PAD_ONSET, lastEnd);
            if (label == previousLabel && start - lastEnd < MIN_PAUSE_SECONDS) {
                // a short pause inside one speaker's turn is still the turn
                start = lastEnd;
            }
            double end = unit.lastFrame() * FRAME_SECONDS + WINDOW_SECONDS + PAD_OFFSET;
            if (end > start) {
                out.add(new SpeakerSegment(label, start, end));
                lastEnd = end;
            }
            previousLabel = label;
            Unit following = undecided.peek();
            long nextStart = following != null ? following.firstFrame() : unitFirst >= 0 ? unitFirst : judgedFrames;
            advanceCoverage(nextStart * FRAME_SECONDS);
        }
    }

    /** The first unit after the head with enough speech to describe a voice, or null. */
    private Unit nextStrong(ArrayDeque<Unit> units) {
        var it = units.iterator();
        it.next();
        while (it.hasNext()) {
            Unit u = it.next();
            if (u.strong(settings)) {
                return u;
            }
        }
        return null;
    }

    private Unit openUnitSoFar() {
        double[] mean = new double[DIMS];
        for (int d = 0; d < CepstralFrames.CEPSTRA; d++) {
            mean[d] = unitSum[d] / Math.max(1, unitSpeech);
        }
        // too few voiced frames say nothing reliable about pitch: leave it out of the distances
        mean[PITCH] = unitVoiced >= MIN_VOICED ? unitSum[PITCH] / unitVoiced : Double.NaN;
        return new Unit(unitFirst, unitLast, mean, unitSpeech);
    }

    private boolean farFromAll(double[] descriptor, double distance) {
        int nearest = clusters.nearest(descriptor);
        return nearest < 0 || clusters.distanceTo(nearest, descriptor) > distance;
    }

    /** The mean descriptor of two units, weighted by their speech. */
    private static double[] pair(Unit a, Unit b) {
        double[] mean = new double[a.descriptor().length];
        double wa = a.speechFrames();
        double wb = b.speechFrames();
        for (int d = 0; d < mean.length; d++) {
            mean[d] = (a.descriptor()[d] * wa + b.descriptor()[d] * wb) / (wa + wb);
        }
        return mean;
    }

    /** The speaker label of {@code unit}, learning from it. */
    private int label(Unit unit, Unit next) {
        if (!unit.strong(settings)) {
            // too little speech to tell a voice: it belongs with what came before, or the nearest speaker
            if (previousLabel >= 0) {
                return previousLabel;
            }
            int nearest = clusters.nearest(unit.descriptor());
            return nearest >= 0 ? clusters.label(nearest) : clusters.label(clusters.create(unit.descriptor()));
        }
        decidedUnits++;
        double newDistance = settings.newSpeakerDistance()
                * (decidedUnits <= settings.warmupUnits() ? settings.warmupFactor() : 1);
        int nearest = clusters.nearest(unit.descriptor());
        int cluster;
        if (nearest < 0) {
            cluster = clusters.create(unit.descriptor());
        } else if (clusters.distanceTo(nearest, unit.descriptor()) <= newDistance || clusters.full()
                || clusters.framesObserved() < SPREAD_FRAMES) {
            cluster = nearest;
            int previous = previousLabel >= 0 ? clusters.clusterOf(previousLabel) : -1;
            // a lone unit between two of the previous speaker stays with the previous speaker
            if (previous >= 0 && previous != cluster && next != null && next.strong(settings)
                    && clusters.nearest(next.descriptor()) == previous
                    && clusters.distanceTo(previous, unit.descriptor()) <= newDistance) {
                cluster = previous;
            }
        } else if (next != null && next.strong(settings) && farFromAll(next.descriptor(), newDistance)
                && farFromAll(pair(unit, next), newDistance)) {
            // this unit and the next, described together (less noise than either), are a voice not heard before
            cluster = clusters.create(pair(unit, next));
        } else {
            cluster = nearest;
        }
        int label = clusters.label(cluster);
        clusters.learn(cluster, unit.descriptor());
        clusters.mergeCloserThan(settings.mergeDistance());
        return clusters.label(clusters.clusterOf(label));
    }
}
