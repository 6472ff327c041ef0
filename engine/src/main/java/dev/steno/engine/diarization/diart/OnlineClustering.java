package dev.steno.engine.diarization.diart;

import dev.steno.engine.diarization.Assignment;
import java.util.Arrays;

/**
 * diart's constrained incremental clustering of speaker embeddings: each window's local speakers are mapped to
 * global speakers whose centroids live for the whole stream.
 *
 * <p>One call, {@link #identify}, per window:
 * <ul>
 *   <li>a local speaker is <em>active</em> when its activity reaches {@code tauActive} in some frame and it has an
 *       embedding, and <em>long</em> when its mean activity over the window reaches {@code rhoUpdate};</li>
 *   <li>the first window founds one global speaker per active local speaker;</li>
 *   <li>afterwards active locals are matched to known globals by optimal assignment on cosine distance (so two locals
 *       never share a global); a match at distance {@code >= deltaNew} is undone and the assignment solved again
 *       without that local;</li>
 *   <li>an unmatched local that is long founds a new global while fewer than {@code maxSpeakers} exist; otherwise it
 *       takes the nearest global no other local took this window, if any (not touching that centroid), or is
 *       dropped;</li>
 *   <li>the centroid of a matched long local grows by its embedding ({@code c += e}; the sum of unit vectors keeps
 *       the cosine to the speaker's mean direction).</li>
 * </ul>
 * Memory is bounded: at most {@code maxSpeakers} centroids. Not thread-safe; one per stream.
 */
public final class OnlineClustering {
    /** What diart puts on forbidden pairs: large but finite, as the assignment needs. */
    private static final double INVALID = 1e10;

    private final double tauActive;
    private final double rhoUpdate;
    private final double deltaNew;
    private final int maxSpeakers;
    private float[][] centroids;
    private int known;

    /**
     * @param tauActive   activity a local speaker must reach in one frame to count (diart 0.6)
     * @param rhoUpdate   mean activity over the window a local speaker needs to update or found a centroid (0.3)
     * @param deltaNew    cosine distance from which a local speaker is not the global one (1.0)
     * @param maxSpeakers the most global speakers (20)
     */
    public OnlineClustering(double tauActive, double rhoUpdate, double deltaNew, int maxSpeakers) {
        if (maxSpeakers < 1) {
            throw new IllegalArgumentException("max speakers " + maxSpeakers);
        }
        if (!(deltaNew > 0 && deltaNew <= 2)) {
            throw new IllegalArgumentException("delta_new is a cosine distance in (0, 2], was " + deltaNew);
        }
        this.tauActive = tauActive;
        this.rhoUpdate = rhoUpdate;
        this.deltaNew = deltaNew;
        this.maxSpeakers = maxSpeakers;
    }

    /** Global speakers founded so far; their labels are {@code 0 .. speakers()-1}. */
    public int speakers() {
        return known;
    }

    /** A copy of global speaker {@code g}'s centroid (the sum of the embeddings that updated it). */
    public float[] centroid(int g) {
        if (g < 0 || g >= known) {
            throw new IndexOutOfBoundsException("no global speaker " + g);
        }
        return centroids[g].clone();
    }

