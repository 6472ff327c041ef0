package dev.steno.engine.corrections;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An immutable set of term corrections, parsed from text with one {@code wrong => right} rule per line.
 *
 * <p>Format (UTF-8): blank lines and lines whose first non-blank character is {@code #} are ignored (a {@code #}
 * later in a line is part of the term, so that "C#" can be written); every other line is {@code wrong => right},
 * each side one or more words separated by spaces. The wrong side is matched case-insensitively against whole words;
 * the right side is used as written. A wrong side may appear only once.
 *
 * <p>Rules are indexed by their first word, longest phrase first, so that a lookup tries "new york city" before
 * "new york".
 */
public final class CorrectionRules {
    /** No corrections. */
    public static final CorrectionRules EMPTY = new CorrectionRules(List.of());

    /**
     * One correction.
     *
     * @param wrong the words to find, lower-cased (root locale)
     * @param right the words to put in their place, as written in the rules
     * @param line  the line of the rules text it came from (1-based), or 0 when built in code
     */
    public record Rule(List<String> wrong, List<String> right, int line) {
        public Rule {
            wrong = List.copyOf(wrong);
            right = List.copyOf(right);
            if (wrong.isEmpty() || right.isEmpty()) {
                throw new IllegalArgumentException("a correction needs words on both sides");
            }
        }
    }

    /** A rules text that cannot be parsed; the message names the source and the line. */
    public static final class InvalidRulesException extends IllegalArgumentException {
        InvalidRulesException(String message) {
            super(message);
        }
    }

    private static final String ARROW = "=>";

    private final List<Rule> rules;
    /** First word of the wrong side -> the rules starting with it, longest first. */
    private final Map<String, List<Rule>> byFirstWord;

    private CorrectionRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
        Map<String, List<Rule>> index = new HashMap<>();
        for (Rule r : this.rules) {
            index.computeIfAbsent(r.wrong().getFirst(), k -> new ArrayList<>()).add(r);
        }
        index.replaceAll((k, v) -> {
            v.sort(Comparator.comparingInt((Rule r) -> r.wrong().size()).reversed());
            return List.copyOf(v);
        });
        this.byFirstWord = Map.copyOf(index);
    }

    /** Rules built in code (tests, hotword lists); wrong sides are lower-cased here. */
    public static CorrectionRules of(List<Rule> rules) {
        return new CorrectionRules(rules.stream()
                .map(r -> new Rule(r.wrong().stream().map(w -> w.toLowerCase(Locale.ROOT)).toList(), r.right(),
                        r.line()))
                .toList());
    }

    /**
     * Parses a rules text.
     *
     * @param source what the text is (a file name), for error messages
     * @throws InvalidRulesException for a line that is not {@code wrong => right} or repeats a wrong side; the
     *                               message reads "{@code source} line N: ..."
     */
    public static CorrectionRules parse(String source, String text) {
        List<Rule> rules = new ArrayList<>();
        Map<List<String>, Integer> seen = new HashMap<>();
        String[] lines = text.split("\r\n|\r|\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = i == 0 && lines[0].startsWith("\uFEFF") ? lines[0].substring(1) : lines[i];
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int arrow = trimmed.indexOf(ARROW);
            if (arrow < 0 || trimmed.indexOf(ARROW, arrow + ARROW.length()) >= 0) {
                throw invalid(source, lineNo, "expected 'wrong => right', got '" + trimmed + "'");
            }
            List<String> wrong = words(trimmed.substring(0, arrow));
            List<String> right = words(trimmed.substring(arrow + ARROW.length()));
            if (wrong.isEmpty() || right.isEmpty()) {
                throw invalid(source, lineNo, "both sides of '=>' need a word, got '" + trimmed + "'");
            }
            List<String> key = wrong.stream().map(w -> w.toLowerCase(Locale.ROOT)).toList();
            Integer before = seen.putIfAbsent(key, lineNo);
            if (before != null) {
                throw invalid(source, lineNo, "'" + String.join(" ", wrong) + "' is already corrected on line "
                        + before);
            }
            rules.add(new Rule(key, right, lineNo));
        }
        return new CorrectionRules(rules);
    }

    private static List<String> words(String side) {
        String s = side.strip();
        return s.isEmpty() ? List.of() : Arrays.asList(s.split("\\s+"));
    }

    private static InvalidRulesException invalid(String source, int line, String what) {
        return new InvalidRulesException(source + " line " + line + ": " + what);
    }

    /** The rules whose wrong side starts with this lower-cased word, longest first; empty when none. */
    List<Rule> startingWith(String lowerWord) {
        return byFirstWord.getOrDefault(lowerWord, List.of());
    }

    /** Every rule, in the order of the text. */
    public List<Rule> rules() {
        return rules;
    }

    /** True without rules. */
    public boolean isEmpty() {
        return rules.isEmpty();
    }

    @Override
    public String toString() {
        return rules.size() + " correction(s)";
    }
}
