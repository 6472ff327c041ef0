package dev.steno.engine.whisper;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Whisper's encoder on onnxruntime: the graph {@link OnnxEncoderGraph} writes from the loaded ggml weights (cached
 * on disk by {@link OnnxEncoderCache}), run on the CPU (f32 or int8) or on a CUDA device. Besides the encoder output
 * it returns the decoder's cross-attention keys and values, so the Java decoder only copies them.
 *
 * <p>Thread-safe: onnxruntime runs concurrent calls on one session; each call's intra-op work uses the session's
 * {@code threads}.
 */
public final class OnnxWhisperEncoder implements AudioEncoder {
    private static final Logger LOG = System.getLogger(OnnxWhisperEncoder.class.getName());
    /** What a CUDA build of onnxruntime needs, for messages. */
    static final String CUDA_NEEDS = "the GPU build of onnxruntime (com.microsoft.onnxruntime:onnxruntime_gpu 1.23.2"
            + " in place of the CPU jar: set STENO_ONNXRUNTIME_JAR to its path), an NVIDIA driver, the CUDA 12"
            + " runtime (libcudart, libcublas, libcufft) and cuDNN 9 on the library path";

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final EncoderPrecision precision;
    private final String device;
    private final int nState;
    private final int nMels;
    private final int maxFrames;
    private final int textLayers;
    private final int textState;
    private final int textHeads;
    private final ConcurrentLinkedQueue<IoBuffers> idle = new ConcurrentLinkedQueue<>();
    private final int concurrentCalls;

    private OnnxWhisperEncoder(OrtSession session, WhisperHyperParams hp, EncoderPrecision precision, String device,
                               int concurrentCalls) {
        this.session = session;
        this.precision = precision;
        this.device = device;
        this.nState = hp.nAudioState();
        this.nMels = hp.nMels();
        this.maxFrames = hp.nAudioCtx();
        this.textLayers = hp.nTextLayer();
        this.textState = hp.nTextState();
        this.textHeads = hp.nTextHead();
        this.concurrentCalls = concurrentCalls;
    }

