package dev.steno.engine.whisper;

import dev.steno.engine.whisper.nn.Activations;
import dev.steno.engine.whisper.nn.F16Matrix;
import dev.steno.engine.whisper.nn.F32Matrix;
import dev.steno.engine.whisper.nn.MatMul;
import dev.steno.engine.whisper.nn.Matrix;
import dev.steno.engine.whisper.nn.Norms;
import dev.steno.engine.whisper.nn.ParallelLoop;
import dev.steno.engine.whisper.nn.Q8Matrix;
import dev.steno.engine.whisper.nn.VectorMath;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Every tensor of a ggml Whisper model, loaded for the Java inference. Matrices keep their storage type (a
 * {@link Matrix} of f32, f16 or q8_0, widened inside the kernels); vectors (biases, layer-norm parameters,
 * positional embeddings) are float. Other quantisations are not supported.
 *
 * <p>Matrices follow ggml's layout: a tensor with {@code ne = [in, out]} is {@code out} rows of {@code in} values.
 * The convolutions ({@code ne = [3, in_channels, out_channels]}) become {@code out_channels} rows of
 * {@code in_channels * 3} values, index {@code c*3 + k}, which the encoder multiplies with an im2col copy of its
 * input.
 */
public final class WhisperWeights {
    record Attention(Matrix query, float[] queryBias, Matrix key, Matrix value, float[] valueBias, Matrix out,
                     float[] outBias, float[] lnWeight, float[] lnBias) {
    }

    record Mlp(Matrix fc1, float[] fc1Bias, Matrix fc2, float[] fc2Bias, float[] lnWeight, float[] lnBias) {
        /**
         * The pre-LN feed-forward sub-block of encoder and decoder alike: {@code x += fc2(gelu(fc1(ln(x))))} for
         * {@code n} rows of {@code ns} values; {@code h} ({@code n*ns}) and {@code m} ({@code n*4*ns}) are scratch.
         */
        void addTo(ParallelLoop par, float[] x, int n, int ns, float[] h, float[] m) {
            Norms.layerNorm(par, x, n, ns, lnWeight, lnBias, h);
            MatMul.matmul(par, h, n, fc1, fc1Bias, m);
            Activations.gelu(par, m, n * 4 * ns);
            MatMul.matmul(par, m, n, fc2, fc2Bias, h);
            VectorMath.add(h, 0, x, 0, n * ns);
        }

        /**
         * As {@link #addTo} for {@code n} rows of different sequences (a batch of decoder steps): each row gets the
         * bits it would get alone ({@link MatMul#matvecRows}, GELU row by row).
         */
        void addToRows(ParallelLoop par, float[] x, int n, int ns, float[] h, float[] m) {
            Norms.layerNorm(par, x, n, ns, lnWeight, lnBias, h);
            MatMul.matvecRows(par, h, n, fc1, fc1Bias, m);
            for (int i = 0; i < n; i++) {
                Activations.gelu(par, m, i * 4 * ns, 4 * ns);
            }
            MatMul.matvecRows(par, m, n, fc2, fc2Bias, h);
            VectorMath.add(h, 0, x, 0, n * ns);
        }
    }

    record EncoderBlock(Attention attn, Mlp mlp) {
    }

    record DecoderBlock(Attention attn, Attention cross, Mlp mlp) {
    }

    private final WhisperHyperParams hp;
    final Matrix conv1;
    final float[] conv1Bias;
    final Matrix conv2;
    final float[] conv2Bias;
    final float[] encoderPositions;
    final EncoderBlock[] encoderBlocks;
    final float[] lnPostWeight;
    final float[] lnPostBias;
    final Matrix tokenEmbedding;
    final float[] decoderPositions;
    final DecoderBlock[] decoderBlocks;
    final float[] lnWeight;
    final float[] lnBias;

