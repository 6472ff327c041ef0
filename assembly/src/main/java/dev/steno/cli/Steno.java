package dev.steno.cli;

/** Placeholder replaced by the picocli command below. */
public final class Steno {
    public static void main(String[] args) {
    }
}
