package dev.steno.engine.whisper;

import dev.steno.engine.onnx.OnnxModelBuilder;
import dev.steno.engine.onnx.OnnxModelBuilder.Type;
import dev.steno.engine.whisper.nn.Matrix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;

/**
 * Writes Whisper's audio encoder as an ONNX graph from loaded ggml weights, for onnxruntime: the conv stem (two
 * Conv1d, GELU), the positional embedding, the pre-LN transformer blocks and the final layer norm, followed by every
 * decoder layer's cross-attention key and value projections of the encoder output, so the Java decoder receives them
 * ready-made in its own layout. No Python, no export step: the graph is written from the file the user already has.
 *
 * <p>Standard operators of opset 20 only for {@link EncoderPrecision#F32} (the same graph runs on CPU and CUDA);
 * {@link EncoderPrecision#INT8} replaces each weight multiplication by onnxruntime's {@code DynamicQuantizeMatMul}
 * ({@code com.microsoft}): weights quantised symmetrically per output column, activations per call. GELU is the tanh
 * form that whisper.cpp and the Java encoder compute, so f32 results agree with the Java encoder to rounding.
 *
 * <p>Inputs: {@code mel} float {@code [1, n_mels, mel_frames]} (mel_frames = 2 × frames, 2 to 3000). Outputs:
 * {@code encoded} float {@code [frames, n_audio_state]}; per decoder layer l, {@code cross_k_l} float16
 * {@code [n_text_state, frames]} (keys transposed) and {@code cross_v_l} float16 {@code [n_text_head, frames, d]}
 * (values head-major), as {@link DecoderState} keeps them.
 */
public final class OnnxEncoderGraph {
    /** Bumped whenever the graph changes, so cached graphs of older builders are rebuilt. */
    public static final int VERSION = 1;
    static final String INPUT = "mel";
    static final String OUTPUT = "encoded";
    /** Opset 20: the first with {@code Gelu}, whose tanh form onnxruntime runs as one kernel. */
    private static final int OPSET = 20;

    private final WhisperWeights w;
    private final EncoderPrecision precision;
    private final OnnxModelBuilder b;
    private int names;

    private OnnxEncoderGraph(WhisperWeights w, EncoderPrecision precision, OnnxModelBuilder b) {
        this.w = w;
        this.precision = precision;
        this.b = b;
    }

    static String crossKeys(int layer) {
        return "cross_k_" + layer;
    }

    static String crossValues(int layer) {
        return "cross_v_" + layer;
    }

    /**
     * Writes the graph to {@code model} and its weights to {@code model + ".data"} beside it.
     *
     * @throws IOException if the files cannot be written
     * @throws IllegalArgumentException if the model's shapes do not fit the graph ({@link #requireBuildable}); then
     *                                  nothing is written
     */
    public static void write(WhisperWeights weights, EncoderPrecision precision, Path model) throws IOException {
        requireBuildable(weights.hparams());
        Path data = model.resolveSibling(model.getFileName() + ".data");
        try (OnnxModelBuilder builder = OnnxModelBuilder.withExternalData("whisper-encoder", data)) {
            OnnxEncoderGraph g = new OnnxEncoderGraph(weights, precision, builder);
            g.build();
            builder.write(model);
        }
    }

    /** The most f32 values one initializer may hold: its bytes are one Java array. */
    private static final long MAX_INITIALIZER_VALUES = (Integer.MAX_VALUE - 8) / Float.BYTES;

