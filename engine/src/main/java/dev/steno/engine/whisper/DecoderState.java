package dev.steno.engine.whisper;

import dev.steno.engine.whisper.nn.AttentionScratch;
import dev.steno.engine.whisper.nn.HalfKeyValueView;
import dev.steno.engine.whisper.nn.HeadLayout;
import dev.steno.engine.whisper.nn.KeyValueView;
import dev.steno.engine.whisper.nn.MatMul;
import dev.steno.engine.whisper.nn.MultiHeadAttention;
import dev.steno.engine.whisper.nn.Norms;
import dev.steno.engine.whisper.nn.ParallelLoop;
import dev.steno.engine.whisper.nn.RowView;
import dev.steno.engine.whisper.nn.VectorMath;
import java.util.Arrays;
import java.util.Objects;

/**
 * The caches of one decoding: self-attention keys and values of the tokens so far (up to {@code n_text_ctx}), and
 * the cross-attention keys and values of one audio window, computed once by {@link #setAudio}.
 *
 * <p>Not thread-safe. The buffers are borrowed from the {@link WhisperDecoder} by {@link #setAudio} and given back by
 * {@link #releaseAudio}, so that only the decodings under way hold them; {@link #step} and {@link #prefill} return an
 * internal logits array that the next call overwrites.
 *
 * <p>Cross-attention weights of chosen (layer, head) pairs ({@link #recordCrossAttention}) are kept for every token
 * of the latest call, as AlignAtt and word timestamps need.
 */
public final class DecoderState {
    private final WhisperWeights w;
    private final ParallelLoop par;
    private final int ns;
    private final HeadLayout heads;
    private final int ctx;
    private final int layers;
    /** The decoder whose pools lend this state its buffers. */
    private final WhisperDecoder owner;
    /**
     * The buffers of a decoding (self-attention caches, activations, recorded weights): borrowed from the decoder
     * when audio arrives and given back by {@link #releaseAudio}, so that streams between steps hold none.
     */
    private Workspace ws;
    /**
     * Per layer: cross keys transposed ({@code c*frames + t}) and values head-major ({@code (h*frames + t)*d + e}),
     * binary16 as whisper.cpp keeps them: every step streams them all, so half the bytes is most of their cost.
     */
    private CrossCache cross;
    private int frames;
    private int position;
    private final float[] logits;
    private float[] last;
    private int[][] recorded = new int[0][];
    /**
     * Per layer, per head: null, or the weights of the last call's tokens ({@code lastTokens * frames}); the arrays
     * of recorded pairs belong to the workspace.
     */
    private final float[][][] probs;
    private int lastTokens;
    private final int[] oneToken = new int[1];
    /** Owned by a {@link DecoderBatcher} (under its lock) while this state waits there for a batch. */
    boolean batchPending;
    int batchToken;
    RuntimeException batchError;

    DecoderState(WhisperDecoder d) {
        this.owner = d;
        this.w = d.w;
        this.par = d.par;
        WhisperHyperParams hp = w.hparams();
        this.ns = hp.nTextState();
        this.heads = new HeadLayout(hp.nTextHead(), ns / hp.nTextHead());
        this.ctx = hp.nTextCtx();
        this.layers = hp.nTextLayer();
        this.logits = new float[hp.nVocab()];
        this.last = new float[ns];
        this.probs = new float[layers][heads.nHead()][];
    }

    /**
     * Computes the cross-attention keys and values of an encoder output and clears the token cache.
     *
     * @param encoderOutput {@code frames * n_state} values from {@link WhisperEncoder#encode}
     */
    public void setAudio(float[] encoderOutput, int frames) {
        setAudio(encoderOutput, frames, null);
    }

