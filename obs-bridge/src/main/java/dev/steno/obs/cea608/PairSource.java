package dev.steno.obs.cea608;

/** Something that yields exactly one CEA-608 field-1 byte pair per video frame. */
@FunctionalInterface
public interface PairSource {
    /** The pair for the next frame ({@code first << 8 | second}, parity applied); {@code 0x8080} when idle. */
    int nextPair();
}
