package dev.steno.engine.whisper.decode;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

/**
 * Beam search at temperature 0, as OpenAI's {@code BeamSearchDecoder} and whisper.cpp's beam strategy: every live
 * beam proposes its {@code beamSize + 1} most likely next tokens; the proposals ranked by the sum of
 * log-probabilities keep the best {@code beamSize} that do not end, and those ending with end-of-text that rank above
 * the last kept one are finished sequences. The search stops once {@code round(beamSize * patience)} sequences have
 * finished (or the token budget / context runs out: the live beams are then finished as they are), and the finished
 * sequence with the best {@link DecodedSequence#score length-normalised score} wins.
 *
 * <p>Each beam owns a {@link DecodingState}; a beam that continues in several children is forked with
 * {@link DecodingState#copyFrom}, a parent whose children all die gives its state to another child. A beam size of 1
 * is exactly greedy decoding.
 */
public final class BeamSearch {
    private final LogitFilters filters;
    private final int eot;
    private final int maxTokens;
    private final int beamSize;
    private final int maxFinished;
    private final double lengthPenalty;

    private record Beam(DecodingState state, int[] tokens, double sum, float[] logits) {
    }

    private record Candidate(int parent, int token, double sum) {
    }

    /**
     * @param filters       logit filters of this decoding
     * @param eot           end-of-text id
     * @param maxTokens     most tokens per sequence (end-of-text not counted)
     * @param beamSize      live beams
     * @param patience      finished sequences wanted, as a multiple of {@code beamSize}
     * @param lengthPenalty see {@link DecodedSequence#score}
     */
    public BeamSearch(LogitFilters filters, int eot, int maxTokens, int beamSize, double patience,
                      double lengthPenalty) {
        if (beamSize < 1 || maxTokens < 1 || !(patience > 0)) {
            throw new IllegalArgumentException("beamSize " + beamSize + ", maxTokens " + maxTokens + ", patience "
                    + patience);
        }
        this.filters = filters;
        this.eot = eot;
        this.maxTokens = maxTokens;
        this.beamSize = beamSize;
        this.maxFinished = Math.max(1, (int) Math.round(beamSize * patience));
        this.lengthPenalty = lengthPenalty;
    }

    /**
     * Searches from {@code root}, which holds the prompt, whose next-token logits are {@code initialLogits} (not
     * modified). {@code spares} supplies extra states when beams fork (at most {@code beamSize - 1} are asked for).
     * Every state used ends holding some beam's tokens; {@code root}'s prompt positions are never changed.
     */
    public DecodedSequence search(DecodingState root, float[] initialLogits, Supplier<DecodingState> spares) {
        return search(root, initialLogits, spares, StateStepper.oneByOne());
    }

    /**
     * As {@link #search(DecodingState, float[], Supplier)}, stepping each round's beams through {@code stepper}
     * (together, where it batches them); the result is the same.
     */
    public DecodedSequence search(DecodingState root, float[] initialLogits, Supplier<DecodingState> spares,
                                  StateStepper stepper) {
        List<Beam> beams = new ArrayList<>();
        beams.add(new Beam(root, new int[0], 0, initialLogits.clone()));
        Deque<DecodingState> free = new ArrayDeque<>();
        List<DecodedSequence> finished = new ArrayList<>();
        for (int length = 0; length < maxTokens && !beams.isEmpty(); length++) {
            for (Beam b : beams) {
                if (b.logits() == null && finished.size() < maxFinished) { // its context is full: it ends as it is
                    finished.add(new DecodedSequence(b.tokens(), b.sum(), false));
                }
            }
            beams.removeIf(b -> b.logits() == null);
            if (finished.size() >= maxFinished || beams.isEmpty()) {
                break;
            }
            List<Candidate> candidates = new ArrayList<>();
            for (int b = 0; b < beams.size(); b++) {
                Beam beam = beams.get(b);
                float[] logits = beam.logits();
                filters.apply(logits, beam.tokens(), beam.tokens().length);
                double lse = LogProbs.logSumExp(logits);
                for (int token : topK(logits, beamSize + 1)) {
                    candidates.add(new Candidate(b, token, beam.sum() + (logits[token] - lse)));
                }
            }
            // stable sort: equal sums keep beam order, then token order (lowest id first, as argmax)
            candidates.sort(Comparator.comparingDouble(Candidate::sum).reversed());
            List<Candidate> kept = new ArrayList<>();
            List<DecodedSequence> newlyFinished = new ArrayList<>();
            for (Candidate c : candidates) {
                if (c.token() == eot) {
                    newlyFinished.add(new DecodedSequence(beams.get(c.parent()).tokens(), c.sum(), true));
                } else {
                    kept.add(c);
                    if (kept.size() == beamSize) {
                        break;
                    }
                }
            }
            for (DecodedSequence s : newlyFinished) { // already in descending order
                if (finished.size() >= maxFinished) {
                    break;
                }
                finished.add(s);
            }
            if (finished.size() >= maxFinished) {
                break;
            }
            beams = advance(beams, kept, free, spares, stepper);
        }
        if (finished.size() < maxFinished) {
            for (Beam b : beams) { // out of budget: the live beams count as they are
                finished.add(new DecodedSequence(b.tokens(), b.sum(), false));
            }
        }
        DecodedSequence best = null;
        for (DecodedSequence s : finished) {
            if (best == null || s.score(lengthPenalty) > best.score(lengthPenalty)) {
                best = s;
            }
        }
        return best != null ? best : new DecodedSequence(new int[0], 0, false);
    }