    /**
     * Maps one window's local speakers to global speakers, founding and updating centroids as it goes.
     *
     * @param activity   {@code frames x locals} activities in [0, 1], row-major
     * @param embeddings per local speaker its embedding, or {@code null} when it has none (too little speech)
     * @return per local speaker its global speaker, or -1 when it maps to none (inactive or dropped)
     */
    public int[] identify(float[] activity, int frames, int locals, float[][] embeddings) {
        if (embeddings.length != locals || activity.length < frames * locals) {
            throw new IllegalArgumentException(locals + " local speakers, " + embeddings.length + " embeddings, "
                    + activity.length + " activities for " + frames + " frames");
        }
        boolean[] active = new boolean[locals];
        boolean[] isLong = new boolean[locals];
        for (int l = 0; l < locals; l++) {
            float max = 0;
            double sum = 0;
            for (int f = 0; f < frames; f++) {
                float a = activity[f * locals + l];
                max = Math.max(max, a);
                sum += a;
            }
            active[l] = frames > 0 && max >= tauActive && usable(embeddings[l]);
            isLong[l] = frames > 0 && sum / frames >= rhoUpdate;
        }
        int[] map = new int[locals];
        Arrays.fill(map, -1);
        if (centroids == null) {
            centroids = new float[maxSpeakers][];
            for (int l = 0; l < locals; l++) {
                if (active[l] && known < maxSpeakers) {
                    map[l] = found(embeddings[l]);
                }
            }
            return map;
        }
        double[][] dist = new double[locals][maxSpeakers];
        for (int l = 0; l < locals; l++) {
            for (int g = 0; g < maxSpeakers; g++) {
                dist[l][g] = active[l] && g < known ? cosineDistance(embeddings[l], centroids[g]) : INVALID;
            }
        }
        matchUnderThreshold(dist, active, map);
        boolean[] missed = new boolean[locals];
        boolean[] taken = new boolean[maxSpeakers];
        for (int l = 0; l < locals; l++) {
            missed[l] = active[l] && map[l] < 0;
            if (map[l] >= 0) {
                taken[map[l]] = true;
            }
        }
        boolean[] founds = new boolean[locals];
        int newCount = 0;
        for (int l = 0; l < locals; l++) {
            if (!missed[l]) {
                continue;
            }
            if (newCount < maxSpeakers - known && isLong[l]) {
                founds[l] = true;
                newCount++;
            } else {
                int nearest = nearestFree(dist[l], taken);
                if (nearest >= 0) {
                    map[l] = nearest;
                    taken[nearest] = true;
                }
            }
        }
        for (int l = 0; l < locals; l++) {
            if (map[l] >= 0 && !missed[l] && isLong[l]) {
                float[] c = centroids[map[l]];
                float[] e = embeddings[l];
                for (int d = 0; d < c.length; d++) {
                    c[d] += e[d];
                }
            }
        }
        for (int l = 0; l < locals; l++) {
            if (founds[l]) {
                map[l] = found(embeddings[l]);
            }
        }
        return map;
    }

    /**
     * Optimal assignment, then any pair at or beyond {@code deltaNew} is undone and the rest solved again, until
     * every remaining pair is closer than {@code deltaNew} (diart solves once more after undoing; repeating until
     * stable also guarantees the threshold for the final matching).
     */
    private void matchUnderThreshold(double[][] dist, boolean[] active, int[] map) {
        int locals = dist.length;
        boolean[] candidate = new boolean[locals];
        for (int l = 0; l < locals; l++) {
            candidate[l] = active[l] && known > 0;
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            double[][] cost = new double[locals][];
            for (int l = 0; l < locals; l++) {
                cost[l] = candidate[l] ? dist[l] : filled(maxSpeakers, INVALID);
            }
            int[] solution = Assignment.minimumCost(cost);
            for (int l = 0; l < locals; l++) {
                map[l] = -1;
                if (candidate[l] && solution[l] >= 0) {
                    if (dist[l][solution[l]] >= deltaNew) {
                        candidate[l] = false;
                        changed = true;
                    } else {
                        map[l] = solution[l];
                    }
                }
            }
        }
    }

    private int nearestFree(double[] row, boolean[] taken) {
        int best = -1;
        for (int g = 0; g < known; g++) {
            if (!taken[g] && (best < 0 || row[g] < row[best])) {
                best = g;
            }
        }
        return best;
    }

    private int found(float[] embedding) {
        centroids[known] = embedding.clone();
        return known++;
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        Arrays.fill(a, v);
        return a;
    }

    private static boolean usable(float[] e) {
        if (e == null) {
            return false;
        }
        double norm = 0;
        for (float v : e) {
            if (!Float.isFinite(v)) {
                return false;
            }
            norm += v * v;
        }
        return norm > 0;
    }

    /** 1 - cos(a, b), in [0, 2]. */
    static double cosineDistance(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("embeddings of " + a.length + " and " + b.length + " dimensions");
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * (double) b[i];
            na += a[i] * (double) a[i];
            nb += b[i] * (double) b[i];
        }
        if (na == 0 || nb == 0) {
            return 1;
        }
        return 1 - dot / Math.sqrt(na * nb);
    }
}
