package dev.steno.engine.whisper.decode;

import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;

/**
 * OpenAI Whisper's repetition check: UTF-8 bytes of the text divided by the size of their zlib stream (default level,
 * as Python's {@code zlib.compress}). Looping output ("the the the ...") compresses far better than speech; above
 * 2.4 the decoding is retried at a higher temperature.
 */
public final class CompressionRatio {
    private CompressionRatio() {
    }

    /** The ratio for {@code text}; 0 for empty text. */
    public static double of(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0) {
            return 0;
        }
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
        try {
            deflater.setInput(bytes);
            deflater.finish();
            byte[] buf = new byte[bytes.length + 64];
            int total = 0;
            while (!deflater.finished()) {
                total += deflater.deflate(buf);
            }
            return bytes.length / (double) total;
        } finally {
            deflater.end();
        }
    }
}
