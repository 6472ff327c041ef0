package dev.steno.engine.whisper;

import dev.steno.engine.transcript.Word;

import java.util.ArrayList;
import java.util.List;

/**
 * Groups decoded text tokens into words and gives the words times, from DTW token timings (OpenAI word timestamps)
 * or from AlignAtt's most-attended frames.
 *
 * <p>Grouping follows OpenAI's {@code split_tokens_on_spaces} and {@code merge_punctuations} for languages written
 * with spaces: a token starts a new word when it is the first, starts with a space, or is punctuation only
 * (or blank); then opening punctuation ({@code "'“¿([{-}) that starts with a space joins the following word, and
 * closing punctuation ({@code "'.。,，!！?？:：”)]}、}) joins the preceding word. As in OpenAI, a merged punctuation
 * mark adds its text but not its time: the word keeps the times (and probability) of its own tokens, its
 * {@linkplain WordSpan#coreFrom() core}. Tokens must be text tokens only (no special or timestamp tokens), decoded
 * to strings; a character split over two tokens should be decoded as one by the caller. Languages without spaces
 * (Chinese, Japanese, Thai, ...) need OpenAI's per-character split, which this class does not do.
 */
public final class TokenWords {
    // OpenAI's defaults (whisper/transcribe.py prepend_punctuations / append_punctuations)
    static final String PREPENDED = "\"'“¿([{-";
    static final String APPENDED = "\"'.。,，!！?？:：”)]}、";
    // Python's string.punctuation: a token made only of these starts its own word
    private static final String ASCII_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    /** AlignAtt: a last word with no successor lasts this long. */
    public static final double LAST_WORD_SECONDS = 0.1;
    /** AlignAtt: shortest word, also for attention that moved backwards. */
    public static final double MIN_WORD_SECONDS = 0.02;

    private TokenWords() {
    }

    /**
     * One word of a token sequence.
     *
     * @param text     the word with Whisper's spacing, merged punctuation included
     * @param from     first token (inclusive), punctuation included
     * @param to       last token (exclusive), punctuation included
     * @param coreFrom first token of the word proper, which gives its start time
     * @param coreTo   end (exclusive) of the word proper, whose last token gives its end time
     */
    public record WordSpan(String text, int from, int to, int coreFrom, int coreTo) {
    }

    /** The words of a token sequence, in order; blank-only words are dropped. */
    public static List<WordSpan> split(List<String> tokenTexts) {
        int n = tokenTexts.size();
        // 1. split on spaces and punctuation (parallel arrays: one slot per provisional word)
        StringBuilder[] text = new StringBuilder[n];
        int[] from = new int[n];
        int[] to = new int[n];
        int[] coreFrom = new int[n];
        int[] coreTo = new int[n];
        int words = 0;
        for (int i = 0; i < n; i++) {
            String token = tokenTexts.get(i);
            if (words == 0 || token.startsWith(" ") || isPunctuationOnly(token)) {
                text[words] = new StringBuilder(token);
                from[words] = coreFrom[words] = i;
                to[words] = coreTo[words] = i + 1;
                words++;
            } else {
                text[words - 1].append(token);
                to[words - 1] = coreTo[words - 1] = i + 1;
            }
        }
        // 2. opening punctuation joins the following word (OpenAI walks backwards so runs like " (\"" chain)
        int j = words - 1;
        for (int i = words - 2; i >= 0; i--) {
            String previous = text[i].toString();
            if (previous.startsWith(" ") && PREPENDED.contains(previous.strip())) {
                text[j].insert(0, previous);
                from[j] = from[i];
                text[i].setLength(0);
            } else {
                j = i;
            }
        }
        // 3. closing punctuation joins the preceding word
        int i = 0;
        for (j = 1; j < words; j++) {
            String following = text[j].toString();
            if (!text[i].toString().endsWith(" ") && APPENDED.contains(following)) {
                text[i].append(following);
                if (!following.isEmpty()) {
                    to[i] = to[j];
                }
                text[j].setLength(0);
            } else {
                i = j;
            }
        }
        List<WordSpan> out = new ArrayList<>(words);
        for (int w = 0; w < words; w++) {
            if (!text[w].isEmpty() && !text[w].toString().isBlank()) {
                out.add(new WordSpan(text[w].toString(), from[w], to[w], coreFrom[w], coreTo[w]));
            }
        }
        return out;
    }