    private WhisperWeights(GgmlWhisperFile f) throws IOException {
        this.hp = f.hparams();
        int na = hp.nAudioState();
        int nt = hp.nTextState();
        int mels = hp.nMels();
        conv1 = matrix(f, "encoder.conv1.weight", na, 3 * mels, 3);
        conv1Bias = vector(f, "encoder.conv1.bias", na);
        conv2 = matrix(f, "encoder.conv2.weight", na, 3 * na, 3);
        conv2Bias = vector(f, "encoder.conv2.bias", na);
        encoderPositions = vector(f, "encoder.positional_embedding", hp.nAudioCtx() * na);
        encoderBlocks = new EncoderBlock[hp.nAudioLayer()];
        for (int i = 0; i < encoderBlocks.length; i++) {
            String p = "encoder.blocks." + i + ".";
            encoderBlocks[i] = new EncoderBlock(attention(f, p + "attn", na), mlp(f, p, na));
        }
        lnPostWeight = vector(f, "encoder.ln_post.weight", na);
        lnPostBias = vector(f, "encoder.ln_post.bias", na);
        tokenEmbedding = matrix(f, "decoder.token_embedding.weight", hp.nVocab(), nt);
        decoderPositions = vector(f, "decoder.positional_embedding", hp.nTextCtx() * nt);
        decoderBlocks = new DecoderBlock[hp.nTextLayer()];
        for (int i = 0; i < decoderBlocks.length; i++) {
            String p = "decoder.blocks." + i + ".";
            decoderBlocks[i] = new DecoderBlock(attention(f, p + "attn", nt), attention(f, p + "cross_attn", nt),
                    mlp(f, p, nt));
        }
        lnWeight = vector(f, "decoder.ln.weight", nt);
        lnBias = vector(f, "decoder.ln.bias", nt);
    }

    /**
     * Loads every tensor of {@code file} (opened with {@link GgmlWhisperFile#open} or {@code openComplete}).
     *
     * @throws GgmlFormatException           if a tensor is missing or has the wrong number of values
     * @throws UnsupportedOperationException if a tensor is quantised other than q8_0
     */
    public static WhisperWeights load(GgmlWhisperFile file) throws IOException {
        return new WhisperWeights(file);
    }

    /** The model's hyper-parameters. */
    public WhisperHyperParams hparams() {
        return hp;
    }

    private static GgmlTensorInfo info(GgmlWhisperFile f, String name, long elements, long ne0)
            throws GgmlFormatException {
        GgmlTensorInfo t = f.tensor(name);
        if (t == null) {
            throw new GgmlFormatException(f.path(), "tensor '" + name + "' is missing");
        }
        if (t.elements() != elements || t.ne(0) != ne0) {
            throw new GgmlFormatException(f.path(), "tensor '" + name + "' has shape " + t + ", expected "
                    + elements + " values in rows of " + ne0);
        }
        if (t.type() != GgmlType.F32 && t.type() != GgmlType.F16 && t.type() != GgmlType.Q8_0) {
            throw new UnsupportedOperationException("tensor '" + name + "' is " + t.type()
                    + "; the Java inference reads f32, f16 and q8_0 models only");
        }
        return t;
    }

    private static Matrix matrix(GgmlWhisperFile f, String name, int rows, int cols) throws IOException {
        return matrix(f, name, rows, cols, cols);
    }

    private static Matrix matrix(GgmlWhisperFile f, String name, int rows, int cols, int ne0) throws IOException {
        GgmlTensorInfo t = info(f, name, (long) rows * cols, ne0);
        return switch (t.type()) {
            case Q8_0 -> Q8Matrix.read(f.tensorData(t), rows, cols);
            case F16 -> F16Matrix.read(f.tensorData(t), rows, cols);
            case F32 -> F32Matrix.read(f.tensorData(t), rows, cols);
            default -> throw new IllegalStateException("info() admits f32, f16 and q8_0 only, not " + t.type());
        };
    }

    private static float[] vector(GgmlWhisperFile f, String name, int n) throws IOException {
        GgmlTensorInfo t = f.tensor(name);
        t = info(f, name, n, t == null ? 0 : t.ne(0));
        ByteBuffer b = f.tensorData(t).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[n];
        if (t.type() == GgmlType.F16) {
            for (int i = 0; i < n; i++) {
                v[i] = Float.float16ToFloat(b.getShort(2 * i));
            }
        } else {
            b.asFloatBuffer().get(v);
        }
        return v;
    }

    private static Attention attention(GgmlWhisperFile f, String p, int n) throws IOException {
        return new Attention(matrix(f, p + ".query.weight", n, n), vector(f, p + ".query.bias", n),
                matrix(f, p + ".key.weight", n, n), matrix(f, p + ".value.weight", n, n),
                vector(f, p + ".value.bias", n), matrix(f, p + ".out.weight", n, n), vector(f, p + ".out.bias", n),
                vector(f, p + "_ln.weight", n), vector(f, p + "_ln.bias", n));
    }

    private static Mlp mlp(GgmlWhisperFile f, String p, int n) throws IOException {
        return new Mlp(matrix(f, p + "mlp.0.weight", 4 * n, n), vector(f, p + "mlp.0.bias", 4 * n),
                matrix(f, p + "mlp.2.weight", n, 4 * n), vector(f, p + "mlp.2.bias", n),
                vector(f, p + "mlp_ln.weight", n), vector(f, p + "mlp_ln.bias", n));
    }
}
