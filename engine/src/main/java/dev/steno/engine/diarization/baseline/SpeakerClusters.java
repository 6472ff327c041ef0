package dev.steno.engine.diarization.baseline;

import java.util.ArrayList;
import java.util.List;

/**
 * Online clustering of voice descriptors: one centroid per speaker, a distance threshold for new speakers and a
 * lower one below which two speakers are the same person after all and merge.
 *
 * <p>Distances are taken per dimension in units of that dimension's spread over the stream so far (each cepstral
 * coefficient has its own scale), and averaged: about 0 for the same voice, about 1 or more for clearly different
 * ones. A centroid learns as a running mean whose weight is capped, so it follows a voice that drifts over hours
 * while staying stable; state is bounded by the number of speakers.
 */
final class SpeakerClusters {
    /** A centroid stops at this many descriptors' weight: later ones still move it by 1/CAP. */
    private static final int CAP = 200;

    private final int dims;
    private final int maxSpeakers;
    private final List<double[]> centroids = new ArrayList<>();
    private final List<Integer> weights = new ArrayList<>();
    /** Label of each centroid (labels survive merges: the merged one's label points to the survivor's). */
    private final List<Integer> labels = new ArrayList<>();
    private final List<Integer> alias = new ArrayList<>();
    private final double[] weight;
    private final double[] spreadMean;
    private final double[] spreadM2;
    private final long[] spreadCount;

    /**
     * @param weight how much each dimension counts in a distance (a dimension the others do not repeat, such as
     *               pitch, deserves more than one cepstral coefficient)
     */
    SpeakerClusters(double[] weight, int maxSpeakers) {
        this.dims = weight.length;
        this.weight = weight.clone();
        this.maxSpeakers = maxSpeakers;
        this.spreadMean = new double[dims];
        this.spreadM2 = new double[dims];
        this.spreadCount = new long[dims];
    }

    /** Learns the spread of one dimension from one frame's value (Welford); NaN (not measured) is skipped. */
    void observe(int d, double value) {
        if (Double.isNaN(value)) {
            return;
        }
        long n = ++spreadCount[d];
        double delta = value - spreadMean[d];
        spreadMean[d] += delta / n;
        spreadM2[d] += delta * (value - spreadMean[d]);
    }

    /** Speech frames the spread was learned from (the cepstra's first dimension). */
    long framesObserved() {
        return spreadCount[0];
    }

    int size() {
        return centroids.size();
    }

    boolean full() {
        return centroids.size() >= maxSpeakers;
    }

    /** The normalised distance between two descriptors, over the dimensions both have (NaN: not measured). */
    double distance(double[] a, double[] b) {
        double sum = 0;
        double weights = 0;
        for (int d = 0; d < dims; d++) {
            double diff = a[d] - b[d];
            if (Double.isNaN(diff)) {
                continue;
            }
            double variance = spreadCount[d] > 1 ? spreadM2[d] / (spreadCount[d] - 1) : 1;
            sum += weight[d] * diff * diff / Math.max(variance, 1e-6);
            weights += weight[d];
        }
        return weights == 0 ? 0 : Math.sqrt(sum / weights);
    }

    /** Index of the nearest centroid, or -1 when there is none. */
    int nearest(double[] e) {
        int best = -1;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int i = 0; i < centroids.size(); i++) {
            double d = distance(e, centroids.get(i));
            if (d < bestDistance) {
                bestDistance = d;
                best = i;
            }
        }
        return best;
    }

    double distanceTo(int cluster, double[] e) {
        return distance(e, centroids.get(cluster));
    }

    /** A new speaker whose centroid starts at {@code e}; returns its cluster index. */
    int create(double[] e) {
        centroids.add(e.clone());
        weights.add(1);
        int label = alias.size();
        alias.add(label);
        labels.add(label);
        return centroids.size() - 1;
    }

    void learn(int cluster, double[] e) {
        double[] c = centroids.get(cluster);
        int w = Math.min(weights.get(cluster) + 1, CAP);
        weights.set(cluster, w);
        for (int d = 0; d < dims; d++) {
            if (Double.isNaN(c[d])) {
                c[d] = e[d];
            } else if (!Double.isNaN(e[d])) {
                c[d] += (e[d] - c[d]) / w;
            }
        }
    }

    /** The stable label of a cluster: the diarizer's speaker number. */
    int label(int cluster) {
        return labels.get(cluster);
    }

    /** The cluster a label now belongs to (after merges), or -1. */
    int clusterOf(int label) {
        int l = label;
        while (alias.get(l) != l) {
            l = alias.get(l);
        }
        return labels.indexOf(l);
    }

    /**
     * Merges every pair of speakers closer than {@code threshold}: the younger joins the older, keeping the older's
     * label, so speakers split early on (one voice, two clusters) become one again.
     *
     * @return whether anything merged
     */
    boolean mergeCloserThan(double threshold) {
        boolean merged = false;
        for (boolean again = true; again; ) {
            again = false;
            for (int i = 0; i < centroids.size() && !again; i++) {
                for (int j = i + 1; j < centroids.size() && !again; j++) {
                    if (distance(centroids.get(i), centroids.get(j)) < threshold) {
                        double[] a = centroids.get(i);
                        double[] b = centroids.get(j);
                        int wa = weights.get(i);
                        int wb = weights.get(j);
                        for (int d = 0; d < dims; d++) {
                            a[d] = Double.isNaN(a[d]) ? b[d]
                                    : Double.isNaN(b[d]) ? a[d] : (a[d] * wa + b[d] * wb) / (wa + wb);
                        }
                        weights.set(i, Math.min(wa + wb, CAP));
                        alias.set(labels.get(j), labels.get(i));
                        centroids.remove(j);
                        weights.remove(j);
                        labels.remove(j);
                        again = true;
                        merged = true;
                    }
                }
            }
        }
        return merged;
    }
}