    /**
     * Opens the encoder of {@code weights} (read from {@code file}) on onnxruntime, building its graph first unless
     * {@code cacheDir} holds it already.
     *
     * @param cacheDir        where built graphs are kept (a folder per model checksum and precision); null builds
     *                        in a temporary folder, deleted once loaded
     * @param threads         intra-op threads of each call (at least 1)
     * @param concurrentCalls calls expected at once (reported by {@link #concurrentCalls()})
     * @throws IOException when the graph cannot be built or loaded, or the device is unavailable (the message says
     *                     what is missing)
     */
    public static OnnxWhisperEncoder open(GgmlWhisperFile file, WhisperWeights weights, EncoderPrecision precision,
            EncoderDevice device, Path cacheDir, int threads, int concurrentCalls) throws IOException {
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(device, "device");
        if (threads < 1 || concurrentCalls < 1) {
            throw new IllegalArgumentException("threads and concurrentCalls must be >= 1: " + threads + ", "
                    + concurrentCalls);
        }
        boolean cuda = useCuda(device);
        try (OnnxEncoderCache.Graph graph = OnnxEncoderCache.graph(file, weights, precision, cacheDir)) {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
                opts.setIntraOpNumThreads(threads);
                opts.setInterOpNumThreads(1);
                // the Java decoder's kernels run on the same cores between encoder calls: idle onnxruntime threads
                // must sleep, not spin (tiny, 8 streams: lag 1.49 s without spinning, 1.75 s with)
                opts.addConfigEntry("session.intra_op.allow_spinning", "0");
                opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                if (cuda) {
                    try {
                        opts.addCUDA(device.device());
                    } catch (OrtException | RuntimeException e) {
                        throw new IOException("cannot start onnxruntime's CUDA provider on device "
                                + device.device() + ": " + e.getMessage() + ". It needs " + CUDA_NEEDS + ".", e);
                    }
                }
                OrtSession session = env.createSession(graph.model().toString(), opts);
                String where = cuda ? "cuda:" + device.device() : "cpu";
                LOG.log(Level.INFO, "Whisper encoder on onnxruntime " + precision.label() + " (" + where + ", "
                        + threads + " threads), graph " + graph.model());
                return new OnnxWhisperEncoder(session, weights.hparams(), precision, where, concurrentCalls);
            } catch (OrtException e) {
                throw new IOException("onnxruntime cannot load the encoder graph " + graph.model() + ": "
                        + e.getMessage(), e);
            }
        }
    }

    /** Whether to ask for CUDA: required for {@code cuda}, when available for {@code auto}. */
    static boolean useCuda(EncoderDevice device) throws IOException {
        if (device.kind() == EncoderDevice.Kind.CPU) {
            return false;
        }
        boolean available = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
        if (available) {
            return true;
        }
        if (device.kind() == EncoderDevice.Kind.AUTO) {
            LOG.log(Level.WARNING, "--encoder-device auto: this onnxruntime has no CUDA provider, the encoder runs on"
                    + " the CPU (CUDA needs " + CUDA_NEEDS + ")");
            return false;
        }
        throw new IOException("--encoder-device " + device + ": the onnxruntime on the class path has no CUDA"
                + " provider (it offers " + OrtEnvironment.getAvailableProviders() + "). CUDA needs " + CUDA_NEEDS
                + "; --encoder-device auto falls back to the CPU.");
    }

    @Override
    public int maxFrames() {
        return maxFrames;
    }

    @Override
    public int width() {
        return nState;
    }

    @Override
    public int concurrentCalls() {
        return concurrentCalls;
    }

    @Override
    public String name() {
        return precision.label();
    }

    /** Where the graph runs: {@code cpu} or {@code cuda:N}. */
    public String device() {
        return device;
    }

    @Override
    public void encode(float[] mel, int frames, float[] out) {
        run(mel, frames, out, null);
    }

    @Override
    public boolean encode(float[] mel, int frames, float[] out, CrossKeysValues cross) {
        if (cross != null && cross.layers() != textLayers) {
            throw new IllegalArgumentException("cross keys and values for " + cross.layers() + " layers, the model has "
                    + textLayers);
        }
        run(mel, frames, out, cross);
        return cross != null;
    }

    private void run(float[] mel, int frames, float[] out, CrossKeysValues cross) {
        if (frames < 1 || frames > maxFrames) {
            throw new IllegalArgumentException("frames " + frames + " outside 1.." + maxFrames);
        }
        int melValues = nMels * 2 * frames;
        if (mel.length < melValues || out.length < frames * nState) {
            throw new IllegalArgumentException("mel or out too short for " + frames + " frames");
        }
        IoBuffers io = idle.poll();
        if (io == null) {
            io = new IoBuffers();
        }
        try {
            io.ensure(frames, cross != null);
            io.mel.put(0, mel, 0, melValues);
            int n = frames * textState;
            Map<String, OnnxTensor> inputs = new HashMap<>(2);
            Map<String, OnnxTensor> outputs = new HashMap<>();
            try {
                inputs.put(OnnxEncoderGraph.INPUT, OnnxTensor.createTensor(env, io.mel.slice(0, melValues),
                        new long[] {1, nMels, 2L * frames}));
                outputs.put(OnnxEncoderGraph.OUTPUT, OnnxTensor.createTensor(env,
                        io.encoded.slice(0, frames * nState), new long[] {frames, nState}));
                if (cross != null) {
                    for (int l = 0; l < textLayers; l++) {
                        outputs.put(OnnxEncoderGraph.crossKeys(l), OnnxTensor.createTensor(env,
                                io.keys[l].slice(0, n), new long[] {textState, frames}, OnnxJavaType.FLOAT16));
                        outputs.put(OnnxEncoderGraph.crossValues(l), OnnxTensor.createTensor(env,
                                io.values[l].slice(0, n), new long[] {textHeads, frames, textState / textHeads},
                                OnnxJavaType.FLOAT16));
                    }
                }
                // outputs written in place into this call's buffers: nothing is allocated per call but the
                // wrappers
                session.run(inputs, Set.of(), outputs).close();
            } finally {
                inputs.values().forEach(OnnxTensor::close);
                outputs.values().forEach(OnnxTensor::close);
            }
            io.encoded.get(0, out, 0, frames * nState);
            if (cross != null) {
                cross.resize(frames);
                for (int l = 0; l < textLayers; l++) {
                    io.keys[l].get(0, cross.keys(l), 0, n);
                    io.values[l].get(0, cross.values(l), 0, n);
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("onnxruntime encoder (" + precision.label() + ", " + device
                    + ") failed on " + frames + " frames: " + e.getMessage(), e);
        } finally {
            idle.add(io);
        }
    }

    /**
     * One call's input and output memory, native (onnxruntime reads and writes it in place), grown to the largest
     * window seen and reused by later calls; at most one set per concurrent call exists.
     */
    private final class IoBuffers {
        private FloatBuffer mel = FloatBuffer.allocate(0);
        private FloatBuffer encoded = FloatBuffer.allocate(0);
        private final ShortBuffer[] keys = new ShortBuffer[textLayers];
        private final ShortBuffer[] values = new ShortBuffer[textLayers];
        private int capacity;
        private boolean withCross;

        void ensure(int frames, boolean cross) {
            if (frames <= capacity && (withCross || !cross)) {
                return;
            }
            // grow by half at least: a streaming window grows a little every step
            int c = Math.max(frames, Math.min(maxFrames, capacity + capacity / 2));
            mel = direct(nMels * 2L * c * Float.BYTES).asFloatBuffer();
            encoded = direct((long) c * nState * Float.BYTES).asFloatBuffer();
            if (cross || withCross) {
                for (int l = 0; l < textLayers; l++) {
                    keys[l] = direct((long) c * textState * 2).asShortBuffer();
                    values[l] = direct((long) c * textState * 2).asShortBuffer();
                }
                withCross = true;
            }
            capacity = c;
        }
    }

    private static ByteBuffer direct(long bytes) {
        return ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            LOG.log(Level.DEBUG, "closing the encoder session", e);
        }
    }
}
