package dev.steno.engine.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Opening the engine's onnxruntime sessions and checking their signatures, with messages that name the file, what it
 * should have been and what is missing or wrong.
 *
 * <p>Every session runs with one intra-op and one inter-op thread, sequentially: a session is shared by all streams,
 * whose calls come from many threads at once, and a per-call thread pool would only make them fight.
 */
public final class OnnxSessions {
    private OnnxSessions() {
    }

    /**
     * Opens a model file.
     *
     * @param what what the file should be, for messages ("pyannote segmentation model")
     * @throws NoSuchFileException when there is no such file
     * @throws IOException         when onnxruntime cannot load it (not ONNX, truncated)
     */
    public static OrtSession open(Path file, String what) throws IOException {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, what + " file not found");
        }
        return open(file.toString(), what, (env, opts) -> env.createSession(file.toAbsolutePath().toString(), opts));
    }

    /**
     * Opens a model held in memory (one shipped as a class-path resource).
     *
     * @param source where the bytes came from, for messages
     * @param what   what the model should be, for messages
     * @throws IOException when onnxruntime cannot load the bytes
     */
    public static OrtSession open(byte[] model, String source, String what) throws IOException {
        Objects.requireNonNull(model, "model");
        return open(source, what, (env, opts) -> env.createSession(model, opts));
    }

    private interface Opener {
        OrtSession open(OrtEnvironment env, OrtSession.SessionOptions opts) throws OrtException;
    }

    private static OrtSession open(String source, String what, Opener opener) throws IOException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            opts.setInterOpNumThreads(1);
            opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return opener.open(env, opts);
        } catch (OrtException e) {
            throw new IOException("cannot load " + source + " as an ONNX model (expected a " + what + "): it is not"
                    + " an ONNX model onnxruntime can load: " + e.getMessage(), e);
        }
    }

    /** Reads a signature off a freshly opened session. */
    @FunctionalInterface
    public interface SignatureReader<T> {
        /**
         * Reads what the caller needs.
         *
         * @throws IllegalArgumentException saying what is missing or wrong
         */
        T read(OrtSession session) throws OrtException;
    }

    /**
     * Reads the signature of a freshly opened session; when it is wrong, closes the session and says why.
     *
     * @param source where the model came from, for messages
     * @param what   what the model should be, for messages ("streaming Sortformer model")
     * @throws IOException when {@code reader} throws {@link IllegalArgumentException} ({@code <source> is not a
     *                     <what>: <its message>}) or onnxruntime cannot describe the model
     */
    public static <T> T checked(OrtSession session, String source, String what, SignatureReader<T> reader)
            throws IOException {
        try {
            return reader.read(session);
        } catch (IllegalArgumentException e) {
            closeQuietly(session);
            throw new IOException(source + " is not a " + what + ": " + e.getMessage(), e);
        } catch (OrtException e) {
            closeQuietly(session);
            throw new IOException("cannot read the signature of " + source + ": " + e.getMessage(), e);
        }
    }

    /**
     * The tensor {@code name} of {@code nodes}, checked for its element type and shape.
     *
     * @param role    "input" or "output", for the message
     * @param want    the expected shape; a negative size accepts any, and a symbolic size in the model fits any
     * @param context appended to a message, e.g. {@link #found} and the whole expected signature
     * @return the tensor's description; every fixed size in its shape fits an {@code int}
     * @throws IllegalArgumentException {@code no input 'x'} or {@code input 'x' is float32 (1, ?, 80), expected
     *                                  float32 (1, ?, 128)}, followed by {@code context}; also for a size beyond
     *                                  {@link Integer#MAX_VALUE}, which no tensor this engine passes can have
     */
    public static TensorInfo tensor(Map<String, NodeInfo> nodes, String role, String name, OnnxJavaType type,
            long[] want, String context) {
        NodeInfo node = nodes.get(name);
        if (node == null) {
            throw new IllegalArgumentException("no " + role + " '" + name + "'" + context);
        }
        if (!(node.getInfo() instanceof TensorInfo info)) {
            throw new IllegalArgumentException(role + " '" + name + "' is not a tensor" + context);
        }
        long[] shape = info.getShape();
        for (long size : shape) {
            if (size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(role + " '" + name + "' declares a size of " + size + " in "
                        + shapeText(shape) + ", beyond what a tensor can hold: the model is damaged" + context);
            }
        }
        boolean ok = info.type == type && shape.length == want.length;
        for (int i = 0; ok && i < want.length; i++) {
            ok = want[i] < 0 || shape[i] < 0 || shape[i] == want[i];
        }
        if (!ok) {
            throw new IllegalArgumentException(role + " '" + name + "' is " + typeName(info.type) + " "
                    + shapeText(shape) + ", expected " + typeName(type) + " " + shapeText(want) + context);
        }
        return info;
    }

    /** {@code " (found inputs [a float32 (1, ?)], outputs [...])"}: what a model has, for messages. */
    public static String found(Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs) {
        return " (found inputs " + describe(inputs) + ", outputs " + describe(outputs) + ")";
    }

    /** The nodes by name, each with its type and shape: {@code [x float32 (?, 1, 160000), ...]}. */
    public static String describe(Map<String, NodeInfo> nodes) {
        List<String> parts = new ArrayList<>();
        for (NodeInfo n : new TreeMap<>(nodes).values()) {
            parts.add(n.getInfo() instanceof TensorInfo t ? n.getName() + " " + typeName(t.type) + " "
                    + shapeText(t.getShape()) : n.getName() + " (not a tensor)");
        }
        return parts.toString();
    }

    private static String typeName(OnnxJavaType t) {
        return switch (t) {
            case FLOAT -> "float32";
            case INT64 -> "int64";
            default -> t.name().toLowerCase(Locale.ROOT);
        };
    }

    /** A shape as PyTorch prints it, symbolic sizes as {@code ?}: {@code (1, ?, 128)}, {@code (1,)}. */
    private static String shapeText(long[] shape) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            b.append(i > 0 ? ", " : "").append(shape[i] < 0 ? "?" : Long.toString(shape[i]));
        }
        return b.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /**
     * The model's custom metadata; empty when it has none or onnxruntime cannot read it. An entry onnxruntime hands
     * back without a key or a value (a NUL byte in its name or value cuts the C string) is left out, as if absent.
     */
    public static Map<String, String> metadata(OrtSession session) {
        Map<String, String> raw;
        try {
            raw = session.getMetadata().getCustomMetadata();
        } catch (OrtException e) {
            return Map.of();
        }
        Map<String, String> usable = new TreeMap<>();
        raw.forEach((key, value) -> {
            if (key != null && value != null) {
                usable.put(key, value);
            }
        });
        return Map.copyOf(usable);
    }

    /**
     * Runs a one-input, one-output float model on {@code data} (read from position 0, shape {@code shape}).
     *
     * @param what what is being done, for the message of a failure ("segmentation")
     * @return the output's values, row-major
     * @throws IllegalStateException when onnxruntime fails
     */
    public static float[] run(OrtSession session, String input, FloatBuffer data, long[] shape, String output,
            String what) {
        long size = 1;
        for (long d : shape) {
            size *= d;
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor x = OnnxTensor.createTensor(env, data.duplicate().rewind().limit(Math.toIntExact(size)),
                shape);
                OrtSession.Result out = session.run(Map.of(input, x))) {
            FloatBuffer buf = ((OnnxTensor) out.get(output).orElseThrow()).getFloatBuffer();
            float[] values = new float[buf.remaining()];
            buf.get(values);
            return values;
        } catch (OrtException e) {
            throw new IllegalStateException(what + " failed on input " + Arrays.toString(shape) + ": "
                    + e.getMessage(), e);
        }
    }

    /** Closes a session; a failure to close is only logged, as there is nothing a caller could do about it. */
    public static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException e) {
            System.getLogger(OnnxSessions.class.getName()).log(System.Logger.Level.DEBUG, "closing session", e);
        }
    }
}
