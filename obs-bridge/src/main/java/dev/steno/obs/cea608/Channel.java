package dev.steno.obs.cea608;

/**
 * The caption channel within field 1. CC1 and CC2 share field 1 (and so one pair per frame); they differ only by
 * the channel bit {@code 0x08} in the first byte of every command (control, preamble address, mid-row, special and
 * extended character codes). Text bytes carry no channel: they belong to the channel of the last command.
 */
public enum Channel {
    /** Data channel 1 of field 1: the one every player shows by default. */
    CC1(0x00),
    /** Data channel 2 of field 1 (often a second language). */
    CC2(0x08);

    private final int bit;

    Channel(int bit) {
        this.bit = bit;
    }

    /** The first byte of a command (seven data bits, no parity) with this channel's bit applied. */
    int command(int cc1FirstByte) {
        return cc1FirstByte | bit;
    }
}
