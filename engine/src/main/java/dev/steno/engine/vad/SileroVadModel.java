package dev.steno.engine.vad;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.steno.engine.onnx.OnnxSessions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A loaded Silero VAD ONNX model: one onnxruntime session shared by every stream.
 *
 * <p>Two input signatures are recognised from the model's input names:
 * <ul>
 *   <li>{@link Signature#V5} (Silero v5 and v6): {@code input} float [B, context + window] (64 samples of context
 *       from the previous window plus 512 new ones at 16 kHz; 32 + 256 at 8 kHz), {@code state} float [2, B, 128],
 *       {@code sr} int64 scalar; outputs {@code output} [B, 1] and {@code stateN};</li>
 *   <li>{@link Signature#V4}: {@code input} float [B, window] (no context), {@code sr}, {@code h} and {@code c}
 *       float [2, B, 64]; outputs {@code output}, {@code hn}, {@code cn}.</li>
 * </ul>
 *
 * <p>Thread safety: the session is immutable and onnxruntime's {@code run} may be called from many threads at once,
 * so one model serves any number of {@link VadStream}s. The session runs with one intra-op and one inter-op thread:
 * the network is tiny (about 0.2 MFLOP per window) and many concurrent streams would only fight over a thread pool.
 * Each stream owns its recurrent state and must be used by one thread at a time.
 */
public final class SileroVadModel implements AutoCloseable {
    /** The recognised input signatures. */
    public enum Signature {
        /** Silero v4: inputs input, sr, h, c. */
        V4,
        /** Silero v5 and v6: inputs input, state, sr. */
        V5
    }

    private static final Set<String> V5_INPUTS = Set.of("input", "state", "sr");
    private static final Set<String> V4_INPUTS = Set.of("input", "sr", "h", "c");
    private static final String WHAT = "Silero VAD model";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final Signature signature;
    private final String source;

    private SileroVadModel(OrtEnvironment env, OrtSession session, Signature signature, String source) {
        this.env = env;
        this.session = session;
        this.signature = signature;
        this.source = source;
    }

    /**
     * Loads a Silero VAD model.
     *
     * @param onnx the {@code .onnx} file
     * @throws NoSuchFileException when the file does not exist
     * @throws IOException         when it is not an ONNX model onnxruntime can load, or not a Silero VAD model (the
     *                             message names the inputs found)
     */
    public static SileroVadModel load(Path onnx) throws IOException {
        Objects.requireNonNull(onnx, "onnx");
        return create(onnx.toString(), OnnxSessions.open(onnx, WHAT));
    }

    /**
     * Loads the Silero VAD v6.2 model that ships inside the engine jar (MIT licence beside it), so voice activity
     * works offline with no download. It is {@link VadModelCatalog#BUNDLED}: the same bytes as the official file.
     *
     * @throws IOException when the resource is missing from the class path (a broken build)
     */
    public static SileroVadModel loadBundled() throws IOException {
        byte[] bytes;
        try (InputStream in = SileroVadModel.class.getResourceAsStream(BUNDLED_RESOURCE)) {
            if (in == null) {
                throw new IOException("the bundled Silero VAD model " + BUNDLED_RESOURCE + " is missing from the"
                        + " class path; pass --vad-model-path FILE");
            }
            bytes = in.readAllBytes();
        }
        String source = "bundled " + VadModelCatalog.BUNDLED.fileName();
        return create(source, OnnxSessions.open(bytes, source, WHAT));
    }

    /** Where the bundled model lives on the class path. */
    static final String BUNDLED_RESOURCE = "/dev/steno/engine/vad/" + VadModelCatalog.BUNDLED.fileName();

    private static SileroVadModel create(String source, OrtSession session) throws IOException {
        Signature sig;
        try {
            sig = detectSignature(session.getInputNames());
        } catch (IllegalArgumentException e) {
            // detectSignature's message already says "not a Silero VAD model"
            OnnxSessions.closeQuietly(session);
            throw new IOException(source + ": " + e.getMessage(), e);
        }
        return new SileroVadModel(OrtEnvironment.getEnvironment(), session, sig, source);
    }

    /**
     * The signature a set of model input names belongs to.
     *
     * @throws IllegalArgumentException when the names match neither Silero signature
     */
    public static Signature detectSignature(Set<String> inputNames) {
        Objects.requireNonNull(inputNames, "inputNames");
        if (inputNames.equals(V5_INPUTS)) {
            return Signature.V5;
        }
        if (inputNames.equals(V4_INPUTS)) {
            return Signature.V4;
        }
        throw new IllegalArgumentException("not a Silero VAD model: expected inputs input/state/sr (v5, v6) or"
                + " input/sr/h/c (v4), found " + new TreeSet<>(inputNames));
    }

    /**
     * A new stream with zero state and context.
     *
     * @param sampleRate 16000 or 8000
     * @throws IllegalArgumentException for any other rate
     */
    public VadStream newStream(int sampleRate) {
        if (sampleRate != 16000 && sampleRate != 8000) {
            throw new IllegalArgumentException("Silero VAD works at 16000 or 8000 Hz, not " + sampleRate
                    + "; resample the audio first");
        }
        try {
            return new VadStream(this, sampleRate);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot allocate VAD tensors: " + e.getMessage(), e);
        }
    }

    /** Which input signature the model has. */
    public Signature signature() {
        return signature;
    }

    /** Where the model came from: the file's path, or {@code bundled <file name>} for {@link #loadBundled()}. */
    public String source() {
        return source;
    }

    OrtEnvironment env() {
        return env;
    }

    OrtSession session() {
        return session;
    }

    /** Closes the session; streams of this model must not be used afterwards. */
    @Override
    public void close() {
        OnnxSessions.closeQuietly(session);
    }

    @Override
    public String toString() {
        return "SileroVadModel[" + source + ", " + signature + "]";
    }
}
