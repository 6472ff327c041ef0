package dev.steno.engine.diarization.diart;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.steno.engine.onnx.OnnxSessions;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;

/**
 * A speaker-embedding model over 80-bin Kaldi fbank frames, as sherpa-onnx exports them:
 * {@link Flavour#WESPEAKER WeSpeaker} ({@code feats} (B, T, 80) → {@code embs} (B, D)) or
 * {@link Flavour#THREE_D_SPEAKER 3D-Speaker} ({@code x} (B, T, 80) → {@code embedding} (B, D)), told apart by their
 * input and output names. One onnxruntime session shared by every stream; {@link #embed} may be called from many
 * threads at once.
 *
 * <p>Sample scale: WeSpeaker is trained on int16-range audio (its recipe and sherpa-onnx multiply [-1, 1] samples by
 * 32768), 3D-Speaker on [-1, 1] (sherpa-onnx's {@code normalize_samples=1}); a {@code normalize_samples} metadata
 * entry overrides the default. With per-utterance mean normalisation the scale only moves the log floor, but it is
 * kept faithful anyway.
 */
public final class EmbeddingModel implements AutoCloseable {
    /** The recognised signatures. */
    public enum Flavour {
        /** WeSpeaker: {@code feats} → {@code embs}; int16-range samples. */
        WESPEAKER("feats", "embs"),
        /** 3D-Speaker: {@code x} → {@code embedding}; [-1, 1] samples. */
        THREE_D_SPEAKER("x", "embedding");

        private final String input;
        private final String output;

        Flavour(String input, String output) {
            this.input = input;
            this.output = output;
        }
    }

    /** Mel bands the models read. */
    public static final int BANDS = 80;
    /** Metadata key: 1 when the model wants [-1, 1] samples, 0 for int16 range (sherpa-onnx). */
    public static final String NORMALIZE_SAMPLES = "normalize_samples";
    static final String EXPECTED = "WeSpeaker (input 'feats' float (B, T, 80), output 'embs' float (B, D)) or"
            + " 3D-Speaker (input 'x' float (B, T, 80), output 'embedding' float (B, D))";

    private final OrtSession session;
    private final String source;
    private final Flavour flavour;
    private final float sampleScale;
    private final int dimension;

    private EmbeddingModel(OrtSession session, String source, Flavour flavour, float sampleScale, int dimension) {
        this.session = session;
        this.source = source;
        this.flavour = flavour;
        this.sampleScale = sampleScale;
        this.dimension = dimension;
    }

    /**
     * Loads and checks an embedding model.
     *
     * @throws IOException when the file is missing, not ONNX, or neither signature (the message names what is wrong
     *                     and what was expected)
     */
    public static EmbeddingModel load(Path onnx) throws IOException {
        OrtSession session = OnnxSessions.open(onnx, "speaker embedding model");
        return OnnxSessions.checked(session, onnx.toString(), "speaker embedding model", s -> {
            String context = OnnxSessions.found(s.getInputInfo(), s.getOutputInfo()) + "; expected " + EXPECTED;
            Flavour flavour = s.getInputInfo().containsKey(Flavour.WESPEAKER.input) ? Flavour.WESPEAKER
                    : s.getInputInfo().containsKey(Flavour.THREE_D_SPEAKER.input) ? Flavour.THREE_D_SPEAKER
                    : null;
            if (flavour == null) {
                throw new IllegalArgumentException("no input 'feats' or 'x'" + context);
            }
            OnnxSessions.tensor(s.getInputInfo(), "input", flavour.input, OnnxJavaType.FLOAT,
                    new long[] {-1, -1, BANDS}, context);
            TensorInfo out = OnnxSessions.tensor(s.getOutputInfo(), "output", flavour.output, OnnxJavaType.FLOAT,
                    new long[] {-1, -1}, context);
            int normalize = PowersetDecoding.intValue(OnnxSessions.metadata(s), NORMALIZE_SAMPLES,
                    flavour == Flavour.WESPEAKER ? 0 : 1);
            int dim = (int) out.getShape()[1];
            return new EmbeddingModel(s, onnx.toString(), flavour, normalize != 0 ? 1f : 32768f, dim > 0 ? dim : -1);
        });
    }

    /** Which signature the model has. */
    public Flavour flavour() {
        return flavour;
    }

    /** What to multiply [-1, 1] samples by before the fbank. */
    public float sampleScale() {
        return sampleScale;
    }

    /** The embedding size, or -1 when the model leaves it symbolic (then it shows in {@link #embed}'s result). */
    public int dimension() {
        return dimension;
    }

    /**
     * The embedding of one utterance.
     *
     * @param features {@code frames x 80} mean-normalised fbank, row-major, from position 0
     */
    public float[] embed(FloatBuffer features, int frames) {
        return OnnxSessions.run(session, flavour.input, features, new long[] {1, frames, BANDS}, flavour.output,
                source + ": embedding");
    }

    /** Where the model came from. */
    public String source() {
        return source;
    }

    @Override
    public void close() {
        OnnxSessions.closeQuietly(session);
    }

    @Override
    public String toString() {
        return "EmbeddingModel[" + source + ", " + flavour + ", D=" + dimension + "]";
    }
}
