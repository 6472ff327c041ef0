package dev.steno.obs.cea608;

/**
 * Miscellaneous control codes (first byte {@code 0x14} on CC1, {@code 0x1C} on CC2), the second byte without
 * parity. Tab offsets use first byte {@code 0x17}/{@code 0x1F}.
 */
public enum ControlCode {
    /** Resume caption loading: following text goes to the hidden (non-displayed) memory (pop-on). */
    RCL(0x14, 0x20),
    /** Backspace. */
    BS(0x14, 0x21),
    /** Delete to end of row. */
    DER(0x14, 0x24),
    /** Roll-up, 2 rows. */
    RU2(0x14, 0x25),
    /** Roll-up, 3 rows. */
    RU3(0x14, 0x26),
    /** Roll-up, 4 rows. */
    RU4(0x14, 0x27),
    /** Resume direct captioning (paint-on). */
    RDC(0x14, 0x29),
    /** Erase displayed memory. */
    EDM(0x14, 0x2C),
    /** Carriage return: roll the rows up by one. */
    CR(0x14, 0x2D),
    /** Erase non-displayed memory. */
    ENM(0x14, 0x2E),
    /** End of caption: swap displayed and non-displayed memory. */
    EOC(0x14, 0x2F),
    /** Tab offset 1 column. */
    TO1(0x17, 0x21),
    /** Tab offset 2 columns. */
    TO2(0x17, 0x22),
    /** Tab offset 3 columns. */
    TO3(0x17, 0x23);

    // Rows 1..15 in order: the PAC's first byte, and whether its second byte uses the 0x60 (rather than 0x40) base.
    private static final int[] PAC_FIRST = {0x11, 0x11, 0x12, 0x12, 0x15, 0x15, 0x16, 0x16, 0x17, 0x17, 0x10, 0x13,
            0x13, 0x14, 0x14};
    private static final boolean[] PAC_HIGH_BASE = {false, true, false, true, false, true, false, true, false, true,
            false, false, true, false, true};

    private final int first;
    private final int second;

    ControlCode(int first, int second) {
        this.first = first;
        this.second = second;
    }

    /** The pair as sent on {@code channel}, parity applied ({@code first << 8 | second}). */
    public int pair(Channel channel) {
        return Parity.pair(channel.command(first), second);
    }

    /**
     * The preamble address code placing the cursor at column 0 of {@code row} (1..15, 15 = bottom), white, no
     * underline, parity applied.
     */
    public static int preambleAddress(Channel channel, int row) {
        if (row < 1 || row > 15) {
            throw new IllegalArgumentException("caption row must be 1..15, got " + row);
        }
        return Parity.pair(channel.command(PAC_FIRST[row - 1]), PAC_HIGH_BASE[row - 1] ? 0x60 : 0x40);
    }
}
