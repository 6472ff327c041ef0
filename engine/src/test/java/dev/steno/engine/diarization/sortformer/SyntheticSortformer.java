package dev.steno.engine.diarization.sortformer;

import dev.steno.engine.onnx.OnnxModelBuilder;
import dev.steno.engine.onnx.OnnxModelBuilder.Type;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a synthetic streaming Sortformer: exactly the real signature, with outputs a known function of the inputs.
 * <ul>
 *   <li>{@code chunk_pre_encode_embs}: each group of 8 mel frames averaged, the 128 bands in the first 128 of 512
 *       dimensions (the rest zero); {@code chunk_pre_encode_lengths = (chunk_lengths + 7) / 8};</li>
 *   <li>the valid rows of cache, FIFO and embeddings are packed one after the other by their lengths (as NeMo's
 *       {@code concat_and_pad}), and every row's predictions are
 *       {@code sigmoid(mean(low bands) - mean(high bands) - 4)} for speaker 0, the opposite contrast for speaker 1,
 *       and about 0.0025 for speakers 2 and 3: a low-pitched sound is speaker 0, a high one speaker 1, silence
 *       neither.</li>
 * </ul>
 */
final class SyntheticSortformer {
    /** Bands read as "low" (about 70..960 Hz) and "high" (about 2.3..5.3 kHz). */
    static final int LOW_FROM = 3;
    static final int LOW_TO = 40;
    static final int HIGH_FROM = 72;
    static final int HIGH_TO = 108;
    static final float THRESHOLD = 4;

    private SyntheticSortformer() {
    }

    /** Dynamic shapes everywhere. */
    static Path dynamic(Path file) throws IOException {
        return write(file, "T", "S", "F", Map.of());
    }

    /**
     * @param chunk a fixed mel-frame count or a symbolic name; likewise {@code cache} and {@code fifo}
     */
    static Path write(Path file, Object chunk, Object cache, Object fifo, Map<String, String> metadata)
            throws IOException {
        OnnxModelBuilder b = new OnnxModelBuilder("synthetic-sortformer")
                .input("chunk", Type.FLOAT, 1, chunk, 128)
                .input("chunk_lengths", Type.INT64, 1)
                .input("spkcache", Type.FLOAT, 1, cache, 512)
                .input("spkcache_lengths", Type.INT64, 1)
                .input("fifo", Type.FLOAT, 1, fifo, 512)
                .input("fifo_lengths", Type.INT64, 1);
        // pre-encode: (1, T, 128) -> (1, T/8, 8, 128) -> mean over the 8 -> (1, T/8, 128) -> (1, T/8, 512)
        float[] project = new float[128 * 512];
        for (int i = 0; i < 128; i++) {
            project[i * 512 + i] = 1;
        }
        b.initializer("group_shape", new long[] {1, -1, 8, 128}, 4)
                .initializer("project", project, 128, 512)
                .node("Reshape", List.of("chunk", "group_shape"), List.of("grouped"))
                .node("ReduceMean", List.of("grouped"), List.of("means"), Map.of("axes", new long[] {2},
                        "keepdims", 0L))
                .node("MatMul", List.of("means", "project"), List.of("chunk_pre_encode_embs"));
        b.initializer("seven", new long[] {7}, 1)
                .initializer("eight", new long[] {8}, 1)
                .node("Add", List.of("chunk_lengths", "seven"), List.of("len_plus"))
                .node("Div", List.of("len_plus", "eight"), List.of("chunk_pre_encode_lengths"));
        // packing: row p of the packed sequence reads row idx(p) of concat(spkcache, fifo, embs)
        b.initializer("zero", new long[] {0})
                .initializer("one", new long[] {1})
                .initializer("axis1", new long[] {1}, 1)
                .node("Concat", List.of("spkcache", "fifo", "chunk_pre_encode_embs"), List.of("all"),
                        Map.of("axis", 1L))
                .node("Shape", List.of("all"), List.of("all_shape"))
                .node("Gather", List.of("all_shape", "one"), List.of("n"), Map.of("axis", 0L))
                .node("Shape", List.of("spkcache"), List.of("s_shape"))
                .node("Gather", List.of("s_shape", "axis1"), List.of("s_rows"), Map.of("axis", 0L))
                .node("Shape", List.of("fifo"), List.of("f_shape"))
                .node("Gather", List.of("f_shape", "axis1"), List.of("f_rows"), Map.of("axis", 0L))
                .node("Range", List.of("zero", "n", "one"), List.of("p"))
                .node("Add", List.of("spkcache_lengths", "fifo_lengths"), List.of("sl_fl"))
                .node("Less", List.of("p", "spkcache_lengths"), List.of("in_cache"))
                .node("Less", List.of("p", "sl_fl"), List.of("in_fifo"))
                // p - sl + S  and  p - sl - fl + S + F
                .node("Sub", List.of("p", "spkcache_lengths"), List.of("p_sl"))
                .node("Add", List.of("p_sl", "s_rows"), List.of("fifo_idx"))
                .node("Sub", List.of("p", "sl_fl"), List.of("p_slfl"))
                .node("Add", List.of("s_rows", "f_rows"), List.of("s_f"))
                .node("Add", List.of("p_slfl", "s_f"), List.of("chunk_idx"))
                .node("Where", List.of("in_fifo", "fifo_idx", "chunk_idx"), List.of("tail_idx"))
                .node("Where", List.of("in_cache", "p", "tail_idx"), List.of("raw_idx"))
                .node("Sub", List.of("n", "one"), List.of("last"))
                .node("Min", List.of("raw_idx", "last"), List.of("idx"))
                .node("Gather", List.of("all", "idx"), List.of("packed"), Map.of("axis", 1L));
        // predictions from the band contrast
        float[] w = new float[512 * 4];
        int lowCount = LOW_TO - LOW_FROM;
        int highCount = HIGH_TO - HIGH_FROM;
        for (int band = LOW_FROM; band < LOW_TO; band++) {
            w[band * 4] = 1f / lowCount;
            w[band * 4 + 1] = -1f / lowCount;
        }
        for (int band = HIGH_FROM; band < HIGH_TO; band++) {
            w[band * 4] = -1f / highCount;
            w[band * 4 + 1] = 1f / highCount;
        }
        b.initializer("w", w, 512, 4)
                .initializer("bias", new float[] {-THRESHOLD, -THRESHOLD, -6, -6}, 4)
                .node("MatMul", List.of("packed", "w"), List.of("logits0"))
                .node("Add", List.of("logits0", "bias"), List.of("logits"))
                .node("Sigmoid", List.of("logits"), List.of("spkcache_fifo_chunk_preds"));
        b.output("spkcache_fifo_chunk_preds", Type.FLOAT, 1, "N", 4)
                .output("chunk_pre_encode_embs", Type.FLOAT, 1, "T_emb", 512)
                .output("chunk_pre_encode_lengths", Type.INT64, 1);
        metadata.forEach(b::metadata);
        return b.write(file);
    }

    /** The prediction the synthetic model gives a row of mel means. */
    static double prediction(float[] embedding, int speaker) {
        double low = 0;
        double high = 0;
        for (int band = LOW_FROM; band < LOW_TO; band++) {
            low += embedding[band];
        }
        for (int band = HIGH_FROM; band < HIGH_TO; band++) {
            high += embedding[band];
        }
        double contrast = low / (LOW_TO - LOW_FROM) - high / (HIGH_TO - HIGH_FROM);
        double logit = speaker == 0 ? contrast - THRESHOLD : speaker == 1 ? -contrast - THRESHOLD : -6;
        return 1 / (1 + Math.exp(-logit));
    }
}
