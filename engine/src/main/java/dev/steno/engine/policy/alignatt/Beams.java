package dev.steno.engine.policy.alignatt;

import java.util.Arrays;

/**
 * The hypotheses of one stream's AlignAtt steps and how they advance: greedy with a width of 1, beam search above.
 *
 * <p>Each step starts from one hypothesis (the {@link #root()}, which takes the audio and the prefix). Every advance
 * ranks the {@code width + 1} most likely next tokens of each live hypothesis by summed log-probability, as OpenAI's
 * beam search does; {@link #best()} is the top one. {@link #advance()} then keeps the best {@code width} that are not
 * end-of-text: the first child of a hypothesis continues in its object, further children fork a copy (all copies are
 * made before any hypothesis changes). With a width of 1 this is exactly greedy decoding: the best token is the
 * argmax (the lowest id on ties).
 *
 * <p>Decoders, trackers and buffers are made once per stream and reused; forked decoders share the encoded audio.
 * Not thread-safe.
 */
final class Beams {
    private final AlignAttModel model;
    private final int width;
    private final int perHypothesis;
    private final Hypothesis[] pool;
    private Hypothesis[] live;
    private Hypothesis[] next;
    private int liveCount;
    private final boolean[] hasChild;
    private final AlignAttModel.Decoder[] liveDecoders;
    private final int[] liveTokens;
    private final float[][] liveLogits;

    // ranked continuations of the live hypotheses, best first
    private int candidates;
    private final int[] parent;
    private final int[] token;
    private final double[] score;
    private final double[] probability;
    private final double[] logProbability;
    // one hypothesis's top tokens, by logit
    private final int[] topToken;
    private final float[] topLogit;

    /** @param width beams kept (1: greedy) */
    Beams(AlignAttModel model, int width) {
        if (width < 1) {
            throw new IllegalArgumentException("need at least one beam, was " + width);
        }
        this.model = model;
        this.width = width;
        this.perHypothesis = width + 1;
        this.pool = new Hypothesis[width];
        for (int i = 0; i < width; i++) {
            pool[i] = new Hypothesis(model);
        }
        this.live = new Hypothesis[width];
        this.next = new Hypothesis[width];
        this.hasChild = new boolean[width];
        this.liveDecoders = new AlignAttModel.Decoder[width];
        this.liveTokens = new int[width];
        this.liveLogits = new float[width][];
        int max = width * perHypothesis;
        parent = new int[max];
        token = new int[max];
        score = new double[max];
        probability = new double[max];
        logProbability = new double[max];
        topToken = new int[perHypothesis];
        topLogit = new float[perHypothesis];
    }

    /** Ends a step: every decoder gives its audio and buffers back to the model. */
    void release() {
        for (Hypothesis h : pool) {
            h.decoder.releaseAudio();
        }
    }

    /**
     * Starts a step with a single live hypothesis, which the caller gives the audio, the prefix and its first
     * prediction. The other decoders release the previous step's audio so the root can reuse its buffers.
     */
    Hypothesis root() {
        Hypothesis root = pool[0];
        for (int i = 1; i < width; i++) {
            pool[i].decoder.releaseAudio();
        }
        root.begin();
        live[0] = root;
        liveCount = 1;
        return root;
    }

    /**
     * Applies the model's suppression to every live hypothesis' logits and ranks their continuations; {@link #best()}
     * and {@link #bestToken()} then name the top one.
     */
    void rank(boolean firstToken) {
        candidates = 0;
        for (int b = 0; b < liveCount; b++) {
            float[] logits = live[b].logits;
            model.suppress(logits, firstToken);
            int n = top(logits);
            float max = topLogit[0];
            double sum = 0;
            for (float v : logits) {
                sum += Math.exp(v - max);
            }
            double logSum = Math.log(sum);
            for (int i = 0; i < n; i++) {
                int c = candidates++;
                parent[c] = b;
                token[c] = topToken[i];
                probability[c] = Math.exp(topLogit[i] - max) / sum;
                logProbability[c] = (topLogit[i] - max) - logSum;
                score[c] = live[b].score + logProbability[c];
            }
        }
        sortByScore();
    }

    /** The live hypothesis the best continuation extends. */
    Hypothesis best() {
        return live[parent[0]];
    }

    /** The token of the best continuation. */
    int bestToken() {
        return token[0];
    }

