package dev.steno.engine.policy;

/**
 * The bookkeeping every {@link StreamingPolicy} here keeps the same way: the {@link AudioWindow} it decodes, which
 * says how much audio is buffered and where it starts, and the time up to which the transcript is final. A reset
 * empties the window at the new offset and moves the final time there, after the policy has forgotten its window's
 * words. Subclasses decide what to decode and what to commit. Not thread-safe.
 */
public abstract class WindowedPolicy implements StreamingPolicy {
    private final AudioWindow window;
    private double committedEnd;

    /** @param initialCapacity samples the window has room for before it first grows */
    protected WindowedPolicy(int initialCapacity) {
        this.window = new AudioWindow(initialCapacity);
    }

    @Override
    public void insertAudio(float[] samples16k, int offset, int length) {
        window.append(samples16k, offset, length);
    }

    @Override
    public final double bufferedSeconds() {
        return window.seconds();
    }

    @Override
    public final double bufferStartSeconds() {
        return window.startSeconds();
    }

    @Override
    public final double committedEndSeconds() {
        return committedEnd;
    }

    @Override
    public final void reset(double newOffsetSeconds) {
        StreamingPolicy.requireOffset(newOffsetSeconds);
        restart(newOffsetSeconds);
        window.reset(newOffsetSeconds);
        commitUpTo(newOffsetSeconds);
    }

    /**
     * Forgets the window's words and per-window state as {@link #reset} starts a new window at {@code offsetSeconds};
     * the audio window and the final time are reset afterwards.
     */
    protected abstract void restart(double offsetSeconds);

    /** The audio the policy still works on. */
    protected final AudioWindow window() {
        return window;
    }

    /** Moves the time up to which the transcript is final to {@code seconds}, unless it is there already. */
    protected final void commitUpTo(double seconds) {
        committedEnd = Math.max(committedEnd, seconds);
    }
}
