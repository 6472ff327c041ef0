package dev.steno.engine.diarization.diart;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.steno.engine.onnx.OnnxSessions;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * A pyannote segmentation-3.0 model as sherpa-onnx exports it: input {@code x} float (N, 1, samples) at 16 kHz,
 * output {@code y} float (N, frames, classes), a log-softmax over the {@link PowersetDecoding powerset} classes per
 * frame. One onnxruntime session shared by every stream; {@link #run} may be called from many threads at once.
 *
 * <p>The input length is the static one of the {@code x} shape (160000, 10 s, in the sherpa-onnx export), else the
 * {@code window_size} metadata, else free (a dynamic model takes the window as it is). Decoding and frame timing come
 * from the metadata ({@code num_speakers}, {@code powerset_max_classes}, {@code num_classes},
 * {@code receptive_field_size}, {@code receptive_field_shift}) with segmentation-3.0's values where absent.
 */
public final class SegmentationModel implements AutoCloseable {
    /** Metadata key of the input length in samples. */
    public static final String WINDOW_SIZE = "window_size";
    static final String EXPECTED = "input 'x' float (N, 1, samples) and output 'y' float (N, frames, classes)"
            + " (pyannote segmentation-3.0 as sherpa-onnx exports it)";

    private final OrtSession session;
    private final String source;
    private final int inputSamples;
    private final PowersetDecoding decoding;
    private final FrameTiming timing;

    private SegmentationModel(OrtSession session, String source, int inputSamples, PowersetDecoding decoding,
            FrameTiming timing) {
        this.session = session;
        this.source = source;
        this.inputSamples = inputSamples;
        this.decoding = decoding;
        this.timing = timing;
    }

    /**
     * Loads and checks a segmentation model.
     *
     * @throws IOException when the file is missing, not ONNX, or its signature or metadata is not a segmentation
     *                     model's (the message names what is wrong and what was expected)
     */
    public static SegmentationModel load(Path onnx) throws IOException {
        OrtSession session = OnnxSessions.open(onnx, "pyannote segmentation model");
        return OnnxSessions.checked(session, onnx.toString(), "pyannote segmentation model", s -> {
            String found = OnnxSessions.found(s.getInputInfo(), s.getOutputInfo());
            TensorInfo x = OnnxSessions.tensor(s.getInputInfo(), "input", "x", OnnxJavaType.FLOAT,
                    new long[] {-1, 1, -1}, found + "; expected " + EXPECTED);
            OnnxSessions.tensor(s.getOutputInfo(), "output", "y", OnnxJavaType.FLOAT, new long[] {-1, -1, -1},
                    found + "; expected " + EXPECTED);
            Map<String, String> meta = OnnxSessions.metadata(s);
            PowersetDecoding decoding = PowersetDecoding.fromMetadata(meta);
            OnnxSessions.tensor(s.getOutputInfo(), "output", "y", OnnxJavaType.FLOAT,
                    new long[] {-1, -1, decoding.classCount()}, "; expected output 'y' float (N, frames, "
                    + decoding.classCount() + ") for " + decoding);
            long fixed = x.getShape()[2];
            int samples = fixed > 0 ? Math.toIntExact(fixed) : PowersetDecoding.intValue(meta, WINDOW_SIZE, -1);
            return new SegmentationModel(s, onnx.toString(), samples, decoding, FrameTiming.fromMetadata(meta));
        });
    }

    /** The input length the model wants in samples, or -1 when it takes any length. */
    public int inputSamples() {
        return inputSamples;
    }

    /** How to turn the output classes into local speaker activities. */
    public PowersetDecoding decoding() {
        return decoding;
    }

    /** Where the output frames sit in the input. */
    public FrameTiming timing() {
        return timing;
    }

    /**
     * Runs the model on one input of {@code samples} samples ({@link #inputSamples()} when fixed).
     *
     * @param input the samples; its position and limit are left alone
     * @return the log-probabilities, {@code frames x classCount}, row-major
     */
    public float[] run(FloatBuffer input, int samples) {
        if (inputSamples > 0 && samples != inputSamples) {
            throw new IllegalArgumentException("the model takes " + inputSamples + " samples, not " + samples);
        }
        float[] logProbs = OnnxSessions.run(session, "x", input, new long[] {1, 1, samples}, "y",
                source + ": segmentation");
        if (logProbs.length % decoding.classCount() != 0) {
            throw new IllegalStateException(source + " returned " + logProbs.length + " values, not frames of "
                    + decoding.classCount() + " classes");
        }
        return logProbs;
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
        return "SegmentationModel[" + source + ", " + (inputSamples > 0 ? inputSamples + " samples" : "any length")
                + ", " + decoding + ", " + timing + "]";
    }
}