    /**
     * Keeps the best {@code width} continuations that do not end the text: forks, then appends each one's token.
     * Afterwards {@link #leader()} is the best of them.
     */
    void advance() {
        int eot = model.eot();
        int kept = 0;
        Arrays.fill(hasChild, 0, liveCount, false);
        // first children continue in their parent's object; later ones need a copy of the unchanged parent
        for (int c = 0; c < candidates && kept < width; c++) {
            if (token[c] == eot) {
                continue;
            }
            int p = parent[c];
            next[kept++] = hasChild[p] ? null : live[p];
            hasChild[p] = true;
        }
        int spare = 0;
        kept = 0;
        for (int c = 0; c < candidates && kept < width; c++) {
            if (token[c] == eot) {
                continue;
            }
            if (next[kept] == null) {
                Hypothesis copy = nextSpare(spare);
                spare = indexOf(copy) + 1;
                copy.copyFrom(live[parent[c]]);
                next[kept] = copy;
            }
            kept++;
        }
        kept = 0;
        for (int c = 0; c < candidates && kept < width; c++) {
            if (token[c] == eot) {
                continue;
            }
            next[kept].append(token[c], probability[c], logProbability[c]);
            kept++;
        }
        Hypothesis[] swap = live;
        live = next;
        next = swap;
        liveCount = kept;
    }

    /** The best live hypothesis (after {@link #advance()}). */
    Hypothesis leader() {
        return live[0];
    }

    /** Feeds every live hypothesis its last token. */
    void feed() {
        if (liveCount == 1) {
            live[0].feedLast();
            return;
        }
        for (int b = 0; b < liveCount; b++) {
            liveDecoders[b] = live[b].decoder;
            liveTokens[b] = live[b].lastToken();
        }
        // together, so that a model that batches steps runs the beams in one pass over its weights
        model.feedEach(liveDecoders, liveTokens, liveCount, liveLogits);
        for (int b = 0; b < liveCount; b++) {
            live[b].fed(liveLogits[b]);
            liveLogits[b] = null;
        }
    }

    /** A pool object from {@code from} on that no surviving parent continues in and no copy took yet. */
    private Hypothesis nextSpare(int from) {
        for (int i = from; i < width; i++) {
            Hypothesis h = pool[i];
            if (!continues(h)) {
                return h;
            }
        }
        throw new IllegalStateException("no spare hypothesis"); // width objects always suffice for width beams
    }

    /** Whether {@code h} is a live hypothesis with a child (it continues in its own object). */
    private boolean continues(Hypothesis h) {
        for (int b = 0; b < liveCount; b++) {
            if (live[b] == h) {
                return hasChild[b];
            }
        }
        return false;
    }

    private int indexOf(Hypothesis h) {
        for (int i = 0; i < width; i++) {
            if (pool[i] == h) {
                return i;
            }
        }
        throw new IllegalStateException("not a pool hypothesis");
    }

    /** The {@code perHypothesis} largest logits, largest first, the lower id first on ties; returns how many. */
    private int top(float[] logits) {
        int n = 0;
        for (int t = 0; t < logits.length; t++) {
            float v = logits[t];
            if (n == perHypothesis && !(v > topLogit[n - 1])) {
                continue;
            }
            int i = n < perHypothesis ? n++ : n - 1;
            while (i > 0 && v > topLogit[i - 1]) {
                topLogit[i] = topLogit[i - 1];
                topToken[i] = topToken[i - 1];
                i--;
            }
            topLogit[i] = v;
            topToken[i] = t;
        }
        return n;
    }

    /** Stable insertion sort of the candidates, highest score first. */
    private void sortByScore() {
        for (int i = 1; i < candidates; i++) {
            int p = parent[i];
            int t = token[i];
            double s = score[i];
            double pr = probability[i];
            double lp = logProbability[i];
            int j = i;
            while (j > 0 && s > score[j - 1]) {
                parent[j] = parent[j - 1];
                token[j] = token[j - 1];
                score[j] = score[j - 1];
                probability[j] = probability[j - 1];
                logProbability[j] = logProbability[j - 1];
                j--;
            }
            parent[j] = p;
            token[j] = t;
            score[j] = s;
            probability[j] = pr;
            logProbability[j] = lp;
        }
    }
}