    /** Gives each kept candidate a state holding its parent's tokens, then appends its token. */
    private List<Beam> advance(List<Beam> parents, List<Candidate> kept, Deque<DecodingState> free,
                               Supplier<DecodingState> spares, StateStepper stepper) {
        boolean[] claimed = new boolean[parents.size()];
        boolean[] hasChild = new boolean[parents.size()];
        for (Candidate c : kept) {
            hasChild[c.parent()] = true;
        }
        for (int p = 0; p < parents.size(); p++) {
            if (!hasChild[p]) {
                free.push(parents.get(p).state());
            }
        }
        DecodingState[] states = new DecodingState[kept.size()];
        for (int i = 0; i < kept.size(); i++) {
            int p = kept.get(i).parent();
            if (!claimed[p]) {
                claimed[p] = true;
                states[i] = parents.get(p).state();
            } else {
                DecodingState s = free.isEmpty() ? spares.get() : free.pop();
                s.copyFrom(parents.get(p).state()); // before any parent is stepped
                states[i] = s;
            }
        }
        // a state that cannot hold the token ends the beam as it is (null logits); the others step together
        DecodingState[] stepping = new DecodingState[kept.size()];
        int[] stepTokens = new int[kept.size()];
        int[] row = new int[kept.size()];
        int n = 0;
        for (int i = 0; i < kept.size(); i++) {
            row[i] = -1;
            if (states[i].position() < states[i].capacity()) {
                row[i] = n;
                stepping[n] = states[i];
                stepTokens[n++] = kept.get(i).token();
            }
        }
        float[][] logits = new float[kept.size()][];
        if (n > 0) {
            stepper.step(stepping, stepTokens, n, logits);
        }
        List<Beam> next = new ArrayList<>(kept.size());
        for (int i = 0; i < kept.size(); i++) {
            Candidate c = kept.get(i);
            Beam parent = parents.get(c.parent());
            int[] tokens = Arrays.copyOf(parent.tokens(), parent.tokens().length + 1);
            tokens[tokens.length - 1] = c.token();
            next.add(new Beam(states[i], tokens, c.sum(), row[i] < 0 ? null : logits[row[i]].clone()));
        }
        return next;
    }

    /** Indices of the {@code k} largest finite values, largest first, lowest index first among equals. */
    static int[] topK(float[] v, int k) {
        int[] idx = new int[k];
        float[] val = new float[k];
        int n = 0;
        for (int i = 0; i < v.length; i++) {
            float x = v[i];
            if (x == Float.NEGATIVE_INFINITY || (n == k && x <= val[k - 1])) {
                continue;
            }
            int pos = n < k ? n++ : k - 1;
            while (pos > 0 && val[pos - 1] < x) {
                val[pos] = val[pos - 1];
                idx[pos] = idx[pos - 1];
                pos--;
            }
            val[pos] = x;
            idx[pos] = i;
        }
        return Arrays.copyOf(idx, n);
    }
}
