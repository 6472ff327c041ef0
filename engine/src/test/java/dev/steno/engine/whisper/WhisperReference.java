package dev.steno.engine.whisper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * A scalar reference of Whisper inference for tests: plain loops, double accumulation, tensors read straight from
 * the file and indexed by ggml's ne order (element (i0, i1, i2) at {@code i0 + ne0*(i1 + ne1*i2)}).
 */
final class WhisperReference {
    private final GgmlWhisperFile f;
    private final WhisperHyperParams hp;
    private final Map<String, double[]> cache = new HashMap<>();

    WhisperReference(GgmlWhisperFile f) {
        this.f = f;
        this.hp = f.hparams();
    }

    double[] t(String name) {
        return cache.computeIfAbsent(name, n -> {
            try {
                GgmlTensorInfo info = f.tensor(n);
                ByteBuffer b = f.tensorData(info);
                double[] d = new double[(int) info.elements()];
                for (int i = 0; i < d.length; i++) {
                    d[i] = info.type() == GgmlType.F16 ? Float.float16ToFloat(b.getShort(2 * i)) : b.getFloat(4 * i);
                }
                return d;
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    static double gelu(double v) {
        return 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
    }

    /** y[i][o] = b[o] + sum_k x[i][k] * W(k, o) with W's ne = [in, out]. */
    double[][] linear(double[][] x, String w, String b) {
        double[] wt = t(w);
        int in = x[0].length;
        int out = wt.length / in;
        double[] bias = b == null ? null : t(b);
        double[][] y = new double[x.length][out];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out; o++) {
                double s = bias == null ? 0 : bias[o];
                for (int k = 0; k < in; k++) {
                    s += x[i][k] * wt[k + in * o];
                }
                y[i][o] = s;
            }
        }
        return y;
    }

    double[][] ln(double[][] x, String p) {
        double[] g = t(p + ".weight");
        double[] b = t(p + ".bias");
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            int n = x[i].length;
            double mean = 0, var = 0;
            for (double v : x[i]) {
                mean += v;
            }
            mean /= n;
            for (double v : x[i]) {
                var += (v - mean) * (v - mean);
            }
            var /= n;
            y[i] = new double[n];
            for (int k = 0; k < n; k++) {
                y[i][k] = (x[i][k] - mean) / Math.sqrt(var + 1e-5) * g[k] + b[k];
            }
        }
        return y;
    }

    /** Attention of queries q over keys k / values v; query i sees keys up to causalFrom + i (all if negative). */
    static double[][] attend(double[][] q, double[][] k, double[][] v, int heads, int causalFrom, double[][][] probs) {
        int ns = q[0].length;
        int d = ns / heads;
        double[][] out = new double[q.length][ns];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < q.length; i++) {
                int len = causalFrom < 0 ? k.length : Math.min(k.length, causalFrom + i + 1);
                double[] s = new double[len];
                double max = Double.NEGATIVE_INFINITY;
                for (int t = 0; t < len; t++) {
                    for (int e = 0; e < d; e++) {
                        s[t] += q[i][h * d + e] * k[t][h * d + e];
                    }
                    s[t] /= Math.sqrt(d);
                    max = Math.max(max, s[t]);
                }
                double sum = 0;
                for (int t = 0; t < len; t++) {
                    s[t] = Math.exp(s[t] - max);
                    sum += s[t];
                }
                for (int t = 0; t < len; t++) {
                    s[t] /= sum;
                    for (int e = 0; e < d; e++) {
                        out[i][h * d + e] += s[t] * v[t][h * d + e];
                    }
                }
                if (probs != null) {
                    probs[h][i] = s;
                }
            }
        }
        return out;
    }

    static void addTo(double[][] x, double[][] y) {
        for (int i = 0; i < x.length; i++) {
            for (int k = 0; k < x[i].length; k++) {
                x[i][k] += y[i][k];
            }
        }
    }

    double[][] mlp(double[][] x, String p) {
        double[][] h = linear(ln(x, p + "mlp_ln"), p + "mlp.0.weight", p + "mlp.0.bias");
        for (double[] row : h) {
            for (int k = 0; k < row.length; k++) {
                row[k] = gelu(row[k]);
            }
        }
        return linear(h, p + "mlp.2.weight", p + "mlp.2.bias");
    }

    /** Encoder output [frames][n_state] for mel [n_mels][2*frames]. */
    double[][] encode(float[] mel, int frames) {
        int nm = hp.nMels();
        int ns = hp.nAudioState();
        int mf = 2 * frames;
        double[] w1 = t("encoder.conv1.weight");
        double[] b1 = t("encoder.conv1.bias");
        double[][] c1 = new double[mf][ns];
        for (int t = 0; t < mf; t++) {
            for (int o = 0; o < ns; o++) {
                double s = b1[o];
                for (int c = 0; c < nm; c++) {
                    for (int kk = 0; kk < 3; kk++) {
                        int src = t + kk - 1;
                        if (src >= 0 && src < mf) {
                            s += w1[kk + 3 * (c + nm * o)] * mel[c * mf + src];
                        }
                    }
                }
                c1[t][o] = gelu(s);
            }
        }
        double[] w2 = t("encoder.conv2.weight");
        double[] b2 = t("encoder.conv2.bias");
        double[] pos = t("encoder.positional_embedding");
        double[][] x = new double[frames][ns];
        for (int t = 0; t < frames; t++) {
            for (int o = 0; o < ns; o++) {
                double s = b2[o];
                for (int c = 0; c < ns; c++) {
                    for (int kk = 0; kk < 3; kk++) {
                        int src = 2 * t + kk - 1;
                        if (src >= 0 && src < mf) {
                            s += w2[kk + 3 * (c + ns * o)] * c1[src][c];
                        }
                    }
                }
                x[t][o] = gelu(s) + pos[o + ns * t];
            }
        }
        for (int l = 0; l < hp.nAudioLayer(); l++) {
            String p = "encoder.blocks." + l + ".";
            double[][] h = ln(x, p + "attn_ln");
            double[][] q = linear(h, p + "attn.query.weight", p + "attn.query.bias");
            double[][] k = linear(h, p + "attn.key.weight", null);
            double[][] v = linear(h, p + "attn.value.weight", p + "attn.value.bias");
            addTo(x, linear(attend(q, k, v, hp.nAudioHead(), -1, null), p + "attn.out.weight", p + "attn.out.bias"));
            addTo(x, mlp(x, p));
        }
        return ln(x, "encoder.ln_post");
    }

    /**
     * Decodes {@code tokens} from position 0 over encoder output {@code enc}; returns logits of every position
     * ([n][vocab]); fills {@code crossProbs[layer][head][i]} when not null.
     */
    static double[][] roundToHalf(double[][] a) {
        double[][] r = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            r[i] = new double[a[i].length];
            for (int j = 0; j < a[i].length; j++) {
                r[i][j] = Float.float16ToFloat(Float.floatToFloat16((float) a[i][j]));
            }
        }
        return r;
    }

    double[][] decode(double[][] enc, int[] tokens, double[][][][] crossProbs) {
        int ns = hp.nTextState();
        int heads = hp.nTextHead();
        double[] emb = t("decoder.token_embedding.weight");
        double[] pos = t("decoder.positional_embedding");
        int n = tokens.length;
        double[][] x = new double[n][ns];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < ns; c++) {
                x[i][c] = emb[c + ns * tokens[i]] + pos[c + ns * i];
            }
        }
        for (int l = 0; l < hp.nTextLayer(); l++) {
            String p = "decoder.blocks." + l + ".";
            double[][] h = ln(x, p + "attn_ln");
            double[][] q = linear(h, p + "attn.query.weight", p + "attn.query.bias");
            double[][] k = linear(h, p + "attn.key.weight", null);
            double[][] v = linear(h, p + "attn.value.weight", p + "attn.value.bias");
            addTo(x, linear(attend(q, k, v, heads, 0, null), p + "attn.out.weight", p + "attn.out.bias"));
            h = ln(x, p + "cross_attn_ln");
            q = linear(h, p + "cross_attn.query.weight", p + "cross_attn.query.bias");
            // The cross-attention cache is kept in binary16, as whisper.cpp keeps it.
            k = roundToHalf(linear(enc, p + "cross_attn.key.weight", null));
            v = roundToHalf(linear(enc, p + "cross_attn.value.weight", p + "cross_attn.value.bias"));
            double[][][] probs = crossProbs == null ? null : crossProbs[l];
            addTo(x, linear(attend(q, k, v, heads, -1, probs), p + "cross_attn.out.weight",
                    p + "cross_attn.out.bias"));
            addTo(x, mlp(x, p));
        }
        double[][] h = ln(x, "decoder.ln");
        int vocab = hp.nVocab();
        double[][] logits = new double[n][vocab];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < vocab; o++) {
                double s = 0;
                for (int c = 0; c < ns; c++) {
                    s += h[i][c] * emb[c + ns * o];
                }
                logits[i][o] = s;
            }
        }
        return logits;
    }
}
