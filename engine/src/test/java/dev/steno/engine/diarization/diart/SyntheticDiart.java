package dev.steno.engine.diarization.diart;

import dev.steno.engine.onnx.OnnxModelBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Synthetic stand-ins for the diart models, with the real signatures, and two synthetic "voices" they tell apart.
 *
 * <ul>
 *   <li>Voice {@link #LOW} is a tone gliding (vibrato at 5 Hz) between 200 and 300 Hz, voice {@link #HIGH} between
 *       700 and 1000 Hz, amplitude 0.3.</li>
 *   <li>The segmentation model ({@code x} (N, 1, 160000) → {@code y} (N, 589, 7)) frames its input like
 *       segmentation-3.0 (a strided convolution, kernel 991, stride 270) with quadrature matched filters every 25 Hz
 *       over each voice's range; per frame the log energy of the low filters drives class "speaker 1", of the high
 *       ones "speaker 2", against a fixed "none"; the other classes never win.</li>
 *   <li>The embedding model ({@code feats} (1, T, 80) → {@code embs} (1, 16), WeSpeaker's names) takes the variance
 *       over time of each mean-normalised band (a glide swings the bands it crosses, since mean normalisation leaves
 *       nothing of a steady spectrum), centres it over the bands, and
 *       projects bands below 500 Hz onto one direction and bands of 500-1500 Hz onto an orthogonal one, so the two
 *       voices land about a cosine distance of 1 or more apart.</li>
 * </ul>
 */
final class SyntheticDiart {
    /** Centre and swing of the low voice's glide, Hz. */
    static final double[] LOW = {250, 50};
    /** Centre and swing of the high voice's glide, Hz. */
    static final double[] HIGH = {850, 150};
    static final int DIMENSION = 16;
    private static final double[] FREQS = filterFrequencies();
    private static final int LOW_FILTERS = 5;
    private static final int FIELD = 991;
    private static final int STEP = 270;

    private SyntheticDiart() {
    }

    /** Writes the segmentation model. */
    static Path segmentation(Path file) throws IOException {
        return segmentationBuilder("x", "y").write(file);
    }

    static OnnxModelBuilder segmentationBuilder(String input, String output) {
        float[] kernels = new float[FREQS.length * 2 * FIELD];
        double hannSum = 0;
        for (int n = 0; n < FIELD; n++) {
            hannSum += hann(n);
        }
        for (int f = 0; f < FREQS.length; f++) {
            for (int n = 0; n < FIELD; n++) {
                double phase = 2 * Math.PI * FREQS[f] * n / 16000;
                kernels[(2 * f) * FIELD + n] = (float) (hann(n) * Math.cos(phase) * 2 / hannSum);
                kernels[(2 * f + 1) * FIELD + n] = (float) (hann(n) * Math.sin(phase) * 2 / hannSum);
            }
        }
        // the squared filter outputs summed into the low voice's and the high voice's energies
        int channels = FREQS.length * 2;
        float[] pairs = new float[channels * 2];
        for (int c = 0; c < channels; c++) {
            pairs[c * 2 + (c < 2 * LOW_FILTERS ? 0 : 1)] = 1f;
        }
        // class logits from the two log energies: none 0, speaker 1 = ln(E_low / 1e-4), speaker 2 = ln(E_high / 1e-4)
        float[] toClasses = new float[2 * 7];
        toClasses[1] = 1f;
        toClasses[7 + 2] = 1f;
        float threshold = (float) -Math.log(1e-4);
        float[] bias = {0, threshold, threshold, -1000, -1000, -1000, -1000};
        return new OnnxModelBuilder("synthetic-segmentation")
                .input(input, OnnxModelBuilder.Type.FLOAT, "N", 1, 160000)
                .initializer("kernels", kernels, FREQS.length * 2, 1, FIELD)
                .initializer("pairs", pairs, channels, 2)
                .initializer("eps", new float[] {1e-12f}, 1)
                .initializer("to_classes", toClasses, 2, 7)
                .initializer("bias", bias, 7)
                .node("Conv", List.of(input, "kernels"), List.of("filtered"),
                        Map.of("kernel_shape", new long[] {FIELD}, "strides", new long[] {STEP}))
                .node("Mul", List.of("filtered", "filtered"), List.of("power"))
                .node("Transpose", List.of("power"), List.of("frames"), Map.of("perm", new long[] {0, 2, 1}))
                .node("MatMul", List.of("frames", "pairs"), List.of("energy"))
                .node("Add", List.of("energy", "eps"), List.of("guarded"))
                .node("Log", List.of("guarded"), List.of("log_energy"))
                .node("MatMul", List.of("log_energy", "to_classes"), List.of("scaled"))
                .node("Add", List.of("scaled", "bias"), List.of("logits"))
                .node("LogSoftmax", List.of("logits"), List.of(output), Map.of("axis", -1L))
                .output(output, OnnxModelBuilder.Type.FLOAT, "N", 589, 7)
                .metadata("num_speakers", "3")
                .metadata("powerset_max_classes", "2")
                .metadata("num_classes", "7")
                .metadata("window_size", "160000")
                .metadata("receptive_field_size", "991")
                .metadata("receptive_field_shift", "270");
    }

    /** Writes the embedding model with WeSpeaker's names. */
    static Path embedding(Path file) throws IOException {
        return embeddingBuilder("feats", "embs").write(file);
    }

    static OnnxModelBuilder embeddingBuilder(String input, String output) {
        float[] projection = new float[80 * DIMENSION];
        double melLow = 1127 * Math.log(1 + 20 / 700.0);
        double melHigh = 1127 * Math.log(1 + 8000 / 700.0);
        double delta = (melHigh - melLow) / 81;
        for (int b = 0; b < 80; b++) {
            double centreHz = 700 * (Math.exp((melLow + (b + 1) * delta) / 1127) - 1);
            if (centreHz < 500) {
                for (int d = 0; d < DIMENSION / 2; d++) {
                    projection[b * DIMENSION + d] = 1f;
                }
            } else if (centreHz < 1500) {
                for (int d = DIMENSION / 2; d < DIMENSION; d++) {
                    projection[b * DIMENSION + d] = 1f;
                }
            }
        }
        return new OnnxModelBuilder("synthetic-embedding")
                .input(input, OnnxModelBuilder.Type.FLOAT, "B", "T", 80)
                .initializer("projection", projection, 80, DIMENSION)
                .node("Mul", List.of(input, input), List.of("squared"))
                .node("ReduceMean", List.of("squared"), List.of("variance"), Map.of("axes", new long[] {1},
                        "keepdims", 0L))
                .node("ReduceMean", List.of("variance"), List.of("level"), Map.of("axes", new long[] {1},
                        "keepdims", 1L))
                .node("Sub", List.of("variance", "level"), List.of("profile"))
                .node("MatMul", List.of("profile", "projection"), List.of(output))
                .output(output, OnnxModelBuilder.Type.FLOAT, "B", DIMENSION)
                .metadata("output_dim", String.valueOf(DIMENSION));
    }

    /** 200..300 Hz and 700..1000 Hz every 25 Hz. */
    private static double[] filterFrequencies() {
        double[] f = new double[LOW_FILTERS + 13];
        for (int i = 0; i < LOW_FILTERS; i++) {
            f[i] = 200 + 25 * i;
        }
        for (int i = 0; i < 13; i++) {
            f[LOW_FILTERS + i] = 700 + 25 * i;
        }
        return f;
    }

    private static double hann(int n) {
        return 0.5 - 0.5 * Math.cos(2 * Math.PI * n / (FIELD - 1));
    }

    /** A script of turns: voice (LOW, HIGH or null for silence) and seconds. */
    record Turn(double[] voice, double seconds) {
    }

    /** Renders turns back to back at 16 kHz. */
    static float[] render(Turn... turns) {
        int total = 0;
        for (Turn t : turns) {
            total += (int) Math.round(t.seconds * 16000);
        }
        float[] out = new float[total];
        int pos = 0;
        double phase = 0;
        for (Turn t : turns) {
            int n = (int) Math.round(t.seconds * 16000);
            for (int i = 0; i < n; i++) {
                if (t.voice != null) {
                    double f = t.voice[0] + t.voice[1] * Math.sin(2 * Math.PI * 5 * (pos + i) / 16000.0);
                    phase += 2 * Math.PI * f / 16000;
                    out[pos + i] = (float) (0.3 * Math.sin(phase));
                }
            }
            pos += n;
        }
        return out;
    }
}
