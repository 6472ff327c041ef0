package dev.steno.engine.whisper.nn;

import static dev.steno.engine.whisper.nn.MatMul.MR;
import static dev.steno.engine.whisper.nn.MatMul.NR;
import static dev.steno.engine.whisper.nn.MatMul.gemmPanel;
import static dev.steno.engine.whisper.nn.MatMul.packStrided;
import static dev.steno.engine.whisper.nn.VectorMath.L;
import static dev.steno.engine.whisper.nn.VectorMath.S;
import static dev.steno.engine.whisper.nn.VectorMath.widenHalf;

import java.util.Arrays;
import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;

/**
 * Multi-head scaled dot-product attention, over float keys and values ({@link #attention}: the encoder's
 * self-attention and the decoder's token cache) or binary16 ones ({@link #attentionHalf}: the decoder's
 * cross-attention cache).
 */
public final class MultiHeadAttention {
    private static final ThreadLocal<HalfAttentionJob> HALF_ATTENTION_JOB =
            ThreadLocal.withInitial(HalfAttentionJob::new);

    private MultiHeadAttention() {
    }

    /**
     * Multi-head scaled dot-product attention of {@code nq} queries over {@code nk} keys: for each head h and query
     * i, {@code out[i][h*d + e] = sum_t softmax_t(q_i . k_t / sqrt(d)) v[t][h*d + e]}, with query i's channels in row
     * i of {@code queries} and the output in row i of {@code output}.
     *
     * @param causalFrom a negative value for no mask, else query i sees keys {@code t <= causalFrom + i}
     * @param probs      {@code null}, or per head {@code null} or an array of {@code nq*nk} that receives the
     *                   softmax weights (masked keys get 0)
     */
    public static void attention(ParallelLoop par, HeadLayout heads, RowView queries, int nq, KeyValueView kv,
                                 int nk, int causalFrom, RowView output, float[][] probs, AttentionScratch ws) {
        if (nq < MR) {
            attentionFew(par, heads, queries, nq, kv, nk, causalFrom, output, probs);
            return;
        }
        int nHead = heads.nHead();
        int dHead = heads.dHead();
        float scale = heads.scale();
        int kPanels = (nk + NR - 1) / NR;
        int headK = kPanels * NR * dHead;
        int vPanels = (dHead + NR - 1) / NR;
        int headV = vPanels * NR * nk;
        if (ws.packedK.length < headK * nHead) {
            ws.packedK = new float[headK * nHead];
        }
        if (ws.packedV.length < headV * nHead) {
            ws.packedV = new float[headV * nHead];
        }
        float[] pk = ws.packedK;
        float[] pv = ws.packedV;
        par.forEach(nHead * (kPanels + vPanels), task -> {
            int h = task / (kPanels + vPanels);
            int p = task % (kPanels + vPanels);
            if (p < kPanels) {
                int t0 = p * NR;
                packStrided(kv.keys(), h * dHead * kv.keyChannelStride(), kv.keyTimeStride(), kv.keyChannelStride(),
                        t0, Math.min(NR, nk - t0), dHead, pk, h * headK + p * NR * dHead);
            } else {
                int e0 = (p - kPanels) * NR;
                packStrided(kv.values(), h * dHead, 1, kv.valueTimeStride(), e0, Math.min(NR, dHead - e0), nk,
                        pv, h * headV + (p - kPanels) * NR * nk);
            }
        });
        int qb = MR * 4;
        int qBlocks = (nq + qb - 1) / qb;
        par.forEach(nHead * qBlocks, task -> {
            int h = task / qBlocks;
            int i0 = (task % qBlocks) * qb;
            int rows = Math.min(qb, nq - i0);
            float[] s = Scratch.get(Scratch.SCORES, qb * nk);
            for (int p = 0; p < kPanels; p++) {
                int t0 = p * NR;
                gemmPanel(queries.data(), i0 * queries.stride() + h * dHead, queries.stride(), rows, dHead,
                        pk, h * headK + p * NR * dHead, Math.min(NR, nk - t0), null, 0, s, t0, nk);
            }
            for (int r = 0; r < rows; r++) {
                int len = causalFrom < 0 ? nk : Math.min(nk, causalFrom + i0 + r + 1);
                scaleSoftmax(s, r * nk, len, nk, scale);
                if (probs != null && probs[h] != null) {
                    System.arraycopy(s, r * nk, probs[h], (i0 + r) * nk, nk);
                }
            }
            for (int p = 0; p < vPanels; p++) {
                int e0 = p * NR;
                gemmPanel(s, 0, nk, rows, nk, pv, h * headV + p * NR * nk, Math.min(NR, dHead - e0),
                        null, 0, output.data(), i0 * output.stride() + h * dHead + e0, output.stride());
            }
        });
    }