    /**
     * Refuses a model this graph cannot express, naming its numbers: the decoder's cross-attention projections
     * multiply the encoder output, so both widths must be equal; heads split each width evenly; and each
     * initializer's f32 values, widened from the file, must fit one Java array. (A file that loads passes the first
     * two, which whisper.cpp needs too; the graph checks what it relies on itself.)
     *
     * @throws IllegalArgumentException saying which assumption the model breaks
     */
    static void requireBuildable(WhisperHyperParams hp) {
        int na = hp.nAudioState();
        int nt = hp.nTextState();
        if (na != nt) {
            throw new IllegalArgumentException("cannot build the ONNX encoder graph: n_text_state " + nt
                    + " differs from n_audio_state " + na + ", and the decoder's cross-attention keys and values"
                    + " are n_text_state x n_text_state projections of the n_audio_state-wide encoder output");
        }
        if (na % hp.nAudioHead() != 0 || nt % hp.nTextHead() != 0) {
            throw new IllegalArgumentException("cannot build the ONNX encoder graph: n_audio_state " + na
                    + " / n_audio_head " + hp.nAudioHead() + " and n_text_state " + nt + " / n_text_head "
                    + hp.nTextHead() + " must both be whole head widths");
        }
        long[] values = {(long) hp.nAudioCtx() * na, 4L * na * na, 2L * hp.nTextLayer() * nt * nt};
        String[] what = {"positional embedding (n_audio_ctx " + hp.nAudioCtx() + " x n_audio_state " + na + ")",
                "MLP (4 x n_audio_state " + na + " squared)",
                "cross-attention keys and values (2 x n_text_layer " + hp.nTextLayer() + " x n_text_state " + nt
                        + " squared)"};
        for (int i = 0; i < values.length; i++) {
            if (values[i] > MAX_INITIALIZER_VALUES) {
                throw new IllegalArgumentException("cannot build the ONNX encoder graph: its " + what[i]
                        + " weights are " + values[i] + " f32 values, more than the " + MAX_INITIALIZER_VALUES
                        + " one initializer can hold");
            }
        }
    }

