package dev.steno.engine.whisper;

/** The arithmetic of an ONNX encoder graph ({@link OnnxEncoderGraph}). */
public enum EncoderPrecision {
    /** The ggml weights widened to f32, standard operators: the Java encoder's results to rounding. */
    F32("onnx"),
    /**
     * Weights and activations in binary16, standard operators: for GPUs (half the memory, tensor cores); an f16
     * ggml file's weights go in unchanged. Results within about 1e-2 of f32.
     */
    F16("onnx-f16"),
    /** Weights int8 per output column, activations quantised per call (onnxruntime's VNNI/AMX kernels). */
    INT8("onnx-int8");

    private final String label;

    EncoderPrecision(String label) {
        this.label = label;
    }

    /** The {@code --encoder} name of this precision. */
    public String label() {
        return label;
    }
}
