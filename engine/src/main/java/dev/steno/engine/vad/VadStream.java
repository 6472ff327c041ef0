package dev.steno.engine.vad;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One audio stream's view of a {@link SileroVadModel}: the recurrent state and the context carried from window to
 * window. Create with {@link SileroVadModel#newStream}.
 *
 * <p>Each call to {@link #probability} takes exactly {@link #windowSize()} new samples (512 at 16 kHz, 256 at
 * 8 kHz). For v5/v6 models the last {@link #contextSize()} samples of the previous window (zeros at first) are put in
 * front of them, as the official wrapper does.
 *
 * <p>All tensors live in direct buffers allocated once: the inputs are rewritten in place, and the outputs are
 * written by onnxruntime into pinned tensors, the recurrent state alternating between two buffers, so a call
 * allocates nothing but onnxruntime's small result wrapper.
 *
 * <p>Not thread-safe: use a stream from one thread at a time. Many streams may share one model concurrently.
 */
public final class VadStream implements AutoCloseable {
    private final SileroVadModel model;
    private final int sampleRate;
    private final int window;
    private final int context;
    private final float[] contextSamples;

    private final FloatBuffer inputBuf;
    private final FloatBuffer outBuf;
    /** State buffers (v5: state; v4: h then c), index 0 and 1 alternate between input and output. */
    private final FloatBuffer[] stateBufs;
    private final List<OnnxTensor> tensors = new ArrayList<>();
    /** Input and pinned-output maps for the two phases of the state ping-pong. */
    private final Map<String, OnnxTensor>[] inputs;
    private final Map<String, OnnxValue>[] outputs;
    private int phase;
    private boolean closed;

    @SuppressWarnings("unchecked")
    VadStream(SileroVadModel model, int sampleRate) throws OrtException {
        this.model = model;
        this.sampleRate = sampleRate;
        this.window = sampleRate == 16000 ? 512 : 256;
        boolean v5 = model.signature() == SileroVadModel.Signature.V5;
        this.context = v5 ? (sampleRate == 16000 ? 64 : 32) : 0;
        this.contextSamples = new float[context];
        OrtEnvironment env = model.env();
        try {
            inputBuf = floats(context + window);
            OnnxTensor input = tensor(env, inputBuf, new long[] {1, context + window});
            LongBuffer srBuf = ByteBuffer.allocateDirect(Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
            srBuf.put(0, sampleRate);
            OnnxTensor sr = track(OnnxTensor.createTensor(env, srBuf, new long[0]));
            outBuf = floats(1);
            OnnxTensor out = tensor(env, outBuf, new long[] {1, 1});
            inputs = new Map[2];
            outputs = new Map[2];
            if (v5) {
                long[] shape = {2, 1, 128};
                stateBufs = new FloatBuffer[] {floats(256), floats(256)};
                OnnxTensor s0 = tensor(env, stateBufs[0], shape);
                OnnxTensor s1 = tensor(env, stateBufs[1], shape);
                inputs[0] = Map.of("input", input, "state", s0, "sr", sr);
                outputs[0] = Map.of("output", out, "stateN", s1);
                inputs[1] = Map.of("input", input, "state", s1, "sr", sr);
                outputs[1] = Map.of("output", out, "stateN", s0);
            } else {
                long[] shape = {2, 1, 64};
                stateBufs = new FloatBuffer[] {floats(128), floats(128), floats(128), floats(128)};
                OnnxTensor h0 = tensor(env, stateBufs[0], shape);
                OnnxTensor c0 = tensor(env, stateBufs[1], shape);
                OnnxTensor h1 = tensor(env, stateBufs[2], shape);
                OnnxTensor c1 = tensor(env, stateBufs[3], shape);
                inputs[0] = Map.of("input", input, "sr", sr, "h", h0, "c", c0);
                outputs[0] = Map.of("output", out, "hn", h1, "cn", c1);
                inputs[1] = Map.of("input", input, "sr", sr, "h", h1, "c", c1);
                outputs[1] = Map.of("output", out, "hn", h0, "cn", c0);
            }
        } catch (OrtException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private static FloatBuffer floats(int n) {
        return ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private OnnxTensor tensor(OrtEnvironment env, FloatBuffer buf, long[] shape) throws OrtException {
        // A direct buffer in native order is shared with the tensor, not copied: writes to it reach the model.
        return track(OnnxTensor.createTensor(env, buf, shape));
    }

    private OnnxTensor track(OnnxTensor t) {
        tensors.add(t);
        return t;
    }

    /**
     * The speech probability of the next window, advancing the stream's state.
     *
     * @param samples holds at least {@link #windowSize()} samples from {@code off}
     * @param off     where the window starts
     * @return the probability in [0, 1]
     */
    public float probability(float[] samples, int off) {
        Objects.checkFromIndexSize(off, window, samples.length);
        if (closed) {
            throw new IllegalStateException("VAD stream is closed");
        }
        inputBuf.put(0, contextSamples, 0, context);
        inputBuf.put(context, samples, off, window);
        int p = phase;
        try (OrtSession.Result ignored = model.session().run(inputs[p], outputs[p])) {
            // The outputs are pinned: onnxruntime wrote them into outBuf and the other state buffer(s).
        } catch (OrtException e) {
            throw new IllegalStateException("Silero VAD inference failed: " + e.getMessage(), e);
        }
        phase = 1 - p;
        if (context > 0) {
            System.arraycopy(samples, off + window - context, contextSamples, 0, context);
        }
        return outBuf.get(0);
    }

    /** Clears the recurrent state and the context, as for a new stream. */
    public void reset() {
        for (FloatBuffer b : stateBufs) {
            for (int i = 0; i < b.capacity(); i++) {
                b.put(i, 0f);
            }
        }
        Arrays.fill(contextSamples, 0f);
        phase = 0;
    }

    /** New samples per call: 512 at 16 kHz, 256 at 8 kHz. */
    public int windowSize() {
        return window;
    }

    /** Samples of the previous window put in front of each new one: 64 at 16 kHz, 32 at 8 kHz, 0 for v4. */
    public int contextSize() {
        return context;
    }

    /** The stream's sample rate. */
    public int sampleRate() {
        return sampleRate;
    }

    /** Frees the stream's native tensors. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (OnnxTensor t : tensors) {
            t.close();
        }
        tensors.clear();
    }
}
