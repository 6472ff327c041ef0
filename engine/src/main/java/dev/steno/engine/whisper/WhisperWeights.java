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
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Every tensor of a ggml Whisper model, loaded for the Java inference. Matrices are read in place from the model
 * file's bytes, in their storage type (a {@link Matrix} of f32, f16 or q8_0 over a slice of the mapped file, widened
 * inside the kernels): loading copies no weight, and the pages are the page cache's, shared with every process that
 * maps the file. Vectors (biases, layer-norm parameters, positional embeddings; a few MB) are copied to float arrays.
 * Other quantisations are not supported.
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

    private WhisperWeights(GgmlWhisperFile index, MemorySegment contents) throws IOException {
        Tensors f = new Tensors(index, contents);
        this.hp = index.hparams();
        int na = hp.nAudioState();
        int nt = hp.nTextState();
        int mels = hp.nMels();
        conv1 = f.matrix("encoder.conv1.weight", na, 3 * mels, 3);
        conv1Bias = f.vector("encoder.conv1.bias", na);
        conv2 = f.matrix("encoder.conv2.weight", na, 3 * na, 3);
        conv2Bias = f.vector("encoder.conv2.bias", na);
        encoderPositions = f.vector("encoder.positional_embedding", hp.nAudioCtx() * na);
        encoderBlocks = new EncoderBlock[hp.nAudioLayer()];
        for (int i = 0; i < encoderBlocks.length; i++) {
            String p = "encoder.blocks." + i + ".";
            encoderBlocks[i] = new EncoderBlock(attention(f, p + "attn", na), mlp(f, p, na));
        }
        lnPostWeight = f.vector("encoder.ln_post.weight", na);
        lnPostBias = f.vector("encoder.ln_post.bias", na);
        tokenEmbedding = f.matrix("decoder.token_embedding.weight", hp.nVocab(), nt);
        decoderPositions = f.vector("decoder.positional_embedding", hp.nTextCtx() * nt);
        decoderBlocks = new DecoderBlock[hp.nTextLayer()];
        for (int i = 0; i < decoderBlocks.length; i++) {
            String p = "decoder.blocks." + i + ".";
            decoderBlocks[i] = new DecoderBlock(attention(f, p + "attn", nt), attention(f, p + "cross_attn", nt),
                    mlp(f, p, nt));
        }
        lnWeight = f.vector("decoder.ln.weight", nt);
        lnBias = f.vector("decoder.ln.bias", nt);
    }

    /**
     * Loads every tensor of {@code file} (opened with {@link GgmlWhisperFile#open} or {@code openComplete}), mapped
     * in an automatic arena: the mapping ends when the weights are no longer reachable. A server that must release it
     * at a known time maps it in its own arena, {@link #load(GgmlWhisperFile, Arena)}.
     *
     * @throws GgmlFormatException           if a tensor is missing or has the wrong number of values
     * @throws UnsupportedOperationException if a tensor is quantised other than q8_0
     */
    public static WhisperWeights load(GgmlWhisperFile file) throws IOException {
        return load(file, Arena.ofAuto());
    }

    /**
     * Loads every tensor of {@code file}, mapping the file in {@code arena}; the weights may be used until the arena
     * closes (a use after that fails with {@link IllegalStateException}). Takes milliseconds: nothing is copied but
     * the vectors.
     *
     * @throws GgmlFormatException           if a tensor is missing or has the wrong number of values
     * @throws UnsupportedOperationException if a tensor is quantised other than q8_0
     */
    public static WhisperWeights load(GgmlWhisperFile file, Arena arena) throws IOException {
        return of(file, file.map(arena));
    }

    /**
     * The weights read in place from {@code contents}, the whole file that {@code index} describes, already in memory:
     * the matrices keep slices of it. A mapped or native segment is read at full speed; a byte array's segment gives
     * the same values, but the Vector API reads heap segments tens of times slower (for tests).
     *
     * @throws GgmlFormatException           if a tensor is missing, has the wrong number of values or lies outside
     *                                       {@code contents}
     * @throws UnsupportedOperationException if a tensor is quantised other than q8_0
     */
    public static WhisperWeights of(GgmlWhisperFile index, MemorySegment contents) throws IOException {
        return new WhisperWeights(index, contents);
    }

    /** The model's hyper-parameters. */
    public WhisperHyperParams hparams() {
        return hp;
    }

    /** The tensors of one file, read from its contents. */
    private record Tensors(GgmlWhisperFile index, MemorySegment contents) {
        private GgmlTensorInfo info(String name, long elements, long ne0) throws GgmlFormatException {
            GgmlTensorInfo t = index.tensor(name);
            if (t == null) {
                throw new GgmlFormatException(index.path(), "tensor '" + name + "' is missing");
            }
            if (t.elements() != elements || t.ne(0) != ne0) {
                throw new GgmlFormatException(index.path(), "tensor '" + name + "' has shape " + t + ", expected "
                        + elements + " values in rows of " + ne0);
            }
            if (t.type() != GgmlType.F32 && t.type() != GgmlType.F16 && t.type() != GgmlType.Q8_0) {
                throw new UnsupportedOperationException("tensor '" + name + "' is " + t.type()
                        + "; the Java inference reads f32, f16 and q8_0 models only");
            }
            if (t.dataOffset() + t.dataBytes() > contents.byteSize()) {
                throw new GgmlFormatException(index.path(), "tensor '" + name + "' lies past the end of the "
                        + contents.byteSize() + " bytes given");
            }
            return t;
        }

        private MemorySegment data(GgmlTensorInfo t) {
            return contents.asSlice(t.dataOffset(), t.dataBytes());
        }

        Matrix matrix(String name, int rows, int cols) throws GgmlFormatException {
            return matrix(name, rows, cols, cols);
        }

        Matrix matrix(String name, int rows, int cols, int ne0) throws GgmlFormatException {
            GgmlTensorInfo t = info(name, (long) rows * cols, ne0);
            return switch (t.type()) {
                case Q8_0 -> new Q8Matrix(data(t), rows, cols);
                case F16 -> new F16Matrix(data(t), rows, cols);
                case F32 -> new F32Matrix(data(t), rows, cols);
                default -> throw new IllegalStateException("info() admits f32, f16 and q8_0 only, not " + t.type());
            };
        }

        float[] vector(String name, int n) throws GgmlFormatException {
            GgmlTensorInfo t = index.tensor(name);
            t = info(name, n, t == null ? 0 : t.ne(0));
            // one row of a matrix of the tensor's type reads it (q8_0 vectors do not occur)
            Matrix row = t.type() == GgmlType.F16 ? new F16Matrix(data(t), 1, n) : new F32Matrix(data(t), 1, n);
            float[] v = new float[n];
            row.row(0, v, 0);
            return v;
        }
    }

    private static Attention attention(Tensors f, String p, int n) throws GgmlFormatException {
        return new Attention(f.matrix(p + ".query.weight", n, n), f.vector(p + ".query.bias", n),
                f.matrix(p + ".key.weight", n, n), f.matrix(p + ".value.weight", n, n),
                f.vector(p + ".value.bias", n), f.matrix(p + ".out.weight", n, n), f.vector(p + ".out.bias", n),
                f.vector(p + "_ln.weight", n), f.vector(p + "_ln.bias", n));
    }

    private static Mlp mlp(Tensors f, String p, int n) throws GgmlFormatException {
        return new Mlp(f.matrix(p + "mlp.0.weight", 4 * n, n), f.vector(p + "mlp.0.bias", 4 * n),
                f.matrix(p + "mlp.2.weight", n, 4 * n), f.vector(p + "mlp.2.bias", n),
                f.vector(p + "mlp_ln.weight", n), f.vector(p + "mlp_ln.bias", n));
    }
}
