package dev.steno.obs.caption;

/**
 * Somewhere captions go: OBS's native stream captions, an OBS text source, the overlay page, subtitle files, YouTube,
 * a CEA-608 encoder. A {@link CaptionFeed} calls every sink from one thread, in order, so a sink needs no locking of
 * its own for these calls; a sink that does slow I/O hands it to its own bounded executor and returns.
 *
 * <p>The three calls form a simple stream: committed words (final, never change) interleaved with the tentative text
 * that follows them (may change or vanish with the next call), and {@link #silence()} when nobody has spoken for a
 * while, after which displays should clear.
 */
public interface CaptionSink extends AutoCloseable {
    /** A short name for logs ("obs-text", "srt"). */
    String name();

    /**
     * The tentative text after the committed words, replacing the previous tentative text; empty when there is none.
     * Sinks that show only finals ignore it. Under load some partial updates are skipped; committed text never is.
     */
    default void partial(String text) {
    }

    /** Words that just became final. */
    void committed(CommittedWords words);

    /** Nobody spoke for the feed's silence timeout (or the recogniser reported a pause): clear what is shown. */
    default void silence() {
    }

    /** Flushes and releases what the sink holds; called once, after the last other call. */
    @Override
    default void close() {
    }
}