    private void build() {
        WhisperHyperParams hp = w.hparams();
        int ns = hp.nAudioState();
        b.opset("", OPSET);
        b.opset("com.microsoft", 1);
        b.metadata("steno.graph", "whisper-encoder v" + VERSION);
        b.metadata("steno.precision", precision.label());
        b.metadata("n_audio_state", Integer.toString(ns));
        b.metadata("n_text_layer", Integer.toString(hp.nTextLayer()));
        b.input(INPUT, Type.FLOAT, 1, hp.nMels(), "mel_frames");
        String mel = precision == EncoderPrecision.F16
                ? op("Cast", List.of(INPUT), Map.of("to", (long) Type.FLOAT16.code())) : INPUT;
        floats("conv1.w", rows(w.conv1), ns, hp.nMels(), 3);
        floats("conv1.b", w.conv1Bias, ns);
        String c1 = gelu(op("Conv", List.of(mel, "conv1.w", "conv1.b"),
                Map.of("kernel_shape", new long[] {3}, "pads", new long[] {1, 1})));
        // conv2 (k 3, stride 2, pad 1) as a product, so int8 graphs quantise it like the linear layers: with a zero
        // row on each side, output frame t reads padded rows 2t, 2t+1 and 2t+2, that is pair t of the padded rows
        // read two at a time, and the first row of pair t+1.
        b.initializer("shape.rows", new long[] {-1, ns}, 2);
        b.initializer("shape.pairs", new long[] {-1, 2L * ns}, 2);
        b.initializer("pad.rows", new long[] {1, 0, 1, 0}, 4);
        b.initializer("zero", new long[] {0}, 1);
        b.initializer("minus_one", new long[] {-1}, 1);
        b.initializer("slice.next.starts", new long[] {1, 0}, 2);
        b.initializer("slice.next.ends", new long[] {Long.MAX_VALUE, ns}, 2);
        b.initializer("slice.next.axes", new long[] {0, 1}, 2);
        String melRows = op("Reshape", List.of(op("Transpose", List.of(c1), Map.of("perm", new long[] {0, 2, 1})),
                "shape.rows"), Map.of());
        String pairs = op("Reshape", List.of(op("Pad", List.of(melRows, "pad.rows"), Map.of()), "shape.pairs"),
                Map.of());
        String here = op("Slice", List.of(pairs, "zero", "minus_one", "zero"), Map.of());
        String next = op("Slice", List.of(pairs, "slice.next.starts", "slice.next.ends", "slice.next.axes"), Map.of());
        String cols = op("Concat", List.of(here, next), Map.of("axis", 1L));
        Matrix conv2 = w.conv2;
        // kernel row o holds input channel c, tap k at c*3 + k; the columns above are tap-major, k*ns + c
        Projection conv2Taps = new Projection(ns, 3 * ns, (o, dst) -> {
            float[] row = new float[3 * ns];
            conv2.row(o, row, 0);
            for (int c = 0; c < ns; c++) {
                for (int k = 0; k < 3; k++) {
                    dst[k * ns + c] = row[c * 3 + k];
                }
            }
        });
        String x = gelu(linearOf(cols, List.of(conv2Taps), Collections.singletonList(w.conv2Bias), "conv2"));
        String frames = op("Shape", List.of(x), Map.of("start", 0L, "end", 1L));
        floats("positions", w.encoderPositions, hp.nAudioCtx(), ns);
        x = op("Add", List.of(x, op("Slice", List.of("positions", "zero", frames, "zero"), Map.of())), Map.of());

        int nHead = hp.nAudioHead();
        if (precision != EncoderPrecision.INT8) {
            b.initializer("shape.heads", new long[] {-1, nHead, ns / nHead}, 3);
            floats("attn.scale", new float[] {(float) (1.0 / Math.sqrt(ns / (double) nHead))});
        } else {
            b.initializer("shape.batch_rows3", new long[] {1, -1, 3L * ns}, 3);
        }
        for (int i = 0; i < w.encoderBlocks.length; i++) {
            WhisperWeights.EncoderBlock blk = w.encoderBlocks[i];
            String p = "enc" + i + ".";
            WhisperWeights.Attention at = blk.attn();
            String h = layerNorm(x, at.lnWeight(), at.lnBias(), p + "attn_ln");
            String merged = precision == EncoderPrecision.INT8 ? fusedAttention(h, at, p, ns, nHead)
                    : attention(h, at, p, ns, nHead);
            x = op("Add", List.of(x, linear(merged, at.out(), at.outBias(), p + "o")), Map.of());
            WhisperWeights.Mlp mlp = blk.mlp();
            String m = layerNorm(x, mlp.lnWeight(), mlp.lnBias(), p + "mlp_ln");
            m = gelu(linear(m, mlp.fc1(), mlp.fc1Bias(), p + "fc1"));
            x = op("Add", List.of(x, linear(m, mlp.fc2(), mlp.fc2Bias(), p + "fc2")), Map.of());
        }
        String encoded = layerNorm(x, w.lnPostWeight, w.lnPostBias, "ln_post");
        if (precision == EncoderPrecision.F16) {
            b.node("Cast", List.of(encoded), List.of(OUTPUT), Map.of("to", (long) Type.FLOAT.code()));
        } else {
            b.node("Identity", List.of(encoded), List.of(OUTPUT));
        }
        b.output(OUTPUT, Type.FLOAT, "frames", ns);

        int nt = hp.nTextState();
        int tHead = hp.nTextHead();
        b.initializer("shape.text_heads", new long[] {-1, tHead, nt / tHead}, 3);
        // every layer's keys and values in one product of the encoder output
        int layers = w.decoderBlocks.length;
        List<Matrix> projections = new ArrayList<>();
        List<float[]> biases = new ArrayList<>();
        for (WhisperWeights.DecoderBlock blk : w.decoderBlocks) {
            projections.add(blk.cross().key());
            biases.add(null);
            projections.add(blk.cross().value());
            biases.add(blk.cross().valueBias());
        }
        List<String> kv = split(linear(encoded, projections, biases, "cross.kv"), nt, 2 * layers);
        for (int l = 0; l < layers; l++) {
            b.node("Cast", List.of(op("Transpose", List.of(kv.get(2 * l)), Map.of("perm", new long[] {1, 0}))),
                    List.of(crossKeys(l)), Map.of("to", (long) Type.FLOAT16.code()));
            String vh = op("Transpose", List.of(op("Reshape", List.of(kv.get(2 * l + 1), "shape.text_heads"),
                    Map.of())), Map.of("perm", new long[] {1, 0, 2}));
            b.node("Cast", List.of(vh), List.of(crossValues(l)), Map.of("to", (long) Type.FLOAT16.code()));
            b.output(crossKeys(l), Type.FLOAT16, nt, "frames");
            b.output(crossValues(l), Type.FLOAT16, tHead, "frames", nt / tHead);
        }
    }