    /**
     * Attention of {@code nq} queries over {@code nk} keys and values kept as binary16 (a decoder's cross-attention
     * cache, as whisper.cpp keeps it: half the bytes to stream per token): for each head h and query i,
     * {@code out[i][h*d + e] = sum_t softmax_t(q_i . k_t / sqrt(d)) v_t[h*d + e]}. The keys are transposed (so that
     * the scores vectorise over time) and the values head-major ({@link HalfKeyValueView}): either way a head's keys
     * and its values are each one contiguous block, read front to back. A step is memory bound, and long sequential
     * streams are what the prefetcher keeps up with. Heads run in parallel; the queries of a head reuse its keys and
     * values from cache.
     *
     * @param probs {@code null}, or per head {@code null} or an array of {@code nq*nk} that receives the weights
     */
    public static void attentionHalf(ParallelLoop par, HeadLayout heads, RowView queries, int nq,
                                     HalfKeyValueView kv, int nk, RowView output, float[][] probs) {
        HalfAttentionJob job = HALF_ATTENTION_JOB.get();
        job.dHead = heads.dHead();
        job.q = queries.data();
        job.qStride = queries.stride();
        job.nq = nq;
        job.kT = kv.keys();
        job.v = kv.values();
        job.nk = nk;
        job.out = output.data();
        job.outStride = output.stride();
        job.probs = probs;
        job.scale = heads.scale();
        try {
            par.forEach(heads.nHead(), job);
        } finally {
            job.q = null;
            job.kT = null;
            job.v = null;
            job.out = null;
            job.probs = null;
        }
    }

    /**
     * Head {@code h} of {@link #attentionHalf} for one query, on the calling thread: the query's head slice at
     * {@code qOff + h*d} of {@code q}, the head's output at {@code outOff + h*d} of {@code out}, and its weights into
     * {@code record} (null for none). The rows of a batch of decoder steps attend to different audio, so a batch
     * hands out its (row, head) pairs as one set of tasks instead of one set of heads per row; each pair computes
     * the very operations {@link #attentionHalf} does for it.
     */
    public static void attentionHalfHead(HeadLayout heads, int h, float[] q, int qOff, HalfKeyValueView kv, int nk,
                                         float[] out, int outOff, float[] record) {
        attendHalf(h, heads.dHead(), heads.scale(), q, qOff, kv.keys(), kv.values(), nk, out, outOff, record, 0);
    }

    private static void attendHalf(int h, int dHead, float scale, float[] q, int qOff, short[] kT, short[] v, int nk,
                                   float[] out, int outOff, float[] record, int recordOff) {
        float[] s = Scratch.get(Scratch.SCORES, nk);
        scoresTransposedHalf(q, qOff + h * dHead, dHead, kT, h * dHead * nk, nk, s);
        scaleSoftmax(s, 0, nk, nk, scale);
        if (record != null) {
            System.arraycopy(s, 0, record, recordOff, nk);
        }
        weightedSumHalf(s, nk, v, h * nk * dHead, dHead, dHead, out, outOff + h * dHead);
    }