    /**
     * As {@link #setAudio(float[], int)}, copying the cross-attention keys and values from {@code ready} when it
     * holds this window's ({@code ready.frames() == frames}; an ONNX encoder computed them) instead of computing them.
     */
    public void setAudio(float[] encoderOutput, int frames, CrossKeysValues ready) {
        if (frames < 1 || encoderOutput.length < frames * ns) {
            throw new IllegalArgumentException("encoder output too short for " + frames + " frames");
        }
        if (ready != null && (ready.layers() != layers || ready.width() != ns)) {
            throw new IllegalArgumentException("cross keys and values of " + ready.layers() + " layers x "
                    + ready.width() + " channels, the decoder has " + layers + " x " + ns);
        }
        // A streaming window grows a little every step: keep buffers of the largest window seen, grown by half at
        // least (indexing uses frames, not the array length), so that a growing window reallocates a few times, not
        // at every step (9 to 18 MB each, which churned the heap), and steady-state steps allocate nothing.
        if (cross == null || frames > cross.capacity || cross.holders > 1) {
            // forks still read the shared buffers: never overwrite them
            int capacity = cross == null ? frames : grown(frames, cross.capacity);
            releaseCross();
            cross = owner.takeCrossCache(frames, capacity);
        }
        hold();
        this.frames = frames;
        if (ready != null && ready.frames() == frames) {
            for (int l = 0; l < layers; l++) {
                System.arraycopy(ready.keys(l), 0, cross.views[l].keys(), 0, frames * ns);
                System.arraycopy(ready.values(l), 0, cross.views[l].values(), 0, frames * ns);
            }
            reset();
            return;
        }
        float[] tmp = owner.takeProjection(frames * ns, cross.capacity * ns);
        try {
            project(encoderOutput, frames, tmp);
        } finally {
            owner.giveProjection(tmp);
        }
        reset();
    }

    /** The cross-attention keys and values of {@code frames} encoder frames, through {@code tmp}, into the cache. */
    private void project(float[] encoderOutput, int frames, float[] tmp) {
        for (int l = 0; l < layers; l++) {
            WhisperWeights.Attention c = w.decoderBlocks[l].cross();
            MatMul.matmul(par, encoderOutput, frames, c.key(), null, tmp);
            short[] kt = cross.views[l].keys();
            int f = frames;
            par.forRange(ns, 16, (from, to) -> {
                for (int ch = from; ch < to; ch++) {
                    for (int t = 0; t < f; t++) {
                        kt[ch * f + t] = Float.floatToFloat16(tmp[t * ns + ch]);
                    }
                }
            });
            MatMul.matmul(par, encoderOutput, frames, c.value(), c.valueBias(), tmp);
            short[] vl = cross.views[l].values();
            int nHead = heads.nHead();
            int d = heads.dHead();
            par.forRange(frames, 64, (from, to) -> {
                for (int t = from; t < to; t++) {
                    for (int hd = 0; hd < nHead; hd++) {
                        VectorMath.toHalf(tmp, t * ns + hd * d, vl, (hd * f + t) * d, d);
                    }
                }
            });
        }
    }

    /** Borrows a workspace from the decoder unless this state holds one. */
    private void hold() {
        if (ws == null) {
            ws = owner.takeWorkspace();
        }
    }

    /** At least {@code needed} frames, and half again {@code current} up to the model's window. */
    private int grown(int needed, int current) {
        return Math.max(needed, Math.min(w.hparams().nAudioCtx(), current + current / 2));
    }

    /** Forgets all tokens (keeps the audio). */
    public void reset() {
        position = 0;
        lastTokens = 0;
    }

    /** Number of tokens in the cache. */
    public int position() {
        return position;
    }

    /** Drops the cached tokens from {@code newPosition} on (0 to {@link #position()}), e.g. to re-decode a suffix. */
    public void rewind(int newPosition) {
        if (newPosition < 0 || newPosition > position) {
            throw new IllegalArgumentException("position " + newPosition + " outside 0.." + position);
        }
        position = newPosition;
    }

    /** Encoder frames of the current audio. */
    public int frames() {
        return frames;
    }

    /**
     * Records the cross-attention weights of these {@code {layer, head}} pairs from the next call on (an empty array
     * stops recording).
     */
    public void recordCrossAttention(int[][] layerHeads) {
        for (int[] lh : layerHeads) {
            if (lh.length != 2 || lh[0] < 0 || lh[0] >= layers || lh[1] < 0 || lh[1] >= heads.nHead()) {
                throw new IllegalArgumentException("bad layer/head " + Arrays.toString(lh));
            }
        }
        recorded = layerHeads.clone();
        clearRecording();
        lastTokens = 0;
    }

    /** Cross-attention weights ({@link #frames()} values) of a recorded pair for the last token of the last call. */
    public float[] crossAttention(int layer, int head) {
        return crossAttention(layer, head, lastTokens - 1);
    }

    /** As {@link #crossAttention(int, int)} for token {@code row} (0-based) of the last call. */
    public float[] crossAttention(int layer, int head, int row) {
        float[] p = probs[layer][head];
        if (p == null || row < 0 || row >= lastTokens) {
            throw new IllegalStateException("no cross-attention recorded for layer " + layer + " head " + head
                    + " row " + row);
        }
        return Arrays.copyOfRange(p, row * frames, (row + 1) * frames);
    }