    /**
     * Self-attention in standard operators: q, k and v from one product (one GEMM, and one quantisation of
     * {@code h} in int8), split, heads separated by Reshape and Transpose, softmax of the scaled scores.
     */
    private String attention(String h, WhisperWeights.Attention at, String p, int ns, int nHead) {
        List<String> qkv = split(linear(h, List.of(at.query(), at.key(), at.value()),
                Arrays.asList(at.queryBias(), null, at.valueBias()), p + "qkv"), ns, 3);
        String qh = op("Transpose", List.of(op("Reshape", List.of(qkv.get(0), "shape.heads"), Map.of())),
                Map.of("perm", new long[] {1, 0, 2}));
        String kh = op("Transpose", List.of(op("Reshape", List.of(qkv.get(1), "shape.heads"), Map.of())),
                Map.of("perm", new long[] {1, 2, 0}));
        String vh = op("Transpose", List.of(op("Reshape", List.of(qkv.get(2), "shape.heads"), Map.of())),
                Map.of("perm", new long[] {1, 0, 2}));
        String scores = op("Mul", List.of(op("MatMul", List.of(qh, kh), Map.of()), "attn.scale"), Map.of());
        String probs = op("Softmax", List.of(scores), Map.of("axis", -1L));
        String ctx = op("MatMul", List.of(probs, vh), Map.of());
        return op("Reshape", List.of(op("Transpose", List.of(ctx), Map.of("perm", new long[] {1, 0, 2})),
                "shape.rows"), Map.of());
    }

    /**
     * Self-attention through onnxruntime's fused {@code MultiHeadAttention} ({@code com.microsoft}; CPU and CUDA
     * kernels): q, k and v from one product as {@code [1, frames, n_state]} each, heads separated inside the operator
     * (no transposes), scores kept in its tiles.
     */
    private String fusedAttention(String h, WhisperWeights.Attention at, String p, int ns, int nHead) {
        String qkv = op("Reshape", List.of(linear(h, List.of(at.query(), at.key(), at.value()),
                Arrays.asList(at.queryBias(), null, at.valueBias()), p + "qkv"), "shape.batch_rows3"), Map.of());
        List<String> parts = split(qkv, ns, 3, 2);
        String ctx = "t" + names++;
        b.node("com.microsoft", "MultiHeadAttention", parts, List.of(ctx), Map.of("num_heads", (long) nHead));
        return op("Reshape", List.of(ctx, "shape.rows"), Map.of());
    }

    /** Splits {@code x} ({@code [rows, parts * width]}) into {@code parts} tensors of {@code width} columns. */
    private List<String> split(String x, int width, int parts) {
        return split(x, width, parts, 1);
    }