    /** {@link #attention} of fewer than {@link MatMul#MR} queries: each query's scores and sum directly. */
    private static void attentionFew(ParallelLoop par, HeadLayout heads, RowView queries, int nq, KeyValueView kv,
                                     int nk, int causalFrom, RowView output, float[][] probs) {
        if ((long) nk * heads.dHead() * nq < 32768 || par.parallelism() <= 1) {
            // a decoder step's self-attention: too small to hand off (and no task object to allocate)
            for (int h = 0; h < heads.nHead(); h++) {
                attendFew(h, heads, queries, nq, kv, nk, causalFrom, output, probs);
            }
            return;
        }
        par.forEach(heads.nHead(), h -> attendFew(h, heads, queries, nq, kv, nk, causalFrom, output, probs));
    }

    private static void attendFew(int h, HeadLayout heads, RowView queries, int nq, KeyValueView kv, int nk,
                                  int causalFrom, RowView output, float[][] probs) {
        int dHead = heads.dHead();
        float scale = heads.scale();
        float[] q = queries.data();
        int qStride = queries.stride();
        float[] k = kv.keys();
        int kTStride = kv.keyTimeStride();
        int kDStride = kv.keyChannelStride();
        float[] v = kv.values();
        int vTStride = kv.valueTimeStride();
        float[] out = output.data();
        int outStride = output.stride();
        float[] s = Scratch.get(Scratch.SCORES, nk);
        for (int i = 0; i < nq; i++) {
            int len = causalFrom < 0 ? nk : Math.min(nk, causalFrom + i + 1);
            int qo = i * qStride + h * dHead;
            if (kTStride == 1) {
                scoresTransposed(q, qo, dHead, k, h * dHead * kDStride, kDStride, len, s);
            } else if (kDStride == 1) {
                for (int t = 0; t < len; t++) {
                    s[t] = VectorMath.dot(q, qo, k, t * kTStride + h * dHead, dHead);
                }
            } else {
                for (int t = 0; t < len; t++) {
                    float a = 0f;
                    for (int e = 0; e < dHead; e++) {
                        a += q[qo + e] * k[t * kTStride + (h * dHead + e) * kDStride];
                    }
                    s[t] = a;
                }
            }
            scaleSoftmax(s, 0, len, nk, scale);
            if (probs != null && probs[h] != null) {
                System.arraycopy(s, 0, probs[h], i * nk, nk);
            }
            weightedSum(s, len, v, h * dHead, vTStride, dHead, out, i * outStride + h * dHead);
        }
    }

    private static void scaleSoftmax(float[] s, int off, int len, int nk, float scale) {
        FloatVector sv = FloatVector.broadcast(S, scale);
        int k = 0;
        for (; k + L <= len; k += L) {
            FloatVector.fromArray(S, s, off + k).mul(sv).intoArray(s, off + k);
        }
        for (; k < len; k++) {
            s[off + k] *= scale;
        }
        Norms.softmax(s, off, len);
        for (int t = len; t < nk; t++) {
            s[off + t] = 0f;
        }
    }

