package dev.steno.obs.cea608;

/**
 * CEA-608 odd parity: every byte on the wire carries seven data bits and a parity bit (bit 7) chosen so that the
 * byte has an odd number of ones. Decoders (FFmpeg's among them) drop a pair whose parity is wrong.
 */
public final class Parity {
    private Parity() {
    }

    /**
     * The byte as sent: {@code data} (seven bits) with bit 7 set when the data bits hold an even number of ones.
     *
     * @throws IllegalArgumentException when {@code data} is outside 0..0x7F
     */
    public static int withOddParity(int data) {
        if (data < 0 || data > 0x7F) {
            throw new IllegalArgumentException("CEA-608 data byte out of range 0..0x7F: " + data);
        }
        return (Integer.bitCount(data) & 1) == 0 ? data | 0x80 : data;
    }

    /** Whether a received byte (0..0xFF) has odd parity. */
    public static boolean hasOddParity(int wireByte) {
        return (Integer.bitCount(wireByte & 0xFF) & 1) == 1;
    }

    /** A byte pair as one int ({@code first << 8 | second}), both bytes given as seven data bits. */
    public static int pair(int first, int second) {
        return withOddParity(first) << 8 | withOddParity(second);
    }
}
