package dev.steno.engine.asr;

import java.util.List;
import java.util.Locale;

/**
 * The languages Whisper knows, in the order of its language tokens ({@code <|en|>} is the first). The order matters:
 * a language's token id is the id of {@code <|en|>} plus its index here. "yue" exists only in large-v3 vocabularies.
 */
public final class WhisperLanguages {
    /** ISO 639-1 codes (and "haw", "yue"), in token order. */
    public static final List<String> CODES = List.of(
            "en", "zh", "de", "es", "ru", "ko", "fr", "ja", "pt", "tr", "pl", "ca", "nl", "ar", "sv", "it", "id",
            "hi", "fi", "vi", "he", "uk", "el", "ms", "cs", "ro", "da", "hu", "ta", "no", "th", "ur", "hr", "bg",
            "lt", "la", "mi", "ml", "cy", "sk", "te", "fa", "lv", "bn", "sr", "az", "sl", "kn", "et", "mk", "br",
            "eu", "is", "hy", "ne", "mn", "bs", "kk", "sq", "sw", "gl", "mr", "pa", "si", "km", "sn", "yo", "so",
            "af", "oc", "ka", "be", "tg", "sd", "gu", "am", "yi", "lo", "uz", "fo", "ht", "ps", "tk", "nn", "mt",
            "sa", "lb", "my", "bo", "tl", "mg", "as", "tt", "haw", "ln", "ha", "ba", "jw", "su", "yue");

    private WhisperLanguages() {
    }

    /**
     * Normalises a user's language choice: null for automatic detection ("auto", blank or null), else the lower-case
     * code, which must be one Whisper knows.
     *
     * @throws IllegalArgumentException naming the unknown code
     */
    public static String parse(String language) {
        if (language == null || language.isBlank() || language.strip().equalsIgnoreCase("auto")) {
            return null;
        }
        String code = language.strip().toLowerCase(Locale.ROOT);
        if (!CODES.contains(code)) {
            throw new IllegalArgumentException("unknown language '" + language
                    + "': use auto or a code Whisper knows, such as en, de, fr, es, zh, ja (all: " + String.join(" ", CODES) + ")");
        }
        return code;
    }
}
