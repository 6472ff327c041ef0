package dev.steno.engine.policy.alignatt;

import java.util.Arrays;

/**
 * One hypothesis of an AlignAtt step: its decoder and attention statistics, the step's tokens so far with the frame
 * and probability of each, and their summed log-probability. Greedy decoding follows one; a beam search keeps
 * {@code --beams} of them. Reused across steps, so steady-state steps allocate nothing here.
 */
final class Hypothesis {
    final AlignAttModel.Decoder decoder;
    final AttentionTracker tracker;
    /** Task tokens, the window's committed tokens, then this step's tokens: what the loop guard looks at. */
    final AlignAttPolicy.IntSeq sequence = new AlignAttPolicy.IntSeq();
    /** This step's tokens, each one's most-attended frame and probability; the first {@link #count} are valid. */
    int[] tokens = new int[64];
    int[] frames = new int[64];
    double[] probabilities = new double[64];
    int count;
    /** Sum of the log-probabilities of this step's tokens: the beam search's ranking. */
    double score;
    /** Most-attended frame of the last fed row, i.e. of the token this hypothesis predicts next. */
    int frame;
    /** Logits of the next token, from the last feed (the decoder's array). */
    float[] logits;
    private final int[] one = new int[1];

    Hypothesis(AlignAttModel model) {
        this.decoder = model.newDecoder();
        this.tracker = new AttentionTracker(model.alignmentHeads());
    }

    /** Starts a step: no tokens of its own yet. */
    void begin() {
        count = 0;
        score = 0;
    }

    /** Appends a token chosen from this hypothesis' logits; {@link #frame} is the frame it was predicted at. */
    void append(int token, double probability, double logProbability) {
        if (count == tokens.length) {
            int c = count * 2;
            tokens = Arrays.copyOf(tokens, c);
            frames = Arrays.copyOf(frames, c);
            probabilities = Arrays.copyOf(probabilities, c);
        }
        tokens[count] = token;
        frames[count] = frame;
        probabilities[count] = probability;
        count++;
        score += logProbability;
        sequence.add(token);
    }

    /** Feeds the last appended token; the new logits and frame become this hypothesis' prediction. */
    void feedLast() {
        one[0] = tokens[count - 1];
        fed(decoder.feed(one));
    }

    /** The last appended token, which the next feed appends to the decoder. */
    int lastToken() {
        return tokens[count - 1];
    }

    /** Takes the logits of feeding {@link #lastToken()} (fed together with other beams) as the new prediction. */
    void fed(float[] next) {
        logits = next;
        frame = tracker.addFeed(decoder, 1);
    }

    /** Becomes a copy of {@code other} that continues independently (a beam forks). */
    void copyFrom(Hypothesis other) {
        decoder.copyFrom(other.decoder);
        tracker.copyFrom(other.tracker);
        sequence.copyFrom(other.sequence);
        if (tokens.length < other.count) {
            tokens = new int[other.tokens.length];
            frames = new int[other.tokens.length];
            probabilities = new double[other.tokens.length];
        }
        System.arraycopy(other.tokens, 0, tokens, 0, other.count);
        System.arraycopy(other.frames, 0, frames, 0, other.count);
        System.arraycopy(other.probabilities, 0, probabilities, 0, other.count);
        count = other.count;
        score = other.score;
        frame = other.frame;
        logits = null;
    }
}
