package dev.steno.server.deepgram;

import dev.steno.engine.asr.WhisperLanguages;
import dev.steno.engine.corrections.Hotwords;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The query of one {@code /v1/listen} socket, as Deepgram's SDKs send it; {@link #parse} refuses what Steno cannot
 * honour with a message the client can act on.
 *
 * @param model           the model asked for; accepted and reported back, Steno's own recogniser runs regardless
 * @param language        ISO 639-1, or null for the server's language (Deepgram's {@code multi} counts as null)
 * @param sampleRate      the rate of raw audio ({@code encoding=linear16}); 0 for containerised audio
 * @param channels        always 1
 * @param interimResults  send non-final Results for the tentative words
 * @param punctuate       accepted; Whisper punctuates anyway
 * @param smartFormat     accepted; Whisper formats anyway
 * @param diarize         words carry {@code speaker} when the server diarizes
 * @param endpointingMs   silence after the last word that makes a result {@code speech_final}; -1 when off
 * @param utteranceEndMs  a gap without words that sends {@code UtteranceEnd}; -1 when off
 * @param vadEvents       send {@code SpeechStarted}
 * @param keywords        {@code keywords=WORD[:BOOST]}, repeated
 * @param keyterms        {@code keyterm=PHRASE}, repeated
 */
public record ListenParameters(String model, String language, int sampleRate, int channels, boolean interimResults,
                               boolean punctuate, boolean smartFormat, boolean diarize, int endpointingMs,
                               int utteranceEndMs, boolean vadEvents, List<Keyword> keywords, List<String> keyterms) {
    /** Deepgram's default endpointing: 10 ms of silence. */
    public static final int DEFAULT_ENDPOINTING_MS = 10;

    /** One {@code keywords} entry; {@code boost} is 1 when the client gave none. */
    public record Keyword(String word, double boost) {
    }

    public ListenParameters {
        keywords = List.copyOf(keywords);
        keyterms = List.copyOf(keyterms);
    }

    /**
     * The terms the client expects, for the stream's prompt: its keyterms and the keywords with a positive boost
     * (a negative boost asks Deepgram to suppress a word; Whisper's prompt cannot, so those are left out).
     */
    public Hotwords hotwords() {
        List<String> terms = new ArrayList<>();
        keywords.stream().filter(k -> k.boost() > 0).map(Keyword::word).forEach(terms::add);
        terms.addAll(keyterms);
        return new Hotwords(terms);
    }

    /** True when the audio is containerised (WAV, WebM, Ogg) rather than raw linear16. */
    public boolean containerised() {
        return sampleRate == 0;
    }

    /**
     * Reads a query.
     *
     * @throws IllegalArgumentException with a message naming the parameter and what it accepts
     */
    public static ListenParameters parse(Map<String, List<String>> query) {
        String encoding = one(query, "encoding");
        int sampleRate = 0;
        if (encoding != null) {
            if (!encoding.equalsIgnoreCase("linear16")) {
                throw new IllegalArgumentException("encoding '" + encoding + "' is not supported: use linear16, or"
                        + " leave encoding out for containerised audio (WAV, WebM/Opus, Ogg/Opus)");
            }
            String rate = one(query, "sample_rate");
            if (rate == null) {
                throw new IllegalArgumentException("sample_rate is required with encoding=linear16");
            }
            sampleRate = integer("sample_rate", rate);
            if (sampleRate < 8000 || sampleRate > 192_000) {
                throw new IllegalArgumentException("sample_rate must be 8000..192000, got " + sampleRate);
            }
        }
        String channelsText = one(query, "channels");
        int channels = channelsText == null ? 1 : integer("channels", channelsText);
        if (channels != 1) {
            throw new IllegalArgumentException("channels=" + channels + " is not supported: Steno transcribes one"
                    + " channel; send mono audio (channels=1) or one socket per channel");
        }
        String language = one(query, "language");
        language = language == null || language.equalsIgnoreCase("multi") ? null
                : WhisperLanguages.parse(language.toLowerCase(Locale.ROOT).replaceFirst("-.*", ""));
        boolean interim = bool(query, "interim_results", false);
        int utteranceEnd = one(query, "utterance_end_ms") == null ? -1
                : integer("utterance_end_ms", one(query, "utterance_end_ms"));
        if (utteranceEnd >= 0 && !interim) {
            throw new IllegalArgumentException("utterance_end_ms needs interim_results=true");
        }
        String endpointing = one(query, "endpointing");
        int endpointingMs = endpointing == null ? DEFAULT_ENDPOINTING_MS
                : endpointing.equals("false") ? -1
                : endpointing.equals("true") ? DEFAULT_ENDPOINTING_MS
                : integer("endpointing", endpointing);
        List<Keyword> keywords = new ArrayList<>();
        for (String k : query.getOrDefault("keywords", List.of())) {
            keywords.add(keyword(k));
        }
        List<String> keyterms = query.getOrDefault("keyterm", List.of()).stream().map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
        return new ListenParameters(one(query, "model"), language, sampleRate, channels, interim,
                bool(query, "punctuate", false), bool(query, "smart_format", false), bool(query, "diarize", false),
                endpointingMs, utteranceEnd, bool(query, "vad_events", false), keywords, keyterms);
    }

    private static Keyword keyword(String entry) {
        int colon = entry.lastIndexOf(':');
        String word = (colon < 0 ? entry : entry.substring(0, colon)).strip();
        if (word.isEmpty()) {
            throw new IllegalArgumentException("keywords entry '" + entry + "' has no word: use WORD or WORD:BOOST");
        }
        double boost = 1;
        if (colon >= 0) {
            try {
                boost = Double.parseDouble(entry.substring(colon + 1).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("keywords entry '" + entry + "' has no number after ':'"
                        + " (use WORD:BOOST, e.g. steno:2)");
            }
            if (!Double.isFinite(boost)) {
                throw new IllegalArgumentException("keywords boost must be finite in '" + entry + "'");
            }
        }
        return new Keyword(word, boost);
    }

    private static String one(Map<String, List<String>> query, String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst().strip();
    }

    private static boolean bool(Map<String, List<String>> query, String name, boolean otherwise) {
        String v = one(query, name);
        if (v == null) {
            return otherwise;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + v + "'");
        };
    }

    private static int integer(String name, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number of at least 0, got '" + v + "'");
        }
    }
}
