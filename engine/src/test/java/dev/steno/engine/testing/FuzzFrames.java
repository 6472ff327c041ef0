package dev.steno.engine.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How fuzz inputs carry a sequence of messages (datagrams, WebSocket frames): each one as a two-byte big-endian
 * length and that many bytes; a length running past the end takes what is left. Text protocols use lines instead
 * ({@link #lines}), so that their seed files stay readable.
 */
public final class FuzzFrames {
    private FuzzFrames() {
    }

    /** The frames of a length-prefixed input; a lone trailing byte is one frame of that byte. */
    public static List<byte[]> split(byte[] input) {
        List<byte[]> frames = new ArrayList<>();
        int p = 0;
        while (p < input.length) {
            if (p + 1 == input.length) {
                frames.add(new byte[] {input[p]});
                break;
            }
            int n = (input[p] & 0xFF) << 8 | input[p + 1] & 0xFF;
            int from = p + 2;
            int to = (int) Math.min(input.length, (long) from + n);
            frames.add(Arrays.copyOfRange(input, from, to));
            p = to;
        }
        return frames;
    }

    /** The input {@link #split} reads back as {@code frames} (for writing seeds). */
    public static byte[] join(List<byte[]> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] f : frames) {
            if (f.length > 0xFFFF) {
                throw new IllegalArgumentException("frame of " + f.length + " bytes does not fit a 16-bit length");
            }
            out.write(f.length >> 8);
            out.write(f.length);
            out.writeBytes(f);
        }
        return out.toByteArray();
    }

    /** The lines of a text input, decoded as UTF-8 (malformed bytes become U+FFFD), line ends dropped. */
    public static List<String> lines(byte[] input) {
        return new String(input, StandardCharsets.UTF_8).lines().toList();
    }
}