    /**
     * As {@link #crossAttention(int, int, int)}, copying the weights of the first {@code count} frames into
     * {@code into} instead of allocating (AlignAtt reads every row of every step).
     */
    public void crossAttention(int layer, int head, int row, float[] into, int count) {
        float[] p = probs[layer][head];
        if (p == null || row < 0 || row >= lastTokens) {
            throw new IllegalStateException("no cross-attention recorded for layer " + layer + " head " + head
                    + " row " + row);
        }
        Objects.checkFromIndexSize(0, count, frames);
        System.arraycopy(p, row * frames, into, 0, count);
    }

    /** Number of tokens of the last {@link #step} or {@link #prefill} call. */
    public int lastTokens() {
        return lastTokens;
    }

    /** Appends one token; returns the logits of the next token (an internal array, overwritten by the next call). */
    public float[] step(int token) {
        oneToken[0] = token;
        return forward(oneToken, 1);
    }

    /**
     * Appends {@code tokens} in one batched pass; returns the logits after the last of them (an internal array,
     * overwritten by the next call). Equals a sequence of {@link #step} calls.
     */
    public float[] prefill(int[] tokens) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("no tokens");
        }
        return forward(tokens, tokens.length);
    }

    private float[] forward(int[] tokens, int n) {
        checkRoom(n);
        ws.ensure(n);
        int p0 = position;
        for (int i = 0; i < n; i++) {
            embed(tokens[i], p0 + i, ws.x, i * ns);
        }
        growRecording(n);
        // One team for the whole step: ~60 small kernel calls, each handed to spinning helpers in about a microsecond.
        try (ParallelLoop.Team team = par.team()) {
            layers(team, n, p0);
        }
        position = p0 + n;
        lastTokens = n;
        return logits;
    }

    private void checkRoom(int n) {
        if (cross == null) {
            throw new IllegalStateException("no audio: call setAudio first");
        }
        if (position + n > ctx) {
            throw new IllegalStateException("context full: " + position + " + " + n + " > " + ctx);
        }
    }

    /** Token {@code t}'s embedding plus position {@code pos}'s, into {@code dst} at {@code off}. */
    private void embed(int t, int pos, float[] dst, int off) {
        if (t < 0 || t >= w.tokenEmbedding.rows()) {
            throw new IllegalArgumentException("token " + t + " outside the vocabulary");
        }
        w.tokenEmbedding.row(t, dst, off);
        VectorMath.add(w.decoderPositions, pos * ns, dst, off, ns);
    }

    /** Makes the recorded heads' weight arrays, the workspace's, hold {@code n} tokens. */
    private void growRecording(int n) {
        for (int[] lh : recorded) {
            int pair = lh[0] * heads.nHead() + lh[1];
            float[] p = ws.recordings[pair];
            if (p == null || p.length < n * frames) {
                // grow by half at least: a streaming prefix grows a token or two per step
                int grown = p == null ? 0 : (int) Math.min((long) ctx * frames, p.length + (long) p.length / 2);
                p = new float[Math.max(Math.max(n, 4) * frames, grown)];
                ws.recordings[pair] = p;
            }
            probs[lh[0]][lh[1]] = p;
        }
    }

    private void clearRecording() {
        for (float[][] layer : probs) {
            Arrays.fill(layer, null);
        }
    }

    /** Stores the keys and values of {@code n} tokens from position {@code p0}, row i at {@code off + i*ns}. */
    private void cacheKeyValue(int l, int p0, int n, float[] keys, float[] values, int off) {
        float[] kc = ws.selfK[l];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < ns; c++) {
                kc[c * ctx + p0 + i] = keys[off + i * ns + c];
            }
        }
        System.arraycopy(values, off, ws.selfV[l], p0 * ns, n * ns);
    }

    /** Runs the {@code n} embedded tokens in {@code x} through every block and the logits projection. */
    private void layers(ParallelLoop par, int n, int p0) {
        Workspace b = ws;
        float[] x = b.x;
        float[] h = b.h;
        float[] m = b.m;
        for (int l = 0; l < layers; l++) {
            WhisperWeights.DecoderBlock blk = w.decoderBlocks[l];
            WhisperWeights.Attention at = blk.attn();
            Norms.layerNorm(par, x, n, ns, at.lnWeight(), at.lnBias(), h);
            MatMul.matmul(par, h, n, at.query(), at.queryBias(), b.q);
            MatMul.matmul(par, h, n, at.key(), null, b.k);
            MatMul.matmul(par, h, n, at.value(), at.valueBias(), b.v);
            cacheKeyValue(l, p0, n, b.k, b.v, 0);
            MultiHeadAttention.attention(par, heads, b.queries, n, b.selfViews[l], p0 + n, p0, b.context, null,
                    b.scratch);
            MatMul.matmul(par, b.a, n, at.out(), at.outBias(), h);
            VectorMath.add(h, 0, x, 0, n * ns);

            WhisperWeights.Attention ca = blk.cross();
            Norms.layerNorm(par, x, n, ns, ca.lnWeight(), ca.lnBias(), h);
            MatMul.matmul(par, h, n, ca.query(), ca.queryBias(), b.q);
            MultiHeadAttention.attentionHalf(par, heads, b.queries, n, cross.views[l], frames, b.context, probs[l]);
            MatMul.matmul(par, b.a, n, ca.out(), ca.outBias(), h);
            VectorMath.add(h, 0, x, 0, n * ns);

            blk.mlp().addTo(par, x, n, ns, h, m);
        }
        System.arraycopy(x, (n - 1) * ns, last, 0, ns);
        Norms.layerNorm(par, last, 1, ns, w.lnWeight, w.lnBias, last);
        MatMul.matmul(par, last, 1, w.tokenEmbedding, null, logits);
    }

    // ---------------------------------------------------------------- one row of a DecoderBatch step

    /** Checks that one more token fits, embeds it into {@code dst} at {@code off} and readies the recording. */
    void beginBatchRow(int token, float[] dst, int off) {
        checkRoom(1);
        embed(token, position, dst, off);
        ws.ensure(1);
        growRecording(1);
    }

    /**
     * Layer {@code l}'s self-attention of this row: caches its key and value ({@code keys}, {@code values} at
     * {@code off}) and attends with its query ({@code qs} at {@code off}), into {@code out} at {@code off}.
     */
    void batchSelfAttention(ParallelLoop team, int l, float[] qs, float[] keys, float[] values, int off,
                            float[] out) {
        cacheKeyValue(l, position, 1, keys, values, off);
        Workspace b = ws;
        System.arraycopy(qs, off, b.q, 0, ns);
        MultiHeadAttention.attention(team, heads, b.queries, 1, b.selfViews[l], position + 1, position, b.context,
                null, b.scratch);
        System.arraycopy(b.a, 0, out, off, ns);
    }

    /**
     * Head {@code h} of layer {@code l}'s cross-attention of this row over its own audio: its query at
     * {@code off + h*dHead} of {@code qs}, its output at the same place in {@code out}, its weights recorded. The
     * heads of a row write disjoint parts of {@code out} and of the recording, so a batch runs every (row, head)
     * pair as a task of its own.
     */
    void batchCrossAttentionHead(int l, int h, float[] qs, int off, float[] out) {
        float[] record = probs[l] == null ? null : probs[l][h];
        MultiHeadAttention.attentionHalfHead(heads, h, qs, off, cross.views[l], frames, out, off, record);
    }

    /** Takes this row's logits ({@code all} at {@code off}) and counts its token. */
    void endBatchRow(float[] all, int off) {
        System.arraycopy(all, off, logits, 0, logits.length);
        position++;
        lastTokens = 1;
    }

    /** The logits after the last {@link #step}, {@link #prefill} or {@link DecoderBatch#step} (internal array). */
    public float[] logits() {
        return logits;
    }

    /** True when both states attend to the same cross-attention keys and values (a beam and its forks). */
    boolean sharesAudio(DecoderState other) {
        return cross != null && cross == other.cross;
    }

    boolean sameModel(WhisperWeights weights) {
        return w == weights;
    }

    /**
     * The buffers of one decoding, lent by a {@link WhisperDecoder} to one state at a time: the self-attention caches
     * for the whole context, the activations of the largest call seen, and the recorded attention weights.
     */
    static final class Workspace {
        private final int ns;
        private final int ctx;
        /** Per layer: keys transposed, value c of position t at {@code c*ctx + t}. */
        final float[][] selfK;
        /** Per layer: values, position t at {@code t*ns}. */
        final float[][] selfV;
        /** Per layer: {@link #selfK} and {@link #selfV} as the attention reads them. */
        final KeyValueView[] selfViews;
        final AttentionScratch scratch = new AttentionScratch();
        /** Per (layer, head) pair, {@code layer * nHead + head}: recorded weights, or null. */
        final float[][] recordings;
        private int cap;
        float[] x;
        float[] h;
        float[] q;
        float[] k;
        float[] v;
        float[] a;
        float[] m;
        /** Views of {@code q} and {@code a} for the attention, remade with them. */
        RowView queries;
        RowView context;

        Workspace(WhisperHyperParams hp) {
            this.ns = hp.nTextState();
            this.ctx = hp.nTextCtx();
            int layers = hp.nTextLayer();
            this.selfK = new float[layers][ctx * ns];
            this.selfV = new float[layers][ctx * ns];
            this.selfViews = new KeyValueView[layers];
            for (int l = 0; l < layers; l++) {
                selfViews[l] = new KeyValueView(selfK[l], 1, ctx, selfV[l], ns);
            }
            this.recordings = new float[layers * hp.nTextHead()][];
        }

        void ensure(int n) {
            if (n <= cap) {
                return;
            }
            // grow by half at least (up to the context): a streaming prefix grows a token or two per step
            int c = Math.max(n, Math.min(ctx, Math.max(8, cap + cap / 2)));
            x = new float[c * ns];
            h = new float[c * ns];
            q = new float[c * ns];
            k = new float[c * ns];
            v = new float[c * ns];
            a = new float[c * ns];
            m = new float[c * 4 * ns];
            queries = new RowView(q, ns);
            context = new RowView(a, ns);
            cap = c;
        }
    }

    // ---------------------------------------------------------------- forking (beam search, best-of sampling)

    /**
     * Cross-attention keys and values of one window, shared by a state and its forks. {@code holders} counts the
     * states that read them; {@link #setAudio} overwrites them in place only when it is the last holder.
     */
    static final class CrossCache {
        /** Per layer: keys transposed ({@code c*frames + t}) and values head-major ({@code (h*frames + t)*d + e}). */
        final HalfKeyValueView[] views;
        /** Frames the buffers can hold. */
        final int capacity;
        int holders = 1;

        CrossCache(int layers, int capacity, int ns) {
            this.views = new HalfKeyValueView[layers];
            for (int l = 0; l < layers; l++) {
                this.views[l] = new HalfKeyValueView(new short[capacity * ns], new short[capacity * ns]);
            }
            this.capacity = capacity;
        }
    }

    private void releaseCross() {
        if (cross != null) {
            if (--cross.holders == 0) {
                owner.giveCrossCache(cross);
            }
            cross = null;
        }
    }

    /**
     * Forgets the audio and the tokens and gives the buffers back to the decoder, for whichever state decodes next:
     * a stream between two steps then holds none (base's are 33 MB at a 30 s window). Forks share their
     * cross-attention buffers, which go back when the last of them releases them.
     */
    public void releaseAudio() {
        releaseCross();
        if (ws != null) {
            owner.giveWorkspace(ws);
            ws = null;
        }
        clearRecording();
        frames = 0;
        reset();
    }

    /**
     * Makes this state a copy of {@code other}: the same audio and the same cached tokens, so that both continue
     * independently (a beam forks). Copies the self-attention caches of the {@code other.position()} cached tokens
     * only; the cross-attention keys and values are read-only during decoding and are shared, not copied (a later
     * {@link #setAudio} on either state gives that state its own unless the other has released them). Recorded
     * cross-attention is not copied: this state keeps its own recording choice and starts with no recorded rows.
     *
     * @throws IllegalArgumentException if {@code other} belongs to a different model shape
     */
    public void copyFrom(DecoderState other) {
        if (other == this) {
            return;
        }
        if (other.ns != ns || other.ctx != ctx || other.layers != layers) {
            throw new IllegalArgumentException("states of different model shapes");
        }
        if (other.cross == null) {
            throw new IllegalStateException("source state has no audio");
        }
        if (cross != other.cross) {
            releaseCross();
            cross = other.cross;
            cross.holders++;
        }
        hold();
        frames = other.frames;
        int p = other.position;
        for (int l = 0; l < layers; l++) {
            // keys are stored transposed (channel-major, stride ctx): copy each channel's first p positions
            float[] src = other.ws.selfK[l];
            float[] dst = ws.selfK[l];
            for (int c = 0; c < ns; c++) {
                System.arraycopy(src, c * ctx, dst, c * ctx, p);
            }
            System.arraycopy(other.ws.selfV[l], 0, ws.selfV[l], 0, p * ns);
        }
        position = p;
        lastTokens = 0;
    }
}
