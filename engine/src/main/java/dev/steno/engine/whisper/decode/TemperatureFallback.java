package dev.steno.engine.whisper.decode;

import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Whisper's temperature fallback: decode at the first temperature (beam search or greedy at 0, best-of sampling
 * above), and retry at the next one while the result looks broken: its text compresses too well (a repetition loop)
 * or its average log-probability is too low. A window that looks like silence (no-speech probability above its
 * threshold with a low log-probability) is not retried: there is nothing to find. When every temperature fails the
 * last result stands, as in whisper.cpp and OpenAI.
 */
public final class TemperatureFallback {
    /**
     * The outcome for one window.
     *
     * @param sequence         the chosen tokens
     * @param temperature      the temperature that produced them
     * @param compressionRatio of their text
     * @param attempts         temperatures tried
     */
    public record Result(DecodedSequence sequence, double temperature, double compressionRatio, int attempts) {
        /** {@link DecodedSequence#avgLogprob()} of the chosen tokens. */
        public double avgLogprob() {
            return sequence.avgLogprob();
        }
    }

    private final DecodingOptions options;
    private final LogitFilters filters;
    private final int eot;
    private final int maxTokens;
    private final Function<int[], String> text;
    private final SamplingDecoder sampler;

    /**
     * @param text turns sampled tokens into their text (timestamps dropped) for the compression check
     */
    public TemperatureFallback(DecodingOptions options, LogitFilters filters, int eot, int maxTokens,
                               Function<int[], String> text) {
        this.options = options;
        this.filters = filters;
        this.eot = eot;
        this.maxTokens = maxTokens;
        this.text = text;
        this.sampler = new SamplingDecoder(filters, eot, maxTokens);
    }

    /**
     * Decodes one window.
     *
     * @param root          holds the prompt (position {@code promptLength}); rewound there before each attempt
     * @param initialLogits logits after the prompt (not modified)
     * @param noSpeechProb  {@link NoSpeech#probability} of this window
     * @param spares        extra states for beam search
     * @param observer      sees the steps of sequential decodes, or null
     */
    public Result decode(DecodingState root, int promptLength, float[] initialLogits, double noSpeechProb,
                         Supplier<DecodingState> spares, StepObserver observer) {
        return decode(root, promptLength, initialLogits, noSpeechProb, spares, observer, StateStepper.oneByOne());
    }

    /**
     * As {@link #decode(DecodingState, int, float[], double, Supplier, StepObserver)}, a beam search's live beams
     * stepped through {@code beams} (one pass over the weights for all of them where the decoder batches).
     */
    public Result decode(DecodingState root, int promptLength, float[] initialLogits, double noSpeechProb,
                         Supplier<DecodingState> spares, StepObserver observer, StateStepper beams) {
        Result result = null;
        int attempt = 0;
        for (double temperature : options.temperatures()) {
            attempt++;
            DecodedSequence seq = decodeAt(temperature, root, promptLength, initialLogits, spares, observer, beams);
            double ratio = CompressionRatio.of(text.apply(seq.tokens()));
            result = new Result(seq, temperature, ratio, attempt);
            if (!needsFallback(result, noSpeechProb)) {
                break;
            }
        }
        return result;
    }

    /** Whether {@code r} should be retried at the next temperature. */
    boolean needsFallback(Result r, double noSpeechProb) {
        boolean broken = (!Double.isNaN(options.compressionRatioThreshold())
                && r.compressionRatio() > options.compressionRatioThreshold())
                || (!Double.isNaN(options.logprobThreshold()) && r.avgLogprob() < options.logprobThreshold());
        if (broken && !Double.isNaN(options.noSpeechThreshold()) && !Double.isNaN(options.logprobThreshold())
                && noSpeechProb > options.noSpeechThreshold() && r.avgLogprob() < options.logprobThreshold()) {
            return false; // silence: no temperature will find speech
        }
        return broken;
    }

    private DecodedSequence decodeAt(double temperature, DecodingState root, int promptLength,
                                     float[] initialLogits, Supplier<DecodingState> spares, StepObserver observer,
                                     StateStepper beams) {
        if (temperature == 0 && options.beamSize() > 1) {
            root.rewind(promptLength);
            return new BeamSearch(filters, eot, maxTokens, options.beamSize(), options.patience(),
                    options.lengthPenalty()).search(root, initialLogits, spares, beams);
        }
        int samples = temperature == 0 ? 1 : options.bestOf();
        // one stream per temperature: a result does not depend on how many temperatures came before
        SplittableRandom random = new SplittableRandom(options.seed() * 31 + Double.hashCode(temperature));
        DecodedSequence best = null;
        for (int i = 0; i < samples; i++) {
            root.rewind(promptLength);
            DecodedSequence s = sampler.decode(root, initialLogits, temperature, random, observer);
            if (best == null || s.score(options.lengthPenalty()) > best.score(options.lengthPenalty())) {
                best = s;
            }
        }
        return best;
    }
}
