package dev.steno.engine.corrections;

import dev.steno.engine.transcript.Word;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Rewrites recognised words with term corrections. Thread-safe; the rules are read once per call, so a reloaded file
 * takes effect from the next call on.
 *
 * <p>Matching: a rule's wrong side matches consecutive words whose text, without the leading space and without
 * punctuation at either end (".,;:!?" and quotes and brackets), equals it case-insensitively. Words are compared
 * whole, never in part: "cubernetesx" does not match "cubernetes". A phrase does not match across punctuation inside
 * it ("new, york" is not "new york"), nor start or end where a word goes on in the next one (a word without a
 * leading space continues the one before, unless it is punctuation alone). At each position the longest matching
 * rule wins; matched words are not looked at again.
 *
 * <p>Replacement: the first replacement word takes the first matched word's leading space and opening punctuation,
 * the last one the last matched word's closing punctuation ("cubernetes," becomes "Kubernetes,"); the others get a
 * single space. Capitalisation follows the matched text ({@link CaseStyle}).
 *
 * <p>Times: k matched words replaced by m words keep their times one by one when m equals k. Otherwise the
 * replacement spans the matched words' time, from the first one's start to the last one's end: one word takes all
 * of it (a phrase that merges words spans their times), several share it in proportion to their length in
 * characters, in order. Probability is kept word by word when m equals k, else the lowest of the matched words'.
 *
 * <p>A phrase is only found within one call's words: the stream corrects each step's newly committed words, so a
 * phrase whose words are committed by two different steps stays as recognised.
 */
public final class Corrector {
    /** Changes nothing. */
    public static final Corrector NONE = new Corrector(List.of());

    private static final String OPENING = "\"'([{¿¡«„“‘";
    private static final String CLOSING = ".,;:!?\"')]}»…”’。，！？：、";

    /** Applied in order: each set sees the words the one before produced. */
    private final List<Supplier<CorrectionRules>> sets;

    private Corrector(List<Supplier<CorrectionRules>> sets) {
        this.sets = List.copyOf(sets);
    }

    /** A corrector over rules that may change ({@link ReloadingCorrections}). */
    public static Corrector of(Supplier<CorrectionRules> rules) {
        return new Corrector(List.of(Objects.requireNonNull(rules, "rules")));
    }

    /** A corrector over fixed rules. */
    public static Corrector of(CorrectionRules rules) {
        Objects.requireNonNull(rules, "rules");
        return of(() -> rules);
    }

    /**
     * This corrector's rules first, then {@code next}'s on the result (a session's own set, then the server-wide
     * one).
     */
    public Corrector then(Corrector next) {
        if (next.sets.isEmpty()) {
            return this;
        }
        if (sets.isEmpty()) {
            return next;
        }
        List<Supplier<CorrectionRules>> all = new ArrayList<>(sets);
        all.addAll(next.sets);
        return new Corrector(all);
    }

    /** True when this corrector never changes anything. */
    public boolean isNone() {
        return sets.isEmpty();
    }

    /**
     * The words corrected; the same list when nothing matched.
     *
     * @param words words in order, as a stream step produced them
     */
    public List<Word> correct(List<Word> words) {
        List<Word> out = words;
        for (Supplier<CorrectionRules> set : sets) {
            out = correct(out, set.get());
        }
        return out;
    }

    private static List<Word> correct(List<Word> words, CorrectionRules rules) {
        if (rules.isEmpty() || words.isEmpty()) {
            return words;
        }
        int n = words.size();
        Parts[] parts = new Parts[n];
        for (int i = 0; i < n; i++) {
            parts[i] = Parts.of(words.get(i).text());
        }
        List<Word> out = null;
        int copied = 0;
        for (int i = 0; i < n; ) {
            CorrectionRules.Rule rule = i > 0 && !parts[i].startsWord() ? null : match(rules, parts, i);
            if (rule == null) {
                i++;
                continue;
            }
            if (out == null) {
                out = new ArrayList<>(n + 4);
            }
            out.addAll(words.subList(copied, i));
            int k = rule.wrong().size();
            out.addAll(replace(words.subList(i, i + k), parts[i], parts[i + k - 1], rule.right()));
            i += k;
            copied = i;
        }
        if (out == null) {
            return words;
        }
        out.addAll(words.subList(copied, n));
        return out;
    }

    /** The longest rule matching at {@code i}, or null. */
    private static CorrectionRules.Rule match(CorrectionRules rules, Parts[] parts, int i) {
        for (CorrectionRules.Rule r : rules.startingWith(parts[i].lowerCore())) {
            List<String> wrong = r.wrong();
            int k = wrong.size();
            if (i + k > parts.length) {
                continue;
            }
            if (i + k < parts.length && !parts[i + k].startsWord() && !parts[i + k].lowerCore().isEmpty()) {
                continue; // the last matched word goes on in the next one: not a whole word
            }
            boolean all = true;
            for (int j = 1; j < k && all; j++) {
                Parts p = parts[i + j];
                all = p.startsWord() && p.opening().isEmpty() && parts[i + j - 1].closing().isEmpty()
                        && p.lowerCore().equals(wrong.get(j));
            }
            if (all) {
                return r;
            }
        }
        return null;
    }

    private static List<Word> replace(List<Word> matched, Parts first, Parts last, List<String> right) {
        StringBuilder matchedText = new StringBuilder();
        for (Word w : matched) {
            matchedText.append(w.text());
        }
        CaseStyle style = CaseStyle.of(matchedText.toString());
        int m = right.size();
        double start = matched.getFirst().start();
        double end = matched.getLast().end();
        double lowest = Double.POSITIVE_INFINITY;
        for (Word w : matched) {
            lowest = Math.min(lowest, w.probability());
        }
        int totalChars = 0;
        for (String r : right) {
            totalChars += r.length();
        }
        List<Word> out = new ArrayList<>(m);
        int charsBefore = 0;
        for (int j = 0; j < m; j++) {
            String text = (j == 0 ? first.space() + first.opening() : " ") + style.apply(right.get(j), j == 0)
                    + (j == m - 1 ? last.closing() : "");
            if (m == matched.size()) {
                Word w = matched.get(j);
                out.add(new Word(text, w.start(), w.end(), w.probability()));
            } else {
                double s = start + (end - start) * charsBefore / totalChars;
                charsBefore += right.get(j).length();
                double e = j == m - 1 ? end : start + (end - start) * charsBefore / totalChars;
                out.add(new Word(text, s, Math.max(s, e), lowest));
            }
        }
        return out;
    }

    /** A word's text split into leading space, opening punctuation, the word itself and closing punctuation. */
    private record Parts(String space, String opening, String lowerCore, String closing) {
        static Parts of(String text) {
            int a = 0;
            while (a < text.length() && Character.isWhitespace(text.charAt(a))) {
                a++;
            }
            int b = a;
            while (b < text.length() && OPENING.indexOf(text.charAt(b)) >= 0) {
                b++;
            }
            int e = text.length();
            while (e > b && Character.isWhitespace(text.charAt(e - 1))) {
                e--;
            }
            int c = e;
            while (c > b && CLOSING.indexOf(text.charAt(c - 1)) >= 0) {
                c--;
            }
            return new Parts(text.substring(0, a), text.substring(a, b),
                    text.substring(b, c).toLowerCase(Locale.ROOT), text.substring(c, e));
        }

        /** True when the word follows a space: it starts a new word rather than continuing the one before. */
        boolean startsWord() {
            return !space.isEmpty();
        }
    }
}
