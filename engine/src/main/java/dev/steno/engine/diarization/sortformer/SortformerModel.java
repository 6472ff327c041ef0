package dev.steno.engine.diarization.sortformer;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.steno.engine.onnx.OnnxSessions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A streaming Sortformer ONNX export: one onnxruntime session shared by every stream (onnxruntime allows concurrent
 * {@code run} calls on one session; each stream brings its own {@link Step} buffers).
 *
 * <p>The signature is checked at load (community exports; NeMo's own is broken):
 * <pre>
 *   chunk            float32 (1, T_mel, 128)   mel frames, time-major
 *   chunk_lengths    int64   (1)
 *   spkcache         float32 (1, S, 512)
 *   spkcache_lengths int64   (1)
 *   fifo             float32 (1, F, 512)
 *   fifo_lengths     int64   (1)
 *   →
 *   spkcache_fifo_chunk_preds float32 (1, S + F + T_emb, 4)
 *   chunk_pre_encode_embs     float32 (1, T_emb, 512)
 *   chunk_pre_encode_lengths  int64   (1)
 * </pre>
 * The model packs the valid rows of cache, FIFO and chunk one after the other (NeMo {@code concat_and_pad}), so the
 * predictions of the FIFO start at the cache's true length. Exports traced with static shapes get their inputs padded
 * to the traced sizes, the true lengths going in the {@code *_lengths} inputs. The metadata keys {@code chunk_len},
 * {@code fifo_len} and {@code spkcache_len}, when present, declare what the export was made for.
 */
public final class SortformerModel implements AutoCloseable {
    /** Embedding width of the pre-encoder. */
    public static final int DIM = SpeakerCache.DIM;
    static final String CHUNK = "chunk";
    static final String CHUNK_LENGTHS = "chunk_lengths";
    static final String CACHE = "spkcache";
    static final String CACHE_LENGTHS = "spkcache_lengths";
    static final String FIFO = "fifo";
    static final String FIFO_LENGTHS = "fifo_lengths";
    static final String PREDS = "spkcache_fifo_chunk_preds";
    static final String EMBS = "chunk_pre_encode_embs";
    static final String EMB_LENGTHS = "chunk_pre_encode_lengths";
    private static final String EXPECTED = "a streaming Sortformer export takes chunk float32 (1, T_mel, 128),"
            + " chunk_lengths int64 (1), spkcache float32 (1, S, 512), spkcache_lengths int64 (1), fifo float32"
            + " (1, F, 512), fifo_lengths int64 (1) and returns spkcache_fifo_chunk_preds float32 (1, S+F+T_emb, 4),"
            + " chunk_pre_encode_embs float32 (1, T_emb, 512), chunk_pre_encode_lengths int64 (1)";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final String source;
    private final int staticChunk;
    private final int staticCache;
    private final int staticFifo;
    private final Map<String, Integer> declared;

    private SortformerModel(OrtEnvironment env, OrtSession session, String source, long[][] shapes,
            Map<String, Integer> declared) {
        this.env = env;
        this.session = session;
        this.source = source;
        this.staticChunk = (int) shapes[0][1];
        this.staticCache = (int) shapes[1][1];
        this.staticFifo = (int) shapes[2][1];
        this.declared = declared;
    }

    /**
     * Loads and checks a streaming Sortformer export.
     *
     * @throws NoSuchFileException when the file does not exist
     * @throws IOException         when onnxruntime cannot load it, or its inputs, outputs or metadata are not those
     *                             of a streaming Sortformer (the message names what is missing or wrong and what was
     *                             expected)
     */
    public static SortformerModel load(Path onnx) throws IOException {
        OrtSession session = OnnxSessions.open(onnx, "Sortformer model");
        String source = onnx.toString();
        return OnnxSessions.checked(session, source, "streaming Sortformer model", s -> {
            long[][] shapes = checkSignature(s.getInputInfo(), s.getOutputInfo());
            Map<String, Integer> declared = declared(s.getMetadata().getCustomMetadata());
            return new SortformerModel(OrtEnvironment.getEnvironment(), s, source, shapes, declared);
        });
    }

    /** Checks names, types and fixed sizes; returns the shapes of chunk, spkcache and fifo. */
    static long[][] checkSignature(Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs) {
        String found = OnnxSessions.found(inputs, outputs) + "; " + EXPECTED;
        long[] chunk = tensor(inputs, "input", CHUNK, OnnxJavaType.FLOAT, new long[] {1, -1, 128}, found);
        tensor(inputs, "input", CHUNK_LENGTHS, OnnxJavaType.INT64, new long[] {1}, found);
        long[] cache = tensor(inputs, "input", CACHE, OnnxJavaType.FLOAT, new long[] {1, -1, DIM}, found);
        tensor(inputs, "input", CACHE_LENGTHS, OnnxJavaType.INT64, new long[] {1}, found);
        long[] fifo = tensor(inputs, "input", FIFO, OnnxJavaType.FLOAT, new long[] {1, -1, DIM}, found);
        tensor(inputs, "input", FIFO_LENGTHS, OnnxJavaType.INT64, new long[] {1}, found);
        tensor(outputs, "output", PREDS, OnnxJavaType.FLOAT, new long[] {1, -1, SortformerPreset.SPEAKERS}, found);
        tensor(outputs, "output", EMBS, OnnxJavaType.FLOAT, new long[] {1, -1, DIM}, found);
        tensor(outputs, "output", EMB_LENGTHS, OnnxJavaType.INT64, new long[] {1}, found);
        return new long[][] {chunk, cache, fifo};
    }

    /** {@link OnnxSessions#tensor}, with a hint when the chunk is missing because the export is the offline model. */
    private static long[] tensor(Map<String, NodeInfo> nodes, String kind, String name, OnnxJavaType type,
            long[] want, String found) {
        if (!nodes.containsKey(name)) {
            String hint = "";
            if (kind.equals("input") && name.equals(CHUNK) && looksOffline(nodes)) {
                hint = "; it looks like the offline Sortformer ((B, 128, T) -> (B, T/8, 4)), which cannot stream";
            }
            throw new IllegalArgumentException("missing " + kind + " '" + name + "'" + hint + found);
        }
        return OnnxSessions.tensor(nodes, kind, name, type, want, found).getShape();
    }

    private static boolean looksOffline(Map<String, NodeInfo> inputs) {
        for (NodeInfo n : inputs.values()) {
            if (n.getInfo() instanceof TensorInfo t && t.getShape().length == 3 && t.getShape()[1] == 128) {
                return true;
            }
        }
        return false;
    }

    /** The metadata's chunk_len, fifo_len and spkcache_len, where present. */
    static Map<String, Integer> declared(Map<String, String> metadata) {
        Map<String, Integer> out = new TreeMap<>();
        for (String key : List.of("chunk_len", "fifo_len", "spkcache_len")) {
            String v = metadata.get(key);
            if (v != null) {
                try {
                    out.put(key, Integer.parseInt(v.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("metadata " + key + " = '" + v + "' is not a whole number");
                }
            }
        }
        return out;
    }

    /**
     * Checks that a preset fits this export: a static chunk size must be the preset's step
     * ({@code 8·(left + chunk + right)} mel frames), static cache and FIFO sizes must hold the preset's, and
     * declared metadata must agree.
     *
     * @throws IllegalArgumentException naming the disagreement and the presets that would fit
     */
    public void check(SortformerPreset preset) {
        List<String> problems = problems(preset);
        if (!problems.isEmpty()) {
            List<String> fitting = new ArrayList<>();
            for (Map.Entry<String, SortformerPreset> e : SortformerPreset.named().entrySet()) {
                if (problems(e.getValue()).isEmpty()) {
                    fitting.add(e.getKey());
                }
            }
            throw new IllegalArgumentException(source + " does not fit preset " + preset + ": "
                    + String.join("; ", problems) + (fitting.isEmpty() ? "; no built-in preset fits it"
                    : "; presets that fit: " + String.join(", ", fitting)));
        }
    }

    private List<String> problems(SortformerPreset preset) {
        List<String> problems = new ArrayList<>();
        if (staticChunk > 0 && staticChunk != preset.melFramesPerStep()) {
            problems.add("it was traced for chunks of " + staticChunk + " mel frames; the preset's step is 8·("
                    + preset.leftContext() + " + " + preset.chunkLen() + " + " + preset.rightContext() + ") = "
                    + preset.melFramesPerStep());
        }
        if (staticCache > 0 && staticCache < preset.spkcacheLen()) {
            problems.add("its speaker cache input holds " + staticCache + " frames; the preset needs "
                    + preset.spkcacheLen());
        }
        if (staticFifo > 0 && staticFifo < preset.fifoLen()) {
            problems.add("its FIFO input holds " + staticFifo + " frames; the preset needs " + preset.fifoLen());
        }
        compare(problems, "chunk_len", preset.chunkLen());
        compare(problems, "fifo_len", preset.fifoLen());
        compare(problems, "spkcache_len", preset.spkcacheLen());
        return problems;
    }

    private void compare(List<String> problems, String key, int value) {
        Integer d = declared.get(key);
        if (d != null && d != value) {
            problems.add("its metadata declares " + key + " = " + d + ", the preset " + value);
        }
    }

    /** Fixed chunk length in mel frames, or -1 when dynamic. */
    public int staticChunkFrames() {
        return staticChunk;
    }

    /** Fixed speaker-cache rows, or -1 when dynamic. */
    public int staticCacheFrames() {
        return staticCache;
    }

    /** Fixed FIFO rows, or -1 when dynamic. */
    public int staticFifoFrames() {
        return staticFifo;
    }

    /** The streaming parameters the metadata declares ({@code chunk_len}, {@code fifo_len}, {@code spkcache_len}). */
    public Map<String, Integer> declaredParameters() {
        return declared;
    }

    /** Where the model came from. */
    public String source() {
        return source;
    }

    /** Buffers for one stream's steps with this model and preset. */
    public Step newStep(SortformerPreset preset) {
        check(preset);
        return new Step(preset);
    }

    /**
     * One stream's input and output buffers: write the mel frames, cache and FIFO rows into {@link #chunk()},
     * {@link #cache()}, {@link #fifo()} (row-major, from index 0), then {@link #run}. Not thread-safe.
     */
    public final class Step {
        private final FloatBuffer chunk;
        private final FloatBuffer cache;
        private final FloatBuffer fifo;
        private final int maxChunk;
        private final int maxCache;
        private final int maxFifo;
        private float[] preds = new float[0];
        private float[] embs = new float[0];
        private int predRows;
        private int embRows;
        private int embLength;

        private Step(SortformerPreset preset) {
            maxChunk = staticChunk > 0 ? staticChunk : preset.melFramesPerStep();
            maxCache = staticCache > 0 ? staticCache : preset.spkcacheLen();
            maxFifo = staticFifo > 0 ? staticFifo : preset.fifoLen();
            chunk = direct(maxChunk * SortformerMel.BANDS);
            cache = direct(maxCache * DIM);
            fifo = direct(maxFifo * DIM);
        }

        private static FloatBuffer direct(int floats) {
            return ByteBuffer.allocateDirect(Math.max(1, floats) * Float.BYTES).order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
        }

        /** Mel frames in, {@value SortformerMel#BANDS} per row. */
        public FloatBuffer chunk() {
            return chunk;
        }

        /** Cache rows in, {@value #DIM} per row. */
        public FloatBuffer cache() {
            return cache;
        }

        /** FIFO rows in, {@value #DIM} per row. */
        public FloatBuffer fifo() {
            return fifo;
        }

        /**
         * Runs the model on the first {@code melFrames}, {@code cacheRows} and {@code fifoRows} rows written; rows
         * up to a static size (or, for the chunk of a dynamic export, up to a whole number of 8-frame groups) are
         * zeroed.
         *
         * @throws IllegalStateException when onnxruntime fails or the outputs are smaller than they must be
         */
        public void run(int melFrames, int cacheRows, int fifoRows) {
            if (melFrames > maxChunk || cacheRows > maxCache || fifoRows > maxFifo) {
                throw new IllegalArgumentException("step of " + melFrames + " mel frames, " + cacheRows
                        + " cache rows, " + fifoRows + " FIFO rows exceeds " + maxChunk + "/" + maxCache + "/"
                        + maxFifo);
            }
            // NeMo's features are padded (pad_to 16) and its last chunk carries the padding, the true length in
            // chunk_lengths; a dynamic export gets whole groups of 8 mel frames likewise
            int t = staticChunk > 0 ? staticChunk : (int) Math.ceilDiv(melFrames, SortformerPreset.SUBSAMPLING)
                    * SortformerPreset.SUBSAMPLING;
            int s = staticCache > 0 ? staticCache : cacheRows;
            int f = staticFifo > 0 ? staticFifo : fifoRows;
            zero(chunk, melFrames * SortformerMel.BANDS, t * SortformerMel.BANDS);
            zero(cache, cacheRows * DIM, s * DIM);
            zero(fifo, fifoRows * DIM, f * DIM);
            try (OnnxTensor tChunk = tensor(chunk, t, SortformerMel.BANDS);
                 OnnxTensor tCache = tensor(cache, s, DIM);
                 OnnxTensor tFifo = tensor(fifo, f, DIM);
                 OnnxTensor lChunk = OnnxTensor.createTensor(env, new long[] {melFrames});
                 OnnxTensor lCache = OnnxTensor.createTensor(env, new long[] {cacheRows});
                 OnnxTensor lFifo = OnnxTensor.createTensor(env, new long[] {fifoRows});
                 OrtSession.Result result = session.run(Map.of(CHUNK, tChunk, CHUNK_LENGTHS, lChunk, CACHE, tCache,
                         CACHE_LENGTHS, lCache, FIFO, tFifo, FIFO_LENGTHS, lFifo))) {
                OnnxTensor p = (OnnxTensor) result.get(PREDS).orElseThrow();
                OnnxTensor e = (OnnxTensor) result.get(EMBS).orElseThrow();
                OnnxValue l = result.get(EMB_LENGTHS).orElseThrow();
                predRows = (int) p.getInfo().getShape()[1];
                embRows = (int) e.getInfo().getShape()[1];
                preds = read(p.getFloatBuffer(), preds, predRows * SortformerPreset.SPEAKERS);
                embs = read(e.getFloatBuffer(), embs, embRows * DIM);
                embLength = (int) ((OnnxTensor) l).getLongBuffer().get(0);
            } catch (OrtException e) {
                throw new IllegalStateException("Sortformer model " + source + " failed: " + e.getMessage(), e);
            }
            if (embLength < 0 || embLength > embRows || predRows < cacheRows + fifoRows + embLength) {
                throw new IllegalStateException("Sortformer model " + source + " returned " + predRows
                        + " prediction rows and " + embRows + " embeddings (" + embLength + " valid) for "
                        + cacheRows + " cache, " + fifoRows + " FIFO and " + melFrames + " mel frames");
            }
        }

        private OnnxTensor tensor(FloatBuffer buf, int rows, int width) throws OrtException {
            buf.clear();
            buf.limit(rows * width);
            return OnnxTensor.createTensor(env, buf, new long[] {1, rows, width});
        }

        private static void zero(FloatBuffer buf, int from, int to) {
            for (int i = from; i < to; i++) {
                buf.put(i, 0f);
            }
        }

        private static float[] read(FloatBuffer src, float[] dst, int n) {
            float[] out = dst.length >= n ? dst : Arrays.copyOf(dst, n);
            src.get(out, 0, n);
            return out;
        }

        /** Predictions of the last run, 4 per packed row (cache rows, FIFO rows, chunk rows). */
        public float[] predictions() {
            return preds;
        }

        /** Pre-encoded chunk embeddings of the last run, {@value #DIM} per row. */
        public float[] embeddings() {
            return embs;
        }

        /** Valid embedding rows of the last run ({@code chunk_pre_encode_lengths}). */
        public int embeddingLength() {
            return embLength;
        }
    }

    @Override
    public void close() {
        OnnxSessions.closeQuietly(session);
    }

    @Override
    public String toString() {
        return "SortformerModel[" + source + ", chunk " + (staticChunk > 0 ? staticChunk : "dynamic") + ", cache "
                + (staticCache > 0 ? staticCache : "dynamic") + ", fifo " + (staticFifo > 0 ? staticFifo : "dynamic")
                + ", declared " + declared + "]";
    }
}
