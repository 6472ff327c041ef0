package dev.steno.engine.model;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The official whisper.cpp ggml models, by the names users type on the command line.
 *
 * <p>SHA-256 sums are recorded for tiny, base, small, large-v3 and large-v3-turbo. The other models have no recorded
 * sum: their downloads are accepted as they arrive and the computed SHA-256 is logged and handed to the
 * {@link DownloadListener}, so a user can compare it with the published one.
 */
public final class ModelCatalog {
    /** Where whisper.cpp's maintainers host the ggml files; the file name is appended to it. */
    public static final URI DEFAULT_BASE_URL = URI.create("https://huggingface.co/ggerganov/whisper.cpp/resolve/main/");

    private static final Map<String, WhisperModel> MODELS = build();

    private ModelCatalog() {
    }

    private static Map<String, WhisperModel> build() {
        Map<String, WhisperModel> m = new LinkedHashMap<>();
        add(m, "tiny", "be07e048e1e599ad46341c8d2a135645097a538221678b7acdd1b1919c6e1b21", 77_691_713L, 80,
                "39 M parameters, multilingual; fastest, least accurate");
        add(m, "tiny.en", null, 0, 80, "39 M parameters, English only");
        add(m, "base", "60ed5bc3dd14eea856493d334349b405782ddcaf0028d4b5df4088345fba2efe", 147_951_465L, 80,
                "74 M parameters, multilingual; a good default on laptops");
        add(m, "base.en", null, 0, 80, "74 M parameters, English only");
        add(m, "small", "1be3a9b2063867b937e64e2ec7483364a79917e157fa98c5d94b5c1fffea987b", 0, 80,
                "244 M parameters, multilingual");
        add(m, "small.en", null, 0, 80, "244 M parameters, English only");
        add(m, "medium", null, 0, 80, "769 M parameters, multilingual; slow on CPUs");
        add(m, "medium.en", null, 0, 80, "769 M parameters, English only; slow on CPUs");
        add(m, "large-v3", "64d182b440b98d5203c4f9bd541544d84c605196c4f7b845dfa11fb23594d1e2", 0, 128,
                "1.55 B parameters, multilingual; most accurate, needs a GPU for live use");
        add(m, "large-v3-turbo", "1fc70f774d38eb169993ac391eea357ef47c88757ef72ee5943879b7e8e2bc69", 0, 128,
                "809 M parameters, multilingual; large-v3 encoder with a 4-layer decoder");
        return Collections.unmodifiableMap(m);
    }

    private static void add(Map<String, WhisperModel> m, String name, String sha, long size, int nMels,
                            String description) {
        m.put(name, new WhisperModel(name, "ggml-" + name + ".bin", Optional.ofNullable(sha),
                size > 0 ? OptionalLong.of(size) : OptionalLong.empty(), name.endsWith(".en"), nMels, description));
    }

    /** The model with this name, if it is an official one. Names are case-sensitive, as whisper.cpp's are. */
    public static Optional<WhisperModel> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(MODELS.get(name.strip()));
    }

    /**
     * The model with this name. Names are looked up, never turned into paths: a name that looks like one
     * ({@code ..}, a separator, an absolute path) is refused with a pointer to {@code --model-path}.
     *
     * @throws IllegalArgumentException for an unknown name; the message lists the valid names
     */
    public static WhisperModel require(String name) {
        if (name != null && (name.contains("/") || name.contains("\\") || name.contains(".."))) {
            throw new IllegalArgumentException("'" + name + "' is a path, not a model name: give a model file with "
                    + "--model-path, or one of the names " + String.join(", ", names()));
        }
        return find(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown model '" + name + "'; valid names: " + String.join(", ", names())));
    }

    /** Every official model, smallest first. */
    public static List<WhisperModel> all() {
        return List.copyOf(MODELS.values());
    }

    /** Every official model name, smallest first. */
    public static List<String> names() {
        return List.copyOf(MODELS.keySet());
    }

    /**
     * The download address of a model under a base URL.
     *
     * @param baseUrl a folder URL; a missing trailing slash is added so the file name is appended, not substituted
     */
    public static URI url(URI baseUrl, WhisperModel model) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        return asFolder(baseUrl).resolve(model.fileName());
    }

    static URI asFolder(URI baseUrl) {
        String s = baseUrl.toString();
        return s.endsWith("/") ? baseUrl : URI.create(s + "/");
    }
}
