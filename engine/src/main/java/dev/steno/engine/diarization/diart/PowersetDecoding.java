package dev.steno.engine.diarization.diart;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Turns the "powerset" output of pyannote segmentation-3.0 into per-frame activities of its local speakers. Each
 * frame is a log-softmax over every set of at most {@code maxPerFrame} of {@code speakers} local speakers, in
 * pyannote's order: by size, then lexicographically; for 3 speakers and 2 per frame that is none, {1}, {2}, {3},
 * {1,2}, {1,3}, {2,3}.
 *
 * @param speakers    local speakers per window (3)
 * @param maxPerFrame the most speakers one frame can hold (2)
 * @param classes     the speaker sets, in class order
 */
public record PowersetDecoding(int speakers, int maxPerFrame, int[][] classes) {
    /** Metadata key (sherpa-onnx export) for {@link #speakers()}. */
    public static final String NUM_SPEAKERS = "num_speakers";
    /** Metadata key for {@link #maxPerFrame()}. */
    public static final String POWERSET_MAX_CLASSES = "powerset_max_classes";
    /** Metadata key for the number of classes, checked against the two above. */
    public static final String NUM_CLASSES = "num_classes";
    /**
     * The most classes a decoding may have. Segmentation models have a handful (7 for segmentation-3.0); a model's
     * metadata asking for more is damaged, and listing the sets of, say, 20 of 40 speakers would not end.
     */
    public static final int MAX_CLASSES = 1024;

    public PowersetDecoding {
        classes = Arrays.stream(classes).map(int[]::clone).toArray(int[][]::new);
    }

    /**
     * The powerset of {@code speakers} speakers with at most {@code maxPerFrame} per frame, in pyannote's order.
     *
     * @throws IllegalArgumentException when the counts are not positive, or make more than {@link #MAX_CLASSES} classes
     */
    public static PowersetDecoding of(int speakers, int maxPerFrame) {
        if (speakers < 1 || maxPerFrame < 1 || maxPerFrame > speakers) {
            throw new IllegalArgumentException("powerset of " + speakers + " speakers, " + maxPerFrame + " per frame");
        }
        // count before listing: sum of C(speakers, k) for k = 0..maxPerFrame, stopping once past the limit
        long count = 0;
        long choose = 1;
        for (int k = 0; k <= maxPerFrame && count <= MAX_CLASSES; k++) {
            count += choose;
            choose = choose * (speakers - k) / (k + 1);
        }
        if (count > MAX_CLASSES) {
            throw new IllegalArgumentException("a powerset of " + speakers + " speakers with at most " + maxPerFrame
                    + " per frame has more than " + MAX_CLASSES + " classes; no segmentation model has that many");
        }
        List<int[]> sets = new ArrayList<>();
        for (int size = 0; size <= maxPerFrame; size++) {
            combinations(speakers, size, 0, new int[size], 0, sets);
        }
        return new PowersetDecoding(speakers, maxPerFrame, sets.toArray(int[][]::new));
    }

    /**
     * The decoding a model's metadata describes; 3 speakers, 2 per frame (segmentation-3.0) where the keys are
     * absent.
     *
     * @throws IllegalArgumentException when a value is not a number or {@code num_classes} disagrees
     */
    public static PowersetDecoding fromMetadata(Map<String, String> metadata) {
        int speakers = intValue(metadata, NUM_SPEAKERS, 3);
        int perFrame = intValue(metadata, POWERSET_MAX_CLASSES, 2);
        PowersetDecoding d = of(speakers, perFrame);
        int classes = intValue(metadata, NUM_CLASSES, d.classCount());
        if (classes != d.classCount()) {
            throw new IllegalArgumentException("metadata says " + NUM_CLASSES + "=" + classes + " but a powerset of "
                    + speakers + " speakers with at most " + perFrame + " per frame has " + d.classCount());
        }
        return d;
    }

    static int intValue(Map<String, String> metadata, String key, int fallback) {
        String v = metadata.get(key);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        double d;
        try {
            d = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metadata " + key + "=" + v + " is not a number", e);
        }
        // rounding to int would wrap a larger value round to an unrelated one (or NaN to 0)
        if (!(Math.abs(d) <= Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("metadata " + key + "=" + v + " is not a number in int range");
        }
        return (int) Math.round(d);
    }

    private static void combinations(int n, int size, int from, int[] acc, int depth, List<int[]> out) {
        if (depth == size) {
            out.add(acc.clone());
            return;
        }
        for (int s = from; s < n; s++) {
            acc[depth] = s;
            combinations(n, size, s + 1, acc, depth + 1, out);
        }
    }

    /** Classes per frame (7 for segmentation-3.0). */
    public int classCount() {
        return classes.length;
    }

    /**
     * Soft activities: speaker {@code s} in frame {@code f} gets the summed probability of every class that holds
     * it, so overlap and uncertainty show as values between 0 and 1.
     *
     * @param logProbs {@code frames x classCount()} log-probabilities, row-major
     * @param out      receives {@code frames x speakers()}, row-major
     */
    public void soft(float[] logProbs, int frames, float[] out) {
        check(logProbs, frames, out);
        int c = classes.length;
        for (int f = 0; f < frames; f++) {
            Arrays.fill(out, f * speakers, (f + 1) * speakers, 0f);
            for (int k = 0; k < c; k++) {
                float p = (float) Math.exp(logProbs[f * c + k]);
                for (int s : classes[k]) {
                    out[f * speakers + s] += p;
                }
            }
        }
    }

    /**
     * Hard activities, as pyannote's {@code to_multilabel} (which diart applies): the most probable class of each
     * frame sets its speakers to 1 and the others to 0.
     */
    public void hard(float[] logProbs, int frames, float[] out) {
        check(logProbs, frames, out);
        int c = classes.length;
        for (int f = 0; f < frames; f++) {
            int best = 0;
            for (int k = 1; k < c; k++) {
                if (logProbs[f * c + k] > logProbs[f * c + best]) {
                    best = k;
                }
            }
            Arrays.fill(out, f * speakers, (f + 1) * speakers, 0f);
            for (int s : classes[best]) {
                out[f * speakers + s] = 1f;
            }
        }
    }

    private void check(float[] logProbs, int frames, float[] out) {
        if (logProbs.length < frames * classes.length || out.length < frames * speakers) {
            throw new IllegalArgumentException(frames + " frames need " + frames * classes.length + " inputs and "
                    + frames * speakers + " outputs");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PowersetDecoding p && p.speakers == speakers && p.maxPerFrame == maxPerFrame;
    }

    @Override
    public int hashCode() {
        return speakers * 31 + maxPerFrame;
    }

    @Override
    public String toString() {
        return "PowersetDecoding[" + speakers + " speakers, " + maxPerFrame + " per frame, " + classes.length
                + " classes]";
    }
}
