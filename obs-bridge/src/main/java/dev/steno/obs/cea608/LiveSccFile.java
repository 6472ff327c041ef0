package dev.steno.obs.cea608;

import dev.steno.engine.transcript.Word;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * A CEA-608 caption track written live to an SCC file: a {@link Cea608CaptionSink} paced by the wall clock
 * (frame 0 = when the file was opened), every line flushed as it ends. Closing sends what is still queued and the
 * final erase ahead of the clock, then closes the file. The caption calls mirror a caption sink's: committed words,
 * tentative text, silence.
 */
public final class LiveSccFile implements AutoCloseable {
    private final Cea608CaptionSink sink;
    private final SccWriter writer;
    private final Cea608FramePump pump;

    private LiveSccFile(Cea608CaptionSink sink, SccWriter writer, Cea608FramePump pump) {
        this.sink = sink;
        this.writer = writer;
        this.pump = pump;
    }

    /**
     * Creates (or replaces) {@code file} and starts pacing on {@code scheduler}, which the caller owns (one periodic
     * task, a few microseconds per frame).
     *
     * @throws UncheckedIOException when the file cannot be created, naming it
     */
    public static LiveSccFile open(Path file, Cea608Settings settings, ScheduledExecutorService scheduler) {
        return open(file, settings, scheduler, System::nanoTime);
    }

    static LiveSccFile open(Path file, Cea608Settings settings, ScheduledExecutorService scheduler,
                            LongSupplier nanoTime) {
        SccWriter writer;
        try {
            writer = new SccWriter(Files.newBufferedWriter(file, StandardCharsets.US_ASCII), settings.frameRate());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the SCC file " + file + ": " + e.getMessage(), e);
        }
        Cea608CaptionSink sink = new Cea608CaptionSink(settings);
        Cea608FramePump pump = new Cea608FramePump(sink, settings.frameRate(), List.of(writer), nanoTime);
        pump.start(scheduler);
        return new LiveSccFile(sink, writer, pump);
    }

    /** Words that just became final (speaker as in {@code TranscriptLine}). */
    public void committed(int speaker, List<Word> words) {
        sink.commit(speaker, words);
    }

    /** The current tentative text (marks speech; not written, see {@link Cea608CaptionSink}). */
    public void partial(String text) {
        sink.partial(text);
    }

    /** Nobody is speaking: erase once the last words have been readable for a moment. */
    public void silence() {
        sink.silence();
    }

    /** The encoder, for its counters. */
    public Cea608CaptionSink sink() {
        return sink;
    }

    /** Sends what is still queued and the erase (at most the delay bound plus a few seconds), then closes the file. */
    @Override
    public void close() throws IOException {
        sink.silence();
        Cea608Settings s = sink.settings();
        pump.finish(sink::idle, s.frames(s.maxDelaySeconds() + s.clearAfterSilenceSeconds() + 2));
        writer.close();
    }
}
