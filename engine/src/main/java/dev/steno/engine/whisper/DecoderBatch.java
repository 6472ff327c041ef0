package dev.steno.engine.whisper;

import dev.steno.engine.whisper.nn.MatMul;
import dev.steno.engine.whisper.nn.Norms;
import dev.steno.engine.whisper.nn.ParallelLoop;
import dev.steno.engine.whisper.nn.VectorMath;

/**
 * Decoder steps of several {@link DecoderState}s in one pass over the weights: a decoder step reads every weight
 * once for one token and is bound by memory bandwidth, so B rows (beams of a search, sessions of a server) cost
 * little more than one. Each row keeps its own self-attention cache, its own audio's cross-attention and its own
 * position; the projections of all rows run as {@link MatMul#matvecRows}, the attention row by row. Every row
 * computes exactly the operations of its own {@link DecoderState#step}, in the same order.
 *
 * <p>Not thread-safe: one per calling thread ({@link WhisperDecoder#newBatch}). Its buffers grow to the largest
 * batch seen and are reused, so a steady batch allocates nothing.
 */
public final class DecoderBatch {
    private final WhisperWeights w;
    private final ParallelLoop par;
    private final int ns;
    private final int vocab;
    private int cap;
    private float[] x;
    private float[] h;
    private float[] q;
    private float[] k;
    private float[] v;
    private float[] a;
    private float[] m;
    private float[] logits;

    DecoderBatch(WhisperWeights w, ParallelLoop par) {
        this.w = w;
        this.par = par;
        this.ns = w.hparams().nTextState();
        this.vocab = w.hparams().nVocab();
    }

    /**
     * Appends {@code tokens[i]} to {@code states[i]} for i below {@code n}; afterwards each state's
     * {@link DecoderState#logits()} holds its next-token logits and its recorded cross-attention holds this token's
     * row, as after {@code states[i].step(tokens[i])}.
     *
     * @throws IllegalArgumentException if a state appears twice or belongs to another model, or a token is outside
     *                                  the vocabulary (no state has then changed)
     * @throws IllegalStateException    if a state has no audio or a full context (no state has then changed)
     */
    public void step(DecoderState[] states, int[] tokens, int n) {
        if (n < 1 || n > states.length || n > tokens.length) {
            throw new IllegalArgumentException("batch of " + n + " rows");
        }
        for (int i = 0; i < n; i++) {
            if (!states[i].sameModel(w)) {
                throw new IllegalArgumentException("state " + i + " belongs to another model");
            }
            for (int j = 0; j < i; j++) {
                if (states[j] == states[i]) {
                    throw new IllegalArgumentException("state " + i + " appears twice");
                }
            }
        }
        ensure(n);
        for (int i = 0; i < n; i++) {
            states[i].beginBatchRow(tokens[i], x, i * ns);
        }
        try (ParallelLoop.Team team = par.team()) {
            layers(team, states, n);
        }
        for (int i = 0; i < n; i++) {
            states[i].endBatchRow(logits, i * vocab);
        }
    }

    private void layers(ParallelLoop team, DecoderState[] states, int n) {
        WhisperWeights.DecoderBlock[] blocks = w.decoderBlocks;
        for (int l = 0; l < blocks.length; l++) {
            WhisperWeights.Attention at = blocks[l].attn();
            Norms.layerNorm(team, x, n, ns, at.lnWeight(), at.lnBias(), h);
            MatMul.matvecRows(team, h, n, at.query(), at.queryBias(), q);
            MatMul.matvecRows(team, h, n, at.key(), null, k);
            MatMul.matvecRows(team, h, n, at.value(), at.valueBias(), v);
            for (int i = 0; i < n; i++) {
                states[i].batchSelfAttention(team, l, q, k, v, i * ns, a);
            }
            MatMul.matvecRows(team, a, n, at.out(), at.outBias(), h);
            VectorMath.add(h, 0, x, 0, n * ns);

            WhisperWeights.Attention ca = blocks[l].cross();
            Norms.layerNorm(team, x, n, ns, ca.lnWeight(), ca.lnBias(), h);
            MatMul.matvecRows(team, h, n, ca.query(), ca.queryBias(), q);
            for (int i = 0; i < n; i++) {
                states[i].batchCrossAttention(team, l, q, i * ns, a);
            }
            MatMul.matvecRows(team, a, n, ca.out(), ca.outBias(), h);
            VectorMath.add(h, 0, x, 0, n * ns);

            blocks[l].mlp().addToRows(team, x, n, ns, h, m);
        }
        Norms.layerNorm(team, x, n, ns, w.lnWeight, w.lnBias, h);
        MatMul.matvecRows(team, h, n, w.tokenEmbedding, null, logits);
    }

    private void ensure(int n) {
        if (n <= cap) {
            return;
        }
        x = new float[n * ns];
        h = new float[n * ns];
        q = new float[n * ns];
        k = new float[n * ns];
        v = new float[n * ns];
        a = new float[n * ns];
        m = new float[n * 4 * ns];
        logits = new float[n * vocab];
        cap = n;
    }
}
