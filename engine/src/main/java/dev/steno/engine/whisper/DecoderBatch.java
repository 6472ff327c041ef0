package dev.steno.engine.whisper;

import dev.steno.engine.whisper.nn.MatMul;
import dev.steno.engine.whisper.nn.Norms;
import dev.steno.engine.whisper.nn.ParallelLoop;
import dev.steno.engine.whisper.nn.VectorMath;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * Decoder steps of several {@link DecoderState}s in one pass over the weights: a decoder step reads every weight
 * once for one token and is bound by memory bandwidth, so B rows (beams of a search, sessions of a server) cost
 * little more than one. Each row keeps its own self-attention cache, its own audio's cross-attention and its own
 * position; the projections of all rows run as {@link MatMul#matvecRows}, the attention of a layer as one set
 * of tasks (a row's self-attention, an audio's head of cross-attention). Every row computes exactly the operations
 * of its own {@link DecoderState#step}, in the same order.
 *
 * <p>Not thread-safe: one per calling thread ({@link WhisperDecoder#newBatch}). Its buffers grow to the largest
 * batch seen and are reused, so a steady batch allocates nothing.
 */
public final class DecoderBatch {
    private final WhisperWeights w;
    private final ParallelLoop par;
    private final int ns;
    private final int vocab;
    private final int nHead;
    private final RowJob rows = new RowJob();
    private int cap;
    private float[] x;
    private float[] h;
    private float[] q;
    private float[] k;
    private float[] v;
    private float[] a;
    private float[] m;
    private float[] logits;
    /** Rows grouped by the audio they attend to ({@link #groupByAudio}). */
    private boolean[] placed;
    private int[] order;
    private int[] groupStart;
    private int groups;

    DecoderBatch(WhisperWeights w, ParallelLoop par) {
        this.w = w;
        this.par = par;
        this.ns = w.hparams().nTextState();
        this.vocab = w.hparams().nVocab();
        this.nHead = w.hparams().nTextHead();
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
        groupByAudio(states, n);
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
            rows.run(team, RowJob.SELF, l, states, n);
            MatMul.matvecRows(team, a, n, at.out(), at.outBias(), h);
            VectorMath.add(h, 0, x, 0, n * ns);

            WhisperWeights.Attention ca = blocks[l].cross();
            Norms.layerNorm(team, x, n, ns, ca.lnWeight(), ca.lnBias(), h);
            MatMul.matvecRows(team, h, n, ca.query(), ca.queryBias(), q);
            rows.run(team, RowJob.CROSS, l, states, n);
            MatMul.matvecRows(team, a, n, ca.out(), ca.outBias(), h);
            VectorMath.add(h, 0, x, 0, n * ns);

            blocks[l].mlp().addToRows(team, x, n, ns, h, m);
        }
        Norms.layerNorm(team, x, n, ns, w.lnWeight, w.lnBias, h);
        MatMul.matvecRows(team, h, n, w.tokenEmbedding, null, logits);
    }

    /**
     * Orders the rows so that rows attending to the same audio (the beams of one search share their cross-attention
     * keys and values) follow one another: {@link #order} from {@link #groupStart}{@code [g]} to
     * {@code groupStart[g+1]} are group g's rows, in row order.
     */
    private void groupByAudio(DecoderState[] states, int n) {
        Arrays.fill(placed, 0, n, false);
        int filled = 0;
        groups = 0;
        for (int i = 0; i < n; i++) {
            if (placed[i]) {
                continue;
            }
            groupStart[groups++] = filled;
            order[filled++] = i;
            for (int j = i + 1; j < n; j++) {
                if (!placed[j] && states[j].sharesAudio(states[i])) {
                    placed[j] = true;
                    order[filled++] = j;
                }
            }
        }
        groupStart[groups] = n;
    }

    /**
     * The attention of a layer for all rows as one set of tasks: self-attention a task per row (a step's few cached
     * tokens are too little to split by head), cross-attention a task per (audio, head) pair: the rows of one
     * audio attend to a head's keys and values one after another on one worker, so only the first of them reads the
     * head's keys and values (384 KB at a 30 s window) from memory and the others find them in its cache.
     * Handing the rows out together, instead of a row at a time, also lets the workers share a batch's attention
     * with one hand-off per layer. Reused, so a step allocates no task object.
     */
    private final class RowJob implements IntConsumer {
        static final int SELF = 0;
        static final int CROSS = 1;
        private final ParallelLoop serial = ParallelLoop.serial();
        private int kind;
        private int layer;
        private DecoderState[] states;

        void run(ParallelLoop team, int kind, int layer, DecoderState[] states, int n) {
            this.kind = kind;
            this.layer = layer;
            this.states = states;
            try {
                team.forEach(kind == SELF ? n : groups * nHead, this);
            } finally {
                this.states = null;
            }
        }

        @Override
        public void accept(int t) {
            if (kind == SELF) {
                states[t].batchSelfAttention(serial, layer, q, k, v, t * ns, a);
            } else {
                int g = t / nHead;
                for (int r = groupStart[g]; r < groupStart[g + 1]; r++) {
                    int row = order[r];
                    states[row].batchCrossAttentionHead(layer, t % nHead, q, row * ns, a);
                }
            }
        }
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
        placed = new boolean[n];
        order = new int[n];
        groupStart = new int[n + 1];
        cap = n;
    }
}
