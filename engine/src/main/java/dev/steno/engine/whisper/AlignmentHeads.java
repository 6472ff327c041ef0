package dev.steno.engine.whisper;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The decoder cross-attention heads whose attention follows the audio time line, per OpenAI Whisper model.
 *
 * <p>Word timestamps (DTW) and AlignAtt's most-attended frame read the cross-attention of these heads only: most
 * heads attend to the whole utterance, while these few track the word being decoded. The table is OpenAI's
 * {@code _ALIGNMENT_HEADS} (also in whisper.cpp's {@code g_aheads}), written as {@code layer:head}, both 0-based.
 *
 * <p>Models without a table (fine-tunes, distilled models) fall back to {@link #lastHalfOfLayers(int, int)}: every
 * head of the upper half of the decoder layers, which is what OpenAI's {@code Whisper} uses until
 * {@code set_alignment_heads} is called. That is noisier (many heads attend broadly) but the z-normalisation and
 * median filter of {@link CrossAttentionAlignment} keep it usable. Better heads for a custom model can be found by
 * correlating each head's attention with known word timings and passed in through {@link #parse(String)}.
 *
 * @param heads the selected heads, in table order, without duplicates
 */
public record AlignmentHeads(List<Head> heads) {

    /** One decoder cross-attention head: its decoder block (layer) and head number, both 0-based. */
    public record Head(int layer, int head) {
        public Head {
            if (layer < 0 || head < 0) {
                throw new IllegalArgumentException("negative layer or head: " + layer + ":" + head);
            }
        }

        @Override
        public String toString() {
            return layer + ":" + head;
        }
    }

    // OpenAI whisper/__init__.py _ALIGNMENT_HEADS, decoded from its base85 gzip masks (see docs/algorithms.md).
    private static final Map<String, String> TABLE = Map.ofEntries(
            Map.entry("tiny.en", "1:0 2:0 2:5 3:0 3:1 3:2 3:3 3:4"),
            Map.entry("tiny", "2:2 3:0 3:2 3:3 3:4 3:5"),
            Map.entry("base.en", "3:3 4:7 5:1 5:5 5:7"),
            Map.entry("base", "3:1 4:2 4:3 4:7 5:1 5:2 5:4 5:6"),
            Map.entry("small.en", "6:6 7:0 7:3 7:8 8:2 8:5 8:7 9:0 9:4 9:8 9:10 10:0 10:1 10:2 10:3 10:6 10:11 11:2 11:4"),
            Map.entry("small", "5:3 5:9 8:0 8:4 8:7 8:8 9:0 9:7 9:9 10:5"),
            Map.entry("medium.en", "11:4 14:1 14:12 14:14 15:4 16:0 16:4 16:9 17:12 17:14 18:7 18:10 18:15 20:0 20:3 "
                    + "20:9 20:14 21:12"),
            Map.entry("medium", "13:15 15:4 15:15 16:1 20:0 23:4"),
            Map.entry("large-v1", "9:19 11:2 11:4 11:17 22:7 22:11 22:17 23:2 23:15"),
            Map.entry("large-v2", "10:12 13:17 16:11 16:12 16:13 17:15 17:16 18:4 18:11 18:19 19:11 21:2 21:3 22:3 "
                    + "22:9 22:12 23:5 23:7 23:13 25:5 26:1 26:12 27:15"),
            Map.entry("large-v3", "7:0 10:17 12:18 13:12 16:1 17:14 19:11 21:4 24:1 25:6"),
            Map.entry("large-v3-turbo", "2:4 2:11 3:3 3:6 3:11 3:14"));

    // OpenAI's short names: "large" is large-v3 since its release, "turbo" is large-v3-turbo.
    private static final Map<String, String> ALIASES = Map.of("large", "large-v3", "turbo", "large-v3-turbo");

    // Quantisation/precision suffixes of ggml file names (ggml-small.en-q5_1.bin, ggml-large-v3-turbo-q8_0.bin).
    private static final Pattern WEIGHT_SUFFIX = Pattern.compile("-(q\\d(_\\d|_k)?|f16|f32)$");

    public AlignmentHeads {
        heads = List.copyOf(heads);
        if (heads.isEmpty()) {
            throw new IllegalArgumentException("no alignment heads");
        }
        if (heads.stream().distinct().count() != heads.size()) {
            throw new IllegalArgumentException("duplicate alignment heads: " + heads);
        }
    }

    /**
     * The table entry for an OpenAI model name. Accepts the plain names ({@code tiny.en}, {@code large-v3-turbo}),
     * OpenAI's aliases {@code large} and {@code turbo}, and ggml file names ({@code ggml-base.en-q5_1.bin}); case is
     * ignored. Empty for any other model: use {@link #lastHalfOfLayers(int, int)} then.
     */
    public static Optional<AlignmentHeads> forModel(String name) {
        Objects.requireNonNull(name, "name");
        String key = name.strip().toLowerCase(Locale.ROOT);
        int slash = Math.max(key.lastIndexOf('/'), key.lastIndexOf('\\'));
        key = key.substring(slash + 1);
        if (key.endsWith(".bin")) {
            key = key.substring(0, key.length() - 4);
        }
        if (key.startsWith("ggml-")) {
            key = key.substring(5);
        }
        key = WEIGHT_SUFFIX.matcher(key).replaceFirst("");
        key = ALIASES.getOrDefault(key, key);
        String spec = TABLE.get(key);
        return spec == null ? Optional.empty() : Optional.of(parse(spec));
    }

    /**
     * The fallback for models without a table, as in OpenAI's {@code Whisper.__init__}: all heads of decoder layers
     * {@code decoderLayers / 2} to {@code decoderLayers - 1}.
     */
    public static AlignmentHeads lastHalfOfLayers(int decoderLayers, int headsPerLayer) {
        if (decoderLayers <= 0 || headsPerLayer <= 0) {
            throw new IllegalArgumentException("decoder layers and heads must be positive: " + decoderLayers + ", "
                    + headsPerLayer);
        }
        List<Head> heads = new ArrayList<>((decoderLayers - decoderLayers / 2) * headsPerLayer);
        for (int layer = decoderLayers / 2; layer < decoderLayers; layer++) {
            for (int h = 0; h < headsPerLayer; h++) {
                heads.add(new Head(layer, h));
            }
        }
        return new AlignmentHeads(heads);
    }

    /** The table entry for {@code name}, else {@link #lastHalfOfLayers} of the given decoder shape. */
    public static AlignmentHeads forModelOrDefault(String name, int decoderLayers, int headsPerLayer) {
        return forModel(name).orElseGet(() -> lastHalfOfLayers(decoderLayers, headsPerLayer));
    }

    /** The table entry matching a model's decoder shape, or the fallback, given its name and hyper-parameters. */
    public static AlignmentHeads forModelOrDefault(String name, WhisperHyperParams hparams) {
        return forModelOrDefault(name, hparams.nTextLayer(), hparams.nTextHead());
    }

    /** Parses {@code "layer:head layer:head ..."} (whitespace or commas between pairs). */
    public static AlignmentHeads parse(String spec) {
        List<Head> heads = new ArrayList<>();
        for (String pair : spec.strip().split("[\\s,]+")) {
            if (pair.isEmpty()) {
                continue;
            }
            int colon = pair.indexOf(':');
            if (colon <= 0 || colon == pair.length() - 1) {
                throw new IllegalArgumentException("expected layer:head, got '" + pair + "'");
            }
            try {
                heads.add(new Head(Integer.parseInt(pair.substring(0, colon)),
                        Integer.parseInt(pair.substring(colon + 1))));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected layer:head, got '" + pair + "'", e);
            }
        }
        return new AlignmentHeads(heads);
    }

    /** Number of heads. */
    public int size() {
        return heads.size();
    }

    /** Whether every head exists in a decoder of this shape (a table entry used with the wrong model would not). */
    public boolean fits(int decoderLayers, int headsPerLayer) {
        for (Head h : heads) {
            if (h.layer() >= decoderLayers || h.head() >= headsPerLayer) {
                return false;
            }
        }
        return true;
    }

    /** The heads of one decoder layer, in table order (the decoder collects attention layer by layer). */
    public int[] headsInLayer(int layer) {
        return heads.stream().filter(h -> h.layer() == layer).mapToInt(Head::head).toArray();
    }

    /** The table notation, {@code "2:2 3:0 ..."}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Head h : heads) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(h);
        }
        return sb.toString();
    }
}
