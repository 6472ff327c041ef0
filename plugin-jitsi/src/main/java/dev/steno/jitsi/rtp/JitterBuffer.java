package dev.steno.jitsi.rtp;

import java.util.Arrays;

/**
 * Puts one SSRC's packets back in sequence order: reorders within a window, drops duplicates and packets that come
 * after their turn, and declares a missing sequence number lost once enough later packets arrived or the first of
 * them waited long enough.
 *
 * <p>Sequence numbers are 16 bits and wrap; they are extended to 64 bits relative to the highest seen so far, which
 * holds while reordering stays below 32768 packets. A jump by the window size or more (a sender restart) clears the
 * buffer and restarts at the new number. Slots are preallocated, so {@link #offer} and {@link #poll} allocate
 * nothing. Not thread-safe: the owner serialises access.
 */
public final class JitterBuffer {
    /** What {@link #offer} did with a packet. */
    public enum Offer {
        /** Stored for playout. */
        ACCEPTED,
        /** Already stored or played. */
        DUPLICATE,
        /** Its turn is over: played out or declared lost before it arrived. */
        TOO_LATE,
        /** Dropped: the window is full of packets not yet played out (playout is falling behind). */
        FULL,
        /** Stored after a sequence jump emptied the buffer; the dropped count is in {@link #discarded()}. */
        RESYNCED
    }

    /** What {@link #poll} released. */
    public enum Kind {
        /** Nothing is ready. */
        NONE,
        /** A packet, copied into {@link Released#data}. */
        PACKET,
        /** A sequence number given up as lost. */
        LOST
    }

    /** Out-parameter of {@link #poll}; reused so that playout allocates nothing. */
    public static final class Released {
        /** Receives the payload; as large as the buffer's largest payload. */
        public final byte[] data;
        /** What was released. */
        public Kind kind = Kind.NONE;
        /** Extended sequence number. */
        public long sequence;
        /** RTP timestamp (32 bits, unsigned); 0 for a loss. */
        public long timestamp;
        /** Payload length in {@link #data}. */
        public int length;

        /** A holder for payloads of up to {@code maxPayload} bytes. */
        public Released(int maxPayload) {
            data = new byte[maxPayload];
        }
    }

    private final int mask;
    private final int depth;
    private final long maxDelayNanos;
    private final long[] seqs;
    private final long[] stamps;
    private final long[] arrivals;
    private final int[] lengths;
    private final boolean[] played;
    private final byte[][] payloads;

    private boolean started;
    private long next;
    private long highest;
    private int pending;
    private long discarded;

    /**
     * @param capacity      window in packets, a power of two (64 = 1.28 s of 20 ms packets)
     * @param maxPayload    largest payload stored
     * @param depth         a gap is declared lost once a packet this many numbers beyond it arrived
     * @param maxDelayNanos ... or once the first packet beyond it waited this long
     */
    public JitterBuffer(int capacity, int maxPayload, int depth, long maxDelayNanos) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= 2, got " + capacity);
        }
        if (depth < 1 || depth >= capacity) {
            throw new IllegalArgumentException("depth must be 1 to capacity-1, got " + depth);
        }
        this.mask = capacity - 1;
        this.depth = depth;
        this.maxDelayNanos = maxDelayNanos;
        seqs = new long[capacity];
        Arrays.fill(seqs, -1);
        stamps = new long[capacity];
        arrivals = new long[capacity];
        lengths = new int[capacity];
        played = new boolean[capacity];
        payloads = new byte[capacity][maxPayload];
    }

    /** Stores a packet; the payload is copied. */
    public Offer offer(int sequence16, long timestamp, byte[] buf, int off, int len, long nowNanos) {
        if (len > payloads[0].length) {
            throw new IllegalArgumentException("payload of " + len + " bytes exceeds " + payloads[0].length);
        }
        Offer result = Offer.ACCEPTED;
        long ext;
        if (!started) {
            // Start high enough that reordered packets from before the first one still extend to positive numbers.
            ext = (1L << 16) + sequence16;
            started = true;
            next = ext;
            highest = ext;
        } else {
            ext = highest + (short) (sequence16 - (int) highest);
        }
        if (ext < next) {
            int i = (int) (ext & mask);
            return seqs[i] == ext && played[i] ? Offer.DUPLICATE : Offer.TOO_LATE;
        }
        if (ext - highest > mask) {
            // A jump beyond the window: the sender restarted its numbering (or minutes were lost); start over.
            discarded += pending;
            clear();
            next = ext;
            highest = ext;
            result = Offer.RESYNCED;
        } else if (ext - next > mask) {
            // Packets keep coming in order but playout lags a whole window behind: the decoder is overloaded.
            return Offer.FULL;
        }
        int i = (int) (ext & mask);
        if (seqs[i] == ext) {
            return Offer.DUPLICATE;
        }
        seqs[i] = ext;
        stamps[i] = timestamp;
        arrivals[i] = nowNanos;
        lengths[i] = len;
        played[i] = false;
        System.arraycopy(buf, off, payloads[i], 0, len);
        pending++;
        highest = Math.max(highest, ext);
        return result;
    }

    /**
     * Releases the next packet in order, or declares the next number lost when its wait is over.
     *
     * @param force release regardless of depth and delay (the stream is ending)
     * @return {@code out.kind}
     */
    public Kind poll(Released out, long nowNanos, boolean force) {
        out.kind = Kind.NONE;
        if (pending == 0) {
            return Kind.NONE;
        }
        int i = (int) (next & mask);
        if (seqs[i] == next && !played[i]) {
            out.kind = Kind.PACKET;
            out.sequence = next;
            out.timestamp = stamps[i];
            out.length = lengths[i];
            System.arraycopy(payloads[i], 0, out.data, 0, lengths[i]);
            played[i] = true;
            pending--;
            next++;
            return Kind.PACKET;
        }
        if (force || highest - next >= depth || nowNanos - oldestArrival() >= maxDelayNanos) {
            out.kind = Kind.LOST;
            out.sequence = next;
            out.timestamp = 0;
            out.length = 0;
            next++;
            return Kind.LOST;
        }
        return Kind.NONE;
    }

    /** Nanoseconds until {@link #poll} may declare a loss by time, or -1 when nothing waits. */
    public long waitNanos(long nowNanos) {
        if (pending == 0) {
            return -1;
        }
        int i = (int) (next & mask);
        if (seqs[i] == next && !played[i]) {
            return 0;
        }
        return Math.max(0, oldestArrival() + maxDelayNanos - nowNanos);
    }

    /** Packets stored and not yet released. */
    public int pending() {
        return pending;
    }

    /** Packets thrown away by sequence jumps. */
    public long discarded() {
        return discarded;
    }

    /** The extended sequence number released next. */
    public long nextSequence() {
        return next;
    }

    private long oldestArrival() {
        long oldest = Long.MAX_VALUE;
        for (long s = next + 1; s <= highest; s++) {
            int i = (int) (s & mask);
            if (seqs[i] == s && !played[i]) {
                oldest = Math.min(oldest, arrivals[i]);
            }
        }
        return oldest;
    }

    private void clear() {
        Arrays.fill(seqs, -1);
        Arrays.fill(played, false);
        pending = 0;
    }
}
