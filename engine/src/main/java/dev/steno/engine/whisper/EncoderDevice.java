package dev.steno.engine.whisper;

import java.util.Locale;

/**
 * Where an ONNX encoder runs: {@code cpu}, {@code cuda[:N]} (fails with a message naming what is missing when CUDA is
 * unavailable) or {@code auto} (CUDA device 0 when available, else the CPU, saying so in the log).
 *
 * @param kind   what was asked for
 * @param device the CUDA device index (0 unless {@code cuda:N})
 */
public record EncoderDevice(Kind kind, int device) {
    /** The choices of {@code --encoder-device}. */
    public enum Kind {
        /** onnxruntime's CPU kernels. */
        CPU,
        /** The CUDA execution provider, required. */
        CUDA,
        /** CUDA when this process can use it, else the CPU. */
        AUTO
    }

    /** The CPU. */
    public static final EncoderDevice CPU = new EncoderDevice(Kind.CPU, 0);

    public EncoderDevice {
        if (device < 0) {
            throw new IllegalArgumentException("CUDA device index must be >= 0, was " + device);
        }
    }

    /**
     * Parses {@code cpu}, {@code cuda}, {@code cuda:N} or {@code auto}.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static EncoderDevice parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        switch (t) {
            case "cpu":
                return CPU;
            case "auto":
                return new EncoderDevice(Kind.AUTO, 0);
            case "cuda":
            case "gpu":
                return new EncoderDevice(Kind.CUDA, 0);
            default:
                if (t.startsWith("cuda:")) {
                    try {
                        return new EncoderDevice(Kind.CUDA, Integer.parseInt(t.substring(5)));
                    } catch (IllegalArgumentException e) {
                        // falls through to the message below
                    }
                }
                throw new IllegalArgumentException("encoder device '" + text + "' is not one of cpu, cuda, cuda:N"
                        + " (N a device index, 0 first) or auto");
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case CPU -> "cpu";
            case AUTO -> "auto";
            case CUDA -> "cuda:" + device;
        };
    }
}
