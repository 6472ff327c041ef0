package dev.steno.obs.cea608;

import java.util.Arrays;

/**
 * The encoded pairs waiting for their frames, a growable ring of ints numbered by a running sequence, plus the
 * writing helpers every caption mode shares: basic characters packed two to a pair, commands sent twice in a row.
 * Not thread-safe: the sink guards it.
 */
final class PairBuffer {
    static final int PADDING = 0x8080;

    private final Channel channel;
    private int[] ring = new int[256];
    private long head;          // sequence number of the next pair to leave
    private long tail;          // sequence number the next pushed pair gets
    private int pendingChar = -1;

    PairBuffer(Channel channel) {
        this.channel = channel;
    }

    boolean isEmpty() {
        return head == tail && pendingChar < 0;
    }

    int size() {
        return (int) (tail - head) + (pendingChar >= 0 ? 1 : 0);
    }

    /** The sequence number of the pair that holds (or will hold) the last character written. */
    long lastWrittenSeq() {
        return pendingChar >= 0 ? tail : tail - 1;
    }

    /** Whole pairs encoded and waiting (a lone pending character not counted). */
    int queuedPairs() {
        return (int) (tail - head);
    }

    /**
     * Takes the next pair; call only when {@link #isEmpty()} is false. A lone pending character goes out (padded)
     * only when nothing else is left.
     */
    int pop() {
        if (head == tail) {
            flushChar();
        }
        int p = ring[(int) (head % ring.length)];
        head++;
        return p;
    }

    /** Sequence number of the pair the last {@link #pop()} returned. */
    long lastPoppedSeq() {
        return head - 1;
    }

    void push(int pair) {
        if (tail - head == ring.length) {
            int[] bigger = new int[ring.length * 2];
            for (long s = head; s < tail; s++) {
                bigger[(int) (s % bigger.length)] = ring[(int) (s % ring.length)];
            }
            ring = bigger;
        }
        ring[(int) (tail % ring.length)] = pair;
        tail++;
    }

    /** A command, sent twice so that a decoder that lost one copy still acts (and drops the repeat). */
    void command(int pair) {
        flushChar();
        push(pair);
        push(pair);
    }

    void command(ControlCode code) {
        command(code.pair(channel));
    }

    /** One basic character (seven-bit code), sharing a pair with its neighbour where it can. */
    void basic(int code) {
        if (pendingChar < 0) {
            pendingChar = code;
        } else {
            push(Parity.pair(pendingChar, code));
            pendingChar = -1;
        }
    }

    void glyph(Glyph g) {
        switch (g.kind()) {
            case BASIC -> basic(g.code());
            case SPECIAL -> command(Parity.pair(channel.command(g.set()), g.code()));
            case EXTENDED -> {
                // The fallback first: a decoder that knows the extended code backspaces over it.
                basic(g.fallback());
                command(Parity.pair(channel.command(g.set()), g.code()));
            }
        }
    }

    /** Closes a half-filled pair with a null byte. */
    void flushChar() {
        if (pendingChar >= 0) {
            int c = pendingChar;
            pendingChar = -1;
            push(Parity.pair(c, 0));
        }
    }

    void clear() {
        head = tail;
        pendingChar = -1;
        Arrays.fill(ring, 0);
    }
}