    /**
     * {@code s[t] = sum_e q[qo+e] * k[kOff + e*kDStride + t]} for t below len: one query against keys stored
     * transposed (a channel's values over time are contiguous), vectorised over time in blocks of four vectors that
     * stay in registers across the channels.
     */
    static void scoresTransposed(float[] q, int qo, int d, float[] k, int kOff, int kDStride, int len, float[] s) {
        int t = 0;
        for (; t + 4 * L <= len; t += 4 * L) {
            FloatVector c0 = FloatVector.zero(S);
            FloatVector c1 = FloatVector.zero(S);
            FloatVector c2 = FloatVector.zero(S);
            FloatVector c3 = FloatVector.zero(S);
            for (int e = 0, ko = kOff + t; e < d; e++, ko += kDStride) {
                FloatVector qe = FloatVector.broadcast(S, q[qo + e]);
                c0 = FloatVector.fromArray(S, k, ko).fma(qe, c0);
                c1 = FloatVector.fromArray(S, k, ko + L).fma(qe, c1);
                c2 = FloatVector.fromArray(S, k, ko + 2 * L).fma(qe, c2);
                c3 = FloatVector.fromArray(S, k, ko + 3 * L).fma(qe, c3);
            }
            c0.intoArray(s, t);
            c1.intoArray(s, t + L);
            c2.intoArray(s, t + 2 * L);
            c3.intoArray(s, t + 3 * L);
        }
        for (; t + L <= len; t += L) {
            FloatVector c0 = FloatVector.zero(S);
            for (int e = 0, ko = kOff + t; e < d; e++, ko += kDStride) {
                c0 = FloatVector.fromArray(S, k, ko).fma(FloatVector.broadcast(S, q[qo + e]), c0);
            }
            c0.intoArray(s, t);
        }
        for (; t < len; t++) {
            float a = 0f;
            for (int e = 0, ko = kOff + t; e < d; e++, ko += kDStride) {
                a += q[qo + e] * k[ko];
            }
            s[t] = a;
        }
    }

    /**
     * {@code out[oo+e] = sum_t p[t] * v[vOff + t*vTStride + e]} for e below d: the attention-weighted sum of value
     * rows, up to four vectors of channels accumulated in registers over all t.
     */
    static void weightedSum(float[] p, int len, float[] v, int vOff, int vTStride, int d, float[] out, int oo) {
        int e = 0;
        for (; e + 4 * L <= d; e += 4 * L) {
            FloatVector c0 = FloatVector.zero(S);
            FloatVector c1 = FloatVector.zero(S);
            FloatVector c2 = FloatVector.zero(S);
            FloatVector c3 = FloatVector.zero(S);
            for (int t = 0, vo = vOff + e; t < len; t++, vo += vTStride) {
                FloatVector pt = FloatVector.broadcast(S, p[t]);
                c0 = FloatVector.fromArray(S, v, vo).fma(pt, c0);
                c1 = FloatVector.fromArray(S, v, vo + L).fma(pt, c1);
                c2 = FloatVector.fromArray(S, v, vo + 2 * L).fma(pt, c2);
                c3 = FloatVector.fromArray(S, v, vo + 3 * L).fma(pt, c3);
            }
            c0.intoArray(out, oo + e);
            c1.intoArray(out, oo + e + L);
            c2.intoArray(out, oo + e + 2 * L);
            c3.intoArray(out, oo + e + 3 * L);
        }
        for (; e + L <= d; e += L) {
            FloatVector c0 = FloatVector.zero(S);
            for (int t = 0, vo = vOff + e; t < len; t++, vo += vTStride) {
                c0 = FloatVector.fromArray(S, v, vo).fma(FloatVector.broadcast(S, p[t]), c0);
            }
            c0.intoArray(out, oo + e);
        }
        for (; e < d; e++) {
            float a = 0f;
            for (int t = 0, vo = vOff + e; t < len; t++, vo += vTStride) {
                a += p[t] * v[vo];
            }
            out[oo + e] = a;
        }
    }

