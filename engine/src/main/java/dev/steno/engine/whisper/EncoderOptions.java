package dev.steno.engine.whisper;

import dev.steno.engine.whisper.nn.ParallelLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Which encoder a Java Whisper model runs ({@code --encoder}), where ({@code --encoder-device}) and where built ONNX
 * graphs are kept.
 *
 * @param precision null for the Java encoder, else the ONNX graph's arithmetic
 * @param device    where an ONNX encoder runs (ignored by the Java encoder)
 * @param cacheDir  folder for built graphs (null: build into a temporary folder at every load)
 */
public record EncoderOptions(EncoderPrecision precision, EncoderDevice device, Path cacheDir) {
    /** The Java encoder. */
    public static final EncoderOptions JAVA = new EncoderOptions(null, EncoderDevice.CPU, null);

    public EncoderOptions {
        Objects.requireNonNull(device, "device");
    }

    /**
     * Parses {@code --encoder} ({@code java}, {@code onnx}, {@code onnx-int8}, {@code onnx-f16}) and {@code --encoder-device}.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static EncoderOptions parse(String encoder, String device, Path cacheDir) {
        EncoderDevice where = EncoderDevice.parse(device);
        String e = encoder == null ? "" : encoder.strip().toLowerCase(Locale.ROOT);
        EncoderPrecision precision = switch (e) {
            case "java" -> null;
            case "onnx" -> EncoderPrecision.F32;
            case "onnx-int8" -> EncoderPrecision.INT8;
            case "onnx-f16" -> EncoderPrecision.F16;
            default -> throw new IllegalArgumentException("encoder '" + encoder + "' is not one of java (the Java"
                    + " Vector API encoder), onnx (onnxruntime, f32) or onnx-int8 (onnxruntime, int8 weights)");
        };
        if (precision == null && where.kind() != EncoderDevice.Kind.CPU) {
            throw new IllegalArgumentException("--encoder-device " + where + " needs --encoder onnx (or onnx-int8):"
                    + " the java encoder runs on the CPU");
        }
        return new EncoderOptions(precision, where, cacheDir);
    }

    /** The {@code --encoder} name: {@code java}, {@code onnx}, {@code onnx-int8} or {@code onnx-f16}. */
    public String name() {
        return precision == null ? "java" : precision.label();
    }

    /**
     * Opens the chosen encoder over loaded weights.
     *
     * @param par             the Java kernels' threads (the Java encoder's)
     * @param concurrentCalls encoder calls that may run at once
     * @throws IOException when an ONNX graph cannot be built or loaded, or the device is unavailable
     */
    public AudioEncoder open(GgmlWhisperFile file, WhisperWeights weights, ParallelLoop par, int concurrentCalls)
            throws IOException {
        if (precision == null) {
            return new WhisperEncoder(weights, par, concurrentCalls);
        }
        return OnnxWhisperEncoder.open(file, weights, precision, device, cacheDir, par.parallelism(),
                concurrentCalls);
    }
}
