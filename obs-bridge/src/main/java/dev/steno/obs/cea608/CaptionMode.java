package dev.steno.obs.cea608;

import java.util.Locale;

/** How captions are drawn. */
public enum CaptionMode {
    /** Roll-up, two rows (14-15): words appear as they are spoken; the best fit for live speech. */
    ROLL_UP_2(ControlCode.RU2, 2),
    /** Roll-up, three rows (13-15). */
    ROLL_UP_3(ControlCode.RU3, 3),
    /** Roll-up, four rows (12-15). */
    ROLL_UP_4(ControlCode.RU4, 4),
    /** Pop-on: a whole caption (up to two rows at the bottom) is loaded off screen, then shown at once. */
    POP_ON(ControlCode.RCL, 2);

    private final ControlCode code;
    private final int rows;

    CaptionMode(ControlCode code, int rows) {
        this.code = code;
        this.rows = rows;
    }

    /** The command that selects the mode. */
    public ControlCode code() {
        return code;
    }

    /** Rows on screen. */
    public int rows() {
        return rows;
    }

    /**
     * Parses a command-line name: the constant's name or its spoken form, any case, {@code -} or {@code _}
     * ({@code roll-up} is two rows; {@code roll-up-3}, {@code ROLL_UP_4}, {@code pop-on}).
     *
     * @throws IllegalArgumentException for any other name, listing those that exist
     */
    public static CaptionMode parse(String name) {
        String n = name.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        if (n.equals("ROLL_UP") || n.equals("ROLLUP")) {
            return ROLL_UP_2;
        }
        for (CaptionMode m : values()) {
            if (m.name().equals(n) || m.name().replace("_", "").equals(n)) {
                return m;
            }
        }
        throw new IllegalArgumentException("caption mode '" + name + "' does not exist: use roll-up (2 rows), "
                + "roll-up-3, roll-up-4 or pop-on");
    }

    /** Whether this is one of the roll-up modes. */
    public boolean rollUp() {
        return this != POP_ON;
    }
}
