package dev.steno.obs.cea608;

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

    /** Whether this is one of the roll-up modes. */
    public boolean rollUp() {
        return this != POP_ON;
    }
}
