package dev.steno.engine.policy.alignatt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Groups decoded tokens into units of complete UTF-8 text: a character split over several byte-level tokens becomes
 * one unit, so word splitting and timing see whole characters. A trailing token sequence that ends inside a
 * character is left out (held back until a later step completes it).
 */
final class TokenUnits {
    /** Text of tokens {@code [from, to)}. */
    record Unit(String text, int from, int to) {
    }

    private TokenUnits() {
    }

    /** The units of {@code tokens[0..count)}; their {@code to} of the last unit is where complete text ends. */
    static List<Unit> of(AlignAttModel model, int[] tokens, int count) {
        List<Unit> units = new ArrayList<>(count);
        byte[] pending = new byte[16];
        int pendingLength = 0;
        int from = 0;
        for (int i = 0; i < count; i++) {
            byte[] b = model.tokenBytes(tokens[i]);
            if (pendingLength + b.length > pending.length) {
                pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + b.length));
            }
            System.arraycopy(b, 0, pending, pendingLength, b.length);
            pendingLength += b.length;
            if (complete(pending, pendingLength)) {
                units.add(new Unit(new String(pending, 0, pendingLength, StandardCharsets.UTF_8), from, i + 1));
                pendingLength = 0;
                from = i + 1;
            }
        }
        return units;
    }

    /**
     * Whether {@code b[0..n)} does not end inside a character: the last lead byte within the final three bytes
     * announces no more continuation bytes than follow it. Malformed sequences count as complete (they decode to
     * U+FFFD; holding them back would never end).
     */
    static boolean complete(byte[] b, int n) {
        for (int back = 1; back <= Math.min(4, n); back++) {
            int v = b[n - back] & 0xFF;
            if ((v & 0xC0) == 0x80) {
                continue; // continuation byte: keep looking for the lead
            }
            int need = (v & 0xE0) == 0xC0 ? 2 : (v & 0xF0) == 0xE0 ? 3 : (v & 0xF8) == 0xF0 ? 4 : 1;
            return back >= need;
        }
        return true;
    }
}
