package dev.steno.engine.model;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One Whisper model file in ggml format, as whisper.cpp publishes it.
 *
 * @param name        the short name users type, such as {@code "base.en"}
 * @param fileName    the official file name, such as {@code "ggml-base.en.bin"}; also its name in the cache
 * @param sha256      the file's SHA-256 as lower-case hex, when one is recorded
 * @param sizeBytes   the file's exact size, when recorded
 * @param englishOnly true for the {@code .en} models, which cannot detect languages or translate
 * @param nMels       mel bands the encoder expects: 80, or 128 for large-v3 and its turbo variant
 * @param description a short human description for help texts
 */
public record WhisperModel(String name, String fileName, Optional<String> sha256, OptionalLong sizeBytes,
                           boolean englishOnly, int nMels, String description) {
    public WhisperModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(sizeBytes, "sizeBytes");
        Objects.requireNonNull(description, "description");
        if (name.isBlank()) {
            throw new IllegalArgumentException("model name is blank");
        }
        // The file name becomes a path inside the cache directory; a separator would escape it.
        if (fileName.isBlank() || fileName.contains("/") || fileName.contains("\\") || fileName.equals("..")
                || fileName.equals(".")) {
            throw new IllegalArgumentException("model file name must be a plain file name: " + fileName);
        }
        if (sha256.isPresent()) {
            String hex = sha256.get().toLowerCase(Locale.ROOT);
            if (hex.length() != 64 || !hex.chars().allMatch(HexFormat::isHexDigit)) {
                throw new IllegalArgumentException("SHA-256 must be 64 hex digits: " + sha256.get());
            }
            sha256 = Optional.of(hex);
        }
        if (sizeBytes.isPresent() && sizeBytes.getAsLong() <= 0) {
            throw new IllegalArgumentException("size must be positive: " + sizeBytes.getAsLong());
        }
        if (nMels != 80 && nMels != 128) {
            throw new IllegalArgumentException("Whisper models use 80 or 128 mel bands, not " + nMels);
        }
    }

    /** True when the model knows languages other than English. */
    public boolean multilingual() {
        return !englishOnly;
    }
}
