package dev.steno.obs.cea608;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Pulls one pair per frame from a {@link PairSource} on the wall clock and hands it to consumers (an SCC file being
 * written live, say). Runs as a periodic task on an executor the caller owns; frames that fell due while a tick was
 * late are all emitted on the next tick, so the frame count always matches the clock. Not needed where video
 * frames drive the pairs themselves (the SEI injector pulls per access unit).
 */
public final class Cea608FramePump implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Cea608FramePump.class.getName());

    private final PairSource source;
    private final double frameRate;
    private final List<PairConsumer> consumers;
    private final LongSupplier nanoTime;
    private long startNanos;
    private long frame;
    private ScheduledFuture<?> task;

    /** A pump for {@code source} at {@code frameRate}; {@code nanoTime} is the clock (System::nanoTime). */
    public Cea608FramePump(PairSource source, double frameRate, List<PairConsumer> consumers, LongSupplier nanoTime) {
        this.source = Objects.requireNonNull(source, "source");
        this.frameRate = frameRate;
        this.consumers = List.copyOf(consumers);
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** Starts pumping on {@code executor}; frame 0 is now. */
    public synchronized void start(ScheduledExecutorService executor) {
        if (task != null) {
            throw new IllegalStateException("already started");
        }
        startNanos = nanoTime.getAsLong();
        long periodMicros = Math.max(1000, Math.round(1_000_000 / frameRate));
        task = executor.scheduleAtFixedRate(this::tick, 0, periodMicros, TimeUnit.MICROSECONDS);
    }

    /** Emits every frame that is due by now. */
    synchronized void tick() {
        long due = (long) Math.floor((nanoTime.getAsLong() - startNanos) * frameRate / 1e9) + 1;
        while (frame < due) {
            int pair = source.nextPair();
            for (PairConsumer c : consumers) {
                try {
                    c.accept(frame, pair);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "caption consumer failed at frame " + frame, e);
                }
            }
            frame++;
        }
    }

    /**
     * Ends the stream: stops the clock and emits the remaining frames at once (ahead of the wall clock) until
     * {@code done} holds or {@code maxFrames} more have gone out, so a file being written ends with every queued
     * word and the final erase. For a {@link Cea608CaptionSink}: call its {@code silence()} first and pass
     * {@code sink::idle}.
     */
    public synchronized void finish(BooleanSupplier done, long maxFrames) {
        close();
        for (long n = 0; n < maxFrames && !done.getAsBoolean(); n++) {
            int pair = source.nextPair();
            for (PairConsumer c : consumers) {
                c.accept(frame, pair);
            }
            frame++;
        }
    }

    /** Frames emitted so far. */
    public synchronized long frames() {
        return frame;
    }

    @Override
    public synchronized void close() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
