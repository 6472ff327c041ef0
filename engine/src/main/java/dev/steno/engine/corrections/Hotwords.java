package dev.steno.engine.corrections;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Terms the recogniser should expect ({@code --hotwords "Kubernetes, Jitsi"}). Whisper has no keyword boosting, so
 * the terms go into the prompt kept for the whole stream, where they bias spelling and vocabulary. A stream's own
 * terms (Deepgram's {@code keywords} and {@code keyterm}) are added after the server's, per stream.
 *
 * @param terms the terms in the order given, each once (compared case-insensitively)
 */
public record Hotwords(List<String> terms) {
    /** No hotwords. */
    public static final Hotwords NONE = new Hotwords(List.of());

    public Hotwords {
        terms = distinct(terms);
    }

    /** Parses a comma-separated list; blank items are skipped, a null or blank list gives {@link #NONE}. */
    public static Hotwords parse(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return NONE;
        }
        List<String> terms = new ArrayList<>();
        for (String t : commaSeparated.split(",")) {
            String s = t.strip().replaceAll("\\s+", " ");
            if (!s.isEmpty()) {
                terms.add(s);
            }
        }
        return new Hotwords(terms);
    }

    /**
     * The static prompt with the terms added, as a glossary sentence after it ("Kubernetes, Jitsi."); the prompt
     * itself (null when none) without terms.
     */
    public String addTo(String prompt) {
        if (terms.isEmpty()) {
            return prompt;
        }
        String glossary = String.join(", ", terms) + ".";
        return prompt == null || prompt.isBlank() ? glossary : prompt.strip() + " " + glossary;
    }

    /**
     * Corrections that spell the terms as given wherever the recogniser wrote them in other case ("jitsi meet" becomes
     * "Jitsi Meet"; a shouted "KUBERNETES" stays shouted): the term-corrections side of a client's
     * {@code keyterm}s. Terms written all in lower case need none.
     */
    public Corrector spellings() {
        List<CorrectionRules.Rule> rules = new ArrayList<>();
        for (String t : terms) {
            if (!t.equals(t.toLowerCase(Locale.ROOT))) {
                List<String> words = List.of(t.split(" "));
                rules.add(new CorrectionRules.Rule(words, words, 0));
            }
        }
        return rules.isEmpty() ? Corrector.NONE : Corrector.of(CorrectionRules.of(rules));
    }

    private static List<String> distinct(List<String> terms) {
        Map<String, String> byKey = new LinkedHashMap<>();
        for (String t : terms) {
            byKey.putIfAbsent(t.toLowerCase(Locale.ROOT), t);
        }
        return List.copyOf(byKey.values());
    }
}