    /**
     * {@code s[t] = sum_e q[qo+e] * k[kOff + e*len + t]} for t below len, binary16 keys: the d rows of one head are
     * one contiguous block, swept four rows a quarter of the block apart at a time (each pass adds into the scores,
     * which stay in L1). Four long forward streams keep more memory requests in flight than one; short rows side by
     * side would defeat the prefetcher.
     */
    static void scoresTransposedHalf(float[] q, int qo, int d, short[] k, int kOff, int len, float[] s) {
        Arrays.fill(s, 0, len, 0f);
        int tv = len - len % L;
        int st = d / 4;
        for (int e = 0; e < st; e++) {
            int k0 = kOff + e * len;
            int k1 = k0 + st * len;
            int k2 = k1 + st * len;
            int k3 = k2 + st * len;
            float q0 = q[qo + e];
            float q1 = q[qo + e + st];
            float q2 = q[qo + e + 2 * st];
            float q3 = q[qo + e + 3 * st];
            FloatVector v0 = FloatVector.broadcast(S, q0);
            FloatVector v1 = FloatVector.broadcast(S, q1);
            FloatVector v2 = FloatVector.broadcast(S, q2);
            FloatVector v3 = FloatVector.broadcast(S, q3);
            for (int t = 0; t < tv; t += L) {
                FloatVector acc = widenHalf(k, k0 + t).fma(v0, FloatVector.fromArray(S, s, t));
                acc = widenHalf(k, k1 + t).fma(v1, acc);
                acc = widenHalf(k, k2 + t).fma(v2, acc);
                widenHalf(k, k3 + t).fma(v3, acc).intoArray(s, t);
            }
            for (int t = tv; t < len; t++) {
                s[t] += q0 * Float.float16ToFloat(k[k0 + t]) + q1 * Float.float16ToFloat(k[k1 + t])
                        + q2 * Float.float16ToFloat(k[k2 + t]) + q3 * Float.float16ToFloat(k[k3 + t]);
            }
        }
        for (int e = 4 * st; e < d; e++) {
            int ko = kOff + e * len;
            float qs = q[qo + e];
            FloatVector qe = FloatVector.broadcast(S, qs);
            for (int t = 0; t < tv; t += L) {
                widenHalf(k, ko + t).fma(qe, FloatVector.fromArray(S, s, t)).intoArray(s, t);
            }
            for (int t = tv; t < len; t++) {
                s[t] += qs * Float.float16ToFloat(k[ko + t]);
            }
        }
    }

    /** As {@link #weightedSum} for binary16 values. */
    static void weightedSumHalf(float[] p, int len, short[] v, int vOff, int vTStride, int d, float[] out, int oo) {
        int e = 0;
        for (; e + 4 * L <= d; e += 4 * L) {
            FloatVector c0 = FloatVector.zero(S);
            FloatVector c1 = FloatVector.zero(S);
            FloatVector c2 = FloatVector.zero(S);
            FloatVector c3 = FloatVector.zero(S);
            for (int t = 0, vo = vOff + e; t < len; t++, vo += vTStride) {
                FloatVector pt = FloatVector.broadcast(S, p[t]);
                c0 = widenHalf(v, vo).fma(pt, c0);
                c1 = widenHalf(v, vo + L).fma(pt, c1);
                c2 = widenHalf(v, vo + 2 * L).fma(pt, c2);
                c3 = widenHalf(v, vo + 3 * L).fma(pt, c3);
            }
            c0.intoArray(out, oo + e);
            c1.intoArray(out, oo + e + L);
            c2.intoArray(out, oo + e + 2 * L);
            c3.intoArray(out, oo + e + 3 * L);
        }
        for (; e + L <= d; e += L) {
            FloatVector c0 = FloatVector.zero(S);
            for (int t = 0, vo = vOff + e; t < len; t++, vo += vTStride) {
                c0 = widenHalf(v, vo).fma(FloatVector.broadcast(S, p[t]), c0);
            }
            c0.intoArray(out, oo + e);
        }
        for (; e < d; e++) {
            float a = 0f;
            for (int t = 0, vo = vOff + e; t < len; t++, vo += vTStride) {
                a += p[t] * Float.float16ToFloat(v[vo]);
            }
            out[oo + e] = a;
        }
    }

    /** The task of one {@link #attentionHalf} call (one head per index), reused per calling thread. */
    private static final class HalfAttentionJob implements IntConsumer {
        int dHead;
        float[] q;
        int qStride;
        int nq;
        short[] kT;
        short[] v;
        int nk;
        float[] out;
        int outStride;
        float[][] probs;
        float scale;

        @Override
        public void accept(int h) {
            float[] record = probs == null ? null : probs[h];
            for (int i = 0; i < nq; i++) {
                attendHalf(h, dHead, scale, q, i * qStride, kT, v, nk, out, i * outStride, record, i * nk);
            }
        }
    }
}