    /**
     * Words timed by DTW token timings ({@link CrossAttentionAlignment#tokenTimings}): start of the word's first
     * token, end of its last token.
     *
     * @param timings       at least one per token, in token order (a trailing end-of-text timing is ignored)
     * @param probabilities per-token probabilities, or {@code null}; a word gets the mean of its tokens'
     */
    public static List<Word> fromTokenTimings(List<String> tokenTexts, List<TokenTiming> timings,
                                              double[] probabilities) {
        if (timings.size() < tokenTexts.size()) {
            throw new IllegalArgumentException(timings.size() + " timings for " + tokenTexts.size() + " tokens");
        }
        List<WordSpan> spans = split(tokenTexts);
        List<Word> out = new ArrayList<>(spans.size());
        for (WordSpan s : spans) {
            double start = timings.get(s.coreFrom()).start();
            double end = Math.max(start, timings.get(s.coreTo() - 1).end());
            out.add(new Word(s.text(), start, end, meanProbability(probabilities, s)));
        }
        return out;
    }

    /**
     * Words timed by AlignAtt's rule (SimulStreaming): a token's time is {@code mostAttended * 0.02 + offset}; a word
     * starts at its first token's time and ends where the next word starts ({@link #LAST_WORD_SECONDS} after its
     * start for the last word), lasting at least {@link #MIN_WORD_SECONDS} (attention can move backwards).
     *
     * @param mostAttendedFrames per token, {@link CrossAttentionAlignment#mostAttendedFrame}
     * @param offsetSeconds      stream time of encoder frame 0
     * @param probabilities      per-token probabilities, or {@code null}
     */
    public static List<Word> alignAtt(List<String> tokenTexts, int[] mostAttendedFrames, double offsetSeconds,
                                      double[] probabilities) {
        if (mostAttendedFrames.length < tokenTexts.size()) {
            throw new IllegalArgumentException(mostAttendedFrames.length + " frames for " + tokenTexts.size()
                    + " tokens");
        }
        List<WordSpan> spans = split(tokenTexts);
        List<Word> out = new ArrayList<>(spans.size());
        for (int w = 0; w < spans.size(); w++) {
            WordSpan s = spans.get(w);
            double start = tokenTime(mostAttendedFrames, s.coreFrom(), offsetSeconds);
            double end = w + 1 < spans.size()
                    ? tokenTime(mostAttendedFrames, spans.get(w + 1).coreFrom(), offsetSeconds)
                    : start + LAST_WORD_SECONDS;
            out.add(new Word(s.text(), start, Math.max(end, start + MIN_WORD_SECONDS),
                    meanProbability(probabilities, s)));
        }
        return out;
    }

    private static double tokenTime(int[] frames, int token, double offset) {
        return frames[token] * CrossAttentionAlignment.SECONDS_PER_FRAME + offset;
    }

    private static double meanProbability(double[] probabilities, WordSpan s) {
        if (probabilities == null) {
            return Double.NaN;
        }
        double sum = 0;
        for (int t = s.coreFrom(); t < s.coreTo(); t++) {
            sum += probabilities[t];
        }
        return sum / (s.coreTo() - s.coreFrom());
    }

    /** Blank, or only ASCII punctuation after stripping (OpenAI: {@code subword.strip() in string.punctuation}). */
    private static boolean isPunctuationOnly(String token) {
        String s = token.strip();
        // Python's `in` on strings is a substring test, so "" and runs like "!\"#" count; keep that exact rule
        return ASCII_PUNCTUATION.contains(s);
    }
}