    /** Splits {@code x} along {@code axis} into {@code parts} tensors {@code width} wide. */
    private List<String> split(String x, int width, int parts, int axis) {
        String sizes = "split." + width + "x" + parts;
        if (splits.add(sizes)) {
            long[] each = new long[parts];
            Arrays.fill(each, width);
            b.initializer(sizes, each, parts);
        }
        List<String> outs = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            outs.add("t" + names++);
        }
        b.node("Split", List.of(x, sizes), outs, Map.of("axis", (long) axis));
        return outs;
    }

    private final Set<String> splits = new HashSet<>();

    /** A default-domain node with one fresh output, returned. */
    private String op(String type, List<String> inputs, Map<String, Object> attributes) {
        String out = "t" + names++;
        b.node(type, inputs, List.of(out), attributes);
        return out;
    }

    private String layerNorm(String x, float[] gain, float[] bias, String name) {
        floats(name + ".w", gain, gain.length);
        floats(name + ".b", bias, bias.length);
        return op("LayerNormalization", List.of(x, name + ".w", name + ".b"),
                Map.of("axis", -1L, "epsilon", 1e-5f));
    }

    /** A constant of the graph's float type: f32, or binary16 in an f16 graph (round to nearest even). */
    private void floats(String name, float[] values, long... shape) {
        if (precision != EncoderPrecision.F16) {
            b.initializer(name, values, shape);
            return;
        }
        byte[] raw = new byte[values.length * 2];
        for (int i = 0; i < values.length; i++) {
            short h = Float.floatToFloat16(values[i]);
            raw[2 * i] = (byte) h;
            raw[2 * i + 1] = (byte) (h >> 8);
        }
        b.initializer(name, Type.FLOAT16, raw, shape);
    }

    /** GELU's tanh form ({@code Gelu} of opset 20), as whisper.cpp and {@code Activations.gelu} compute it. */
    private String gelu(String x) {
        return op("Gelu", List.of(x), Map.of("approximate", "tanh"));
    }

    /** A projection's weights: {@code rows} outputs of {@code cols} inputs, read a row at a time. */
    private record Projection(int rows, int cols, RowReader reader) {
        static Projection of(Matrix m) {
            return new Projection(m.rows(), m.cols(), (r, dst) -> m.row(r, dst, 0));
        }
    }

    @FunctionalInterface
    private interface RowReader {
        void read(int row, float[] dst);
    }

    /** {@code x W^T + bias} for rows x; W is {@code out} rows of {@code in} values as ggml stores it. */
    private String linear(String x, Matrix weight, float[] bias, String name) {
        return linearOf(x, List.of(Projection.of(weight)), Collections.singletonList(bias), name);
    }

    private String linear(String x, List<Matrix> weights, List<float[]> biases, String name) {
        return linearOf(x, weights.stream().map(Projection::of).toList(), biases, name);
    }

    /**
     * {@code x [W_1; W_2; ...]^T + [b_1, b_2, ...]}: several projections of the same input as one product, their
     * outputs side by side (a null bias is zeros).
     */
    private String linearOf(String x, List<Projection> weights, List<float[]> biases, String name) {
        int in = weights.get(0).cols();
        int out = 0;
        for (Projection m : weights) {
            if (m.cols() != in) {
                throw new IllegalArgumentException(name + ": projections of different input widths");
            }
            out += m.rows();
        }
        float[] wt = new float[in * out];
        float[] bias = null;
        int col = 0;
        for (int p = 0; p < weights.size(); p++) {
            Projection m = weights.get(p);
            transposeInto(m, wt, out, col);
            if (biases.get(p) != null) {
                bias = bias == null ? new float[out] : bias;
                System.arraycopy(biases.get(p), 0, bias, col, m.rows());
            }
            col += m.rows();
        }
        if (precision != EncoderPrecision.INT8) {
            floats(name + ".w", wt, in, out);
            String y = op("MatMul", List.of(x, name + ".w"), Map.of());
            if (bias == null) {
                return y;
            }
            floats(name + ".b", bias, out);
            return op("Add", List.of(y, name + ".b"), Map.of());
        }
        Quantised q = quantise(wt, in, out);
        b.initializer(name + ".qw", Type.INT8, q.values, in, out);
        b.initializer(name + ".scale", q.scales, out);
        b.initializer(name + ".zero", Type.INT8, new byte[out], out);
        if (bias != null) {
            b.initializer(name + ".b", bias, out);
        }
        String y = "t" + names++;
        b.node("com.microsoft", "DynamicQuantizeMatMul",
                List.of(x, name + ".qw", name + ".scale", name + ".zero", bias == null ? "" : name + ".b"),
                List.of(y), Map.of());
        return y;
    }

    /** The matrix as stored: row-major {@code rows × cols} floats (conv kernels are {@code [out, in, 3]}). */
    private static float[] rows(Matrix m) {
        float[] v = new float[m.rows() * m.cols()];
        for (int r = 0; r < m.rows(); r++) {
            m.row(r, v, r * m.cols());
        }
        return v;
    }

    /** Writes {@code m}'s transpose into columns {@code col..} of {@code t} ({@code in × width}, row-major). */
    private static void transposeInto(Projection m, float[] t, int width, int col) {
        int out = m.rows();
        int in = m.cols();
        float[] row = new float[in];
        for (int o = 0; o < out; o++) {
            m.reader().read(o, row);
            for (int i = 0; i < in; i++) {
                t[i * width + col + o] = row[i];
            }
        }
    }

    private record Quantised(byte[] values, float[] scales) {
    }

    /**
     * Symmetric int8 per output column of {@code w} ({@code in × out}, row-major): {@code q = round(w / s)},
     * {@code s = max|w| / 127} over the column. (A q8_0 file's 32-value blocks along the input do not map onto
     * per-column scales, so every type is read as floats and quantised once.)
     */
    private static Quantised quantise(float[] w, int in, int out) {
        float[] scales = new float[out];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                scales[o] = Math.max(scales[o], Math.abs(w[i * out + o]));
            }
        }
        for (int o = 0; o < out; o++) {
            scales[o] = scales[o] == 0 ? 1f : scales[o] / 127f;
        }
        byte[] q = new byte[in * out];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                q[i * out + o] = (byte) Math.max(-127, Math.min(127, Math.round(w[i * out + o] / scales[o])));
            }
        }
        return new Quantised(q, scales);
    }
}
