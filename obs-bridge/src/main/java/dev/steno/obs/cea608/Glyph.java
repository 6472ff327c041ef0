package dev.steno.obs.cea608;

/**
 * One screen cell's worth of CEA-608 character data.
 *
 * @param kind     which character set the glyph comes from
 * @param code     BASIC: the character byte (seven bits); SPECIAL and EXTENDED: the second byte of the code
 * @param set      EXTENDED: the first byte on CC1, {@code 0x12} or {@code 0x13}; SPECIAL: {@code 0x11}; BASIC: 0
 * @param fallback EXTENDED: the basic character sent first (decoders that know the extended set backspace over
 *                 it); otherwise 0
 */
public record Glyph(Kind kind, int code, int set, int fallback) {
    /** The three ways a character reaches the screen. */
    public enum Kind {
        /** One byte, two per pair. */
        BASIC,
        /** A two-byte code {@code 11 3x}, sent twice like a control code. */
        SPECIAL,
        /** A basic fallback character, then a two-byte code {@code 12/13 2x-3x} sent twice. */
        EXTENDED
    }

    static Glyph basic(int code) {
        return new Glyph(Kind.BASIC, code, 0, 0);
    }

    static Glyph special(int code) {
        return new Glyph(Kind.SPECIAL, code, 0x11, 0);
    }

    static Glyph extended(int set, int code, char fallback) {
        return new Glyph(Kind.EXTENDED, code, set, fallback);
    }

    /** Frames (byte pairs) the glyph costs on its own: half a pair for basic, two pairs (doubled) otherwise. */
    double pairCost() {
        return switch (kind) {
            case BASIC -> 0.5;
            case SPECIAL -> 2;
            case EXTENDED -> 2.5;
        };
    }
}
