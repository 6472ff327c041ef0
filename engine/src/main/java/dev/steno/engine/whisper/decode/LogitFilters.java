package dev.steno.engine.whisper.decode;

import dev.steno.engine.whisper.WhisperTokenizer;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * Every logit filter of one decoding, in whisper.cpp's order: always-suppressed tokens (special tokens that are never
 * output, optionally non-speech symbols), the blank start (no space or end-of-text as the first token), then either
 * all timestamps suppressed or the {@link TimestampRules}. Immutable; {@link #apply} allocates nothing.
 */
public final class LogitFilters {
    private final int eot;
    private final int timestampBegin;
    private final int[] suppressed;
    private final int blank;
    private final boolean suppressBlank;
    private final TimestampRules rules;

    /**
     * @param eot            end-of-text id
     * @param timestampBegin first timestamp id
     * @param suppressed     ids that are never output
     * @param blank          the single-space token suppressed at the start, or -1
     * @param suppressBlank  suppress {@code blank} and end-of-text as the first token
     * @param rules          timestamp rules, or null to suppress every timestamp
     */
    public LogitFilters(int eot, int timestampBegin, int[] suppressed, int blank, boolean suppressBlank,
                        TimestampRules rules) {
        this.eot = eot;
        this.timestampBegin = timestampBegin;
        this.suppressed = suppressed.clone();
        this.blank = blank;
        this.suppressBlank = suppressBlank;
        this.rules = rules;
    }

    /** The filters whisper.cpp applies for {@code tokenizer}'s vocabulary. */
    public static LogitFilters forTokenizer(WhisperTokenizer tokenizer, DecodingOptions options,
                                            boolean suppressNonSpeech) {
        TreeSet<Integer> ids = new TreeSet<>();
        ids.add(tokenizer.noTimestamps());
        ids.add(tokenizer.sot());
        ids.add(tokenizer.noSpeech());
        ids.add(tokenizer.translate());
        ids.add(tokenizer.transcribe());
        ids.add(tokenizer.startOfPrev());
        ids.add(tokenizer.startOfLm());
        for (int id = tokenizer.sot() + 1; id < tokenizer.translate(); id++) {
            ids.add(id); // language tokens
        }
        if (suppressNonSpeech) {
            for (int id : tokenizer.nonSpeechTokens()) {
                ids.add(id);
            }
        }
        int[] space = tokenizer.encode(" ");
        TimestampRules rules = options.timestamps()
                ? new TimestampRules(tokenizer.eot(), tokenizer.timestampBegin(), options.maxInitialTimestampIndex())
                : null;
        return new LogitFilters(tokenizer.eot(), tokenizer.timestampBegin(),
                ids.stream().mapToInt(Integer::intValue).toArray(), space.length == 1 ? space[0] : -1,
                options.suppressBlank(), rules);
    }

    /** These filters for a window whose audio lasts {@code seconds}: timestamps stop at its end. */
    public LogitFilters forWindow(double seconds) {
        return rules == null ? this
                : new LogitFilters(eot, timestampBegin, suppressed, blank, suppressBlank, rules.forWindow(seconds));
    }

    /** Whether timestamps are decoded (rules) rather than suppressed. */
    public boolean timestamps() {
        return rules != null;
    }

    /** Filters {@code logits} in place for the token after the first {@code count} of {@code sampled}. */
    public void apply(float[] logits, int[] sampled, int count) {
        float neg = Float.NEGATIVE_INFINITY;
        for (int id : suppressed) {
            if (id < logits.length) {
                logits[id] = neg;
            }
        }
        if (count == 0 && suppressBlank) {
            if (blank >= 0) {
                logits[blank] = neg;
            }
            logits[eot] = neg;
        }
        if (rules == null) {
            if (timestampBegin < logits.length) {
                Arrays.fill(logits, timestampBegin, logits.length, neg);
            }
        } else {
            rules.apply(logits, sampled, count);
        }
    }
}
