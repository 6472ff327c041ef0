package dev.steno.obs.sink;

import dev.steno.obs.caption.CaptionSink;
import dev.steno.obs.caption.CommittedWords;
import dev.steno.obs.cea608.Cea608Settings;
import dev.steno.obs.cea608.LiveSccFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Our own compliant CEA-608 captions (roll-up at the bottom rows, or pop-on), paced one byte pair per frame, written
 * live to a Scenarist SCC file: the sidecar that video editors, players and caption-insertion tools accept, and the
 * exact bytes an A/53 SEI injector would carry.
 */
public final class SccFileSink implements CaptionSink {
    private final Path file;
    private final LiveSccFile scc;

    /**
     * Creates (or replaces) {@code file}; pacing runs on {@code scheduler}, which the caller owns.
     *
     * @throws UncheckedIOException when the file cannot be created, naming it
     */
    public SccFileSink(Path file, Cea608Settings settings, ScheduledExecutorService scheduler) {
        this.file = file;
        this.scc = LiveSccFile.open(file, settings, scheduler);
    }

    @Override
    public String name() {
        return "scc " + file;
    }

    @Override
    public void partial(String text) {
        scc.partial(text);
    }

    @Override
    public void committed(CommittedWords words) {
        scc.committed(words.speaker(), words.words());
    }

    @Override
    public void silence() {
        scc.silence();
    }

    /** Sends what is still queued and the final erase, then closes the file. */
    @Override
    public void close() {
        try {
            scc.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the SCC file " + file + " failed: " + e.getMessage(), e);
        }
    }
}
