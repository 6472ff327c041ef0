package dev.steno.obs.sink;

import dev.steno.obs.caption.CaptionSink;
import dev.steno.obs.caption.CommittedWords;
import dev.steno.obs.cea608.Cea608CaptionSink;
import dev.steno.obs.cea608.Cea608Settings;
import dev.steno.obs.sei.CaptionSeiInjector;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Our CEA-608 captions carried inside an H.264 stream: reads Annex-B H.264 (a file or a named pipe, e.g. written by
 * {@code ffmpeg ... -bf 0 -f h264 pipe}), adds an A/53 caption SEI with one byte pair to every picture, and writes
 * the result (for {@code ffmpeg -i ... -c copy} into FLV/RTMP, MPEG-TS or MP4). The video's pictures pace the
 * captions, so they stay in step with the picture whatever the wall clock does.
 *
 * <p>One thread per video pipeline (a bridge has one), started by {@link #start()}.
 */
public final class SeiInjectionSink implements CaptionSink {
    private static final System.Logger LOG = System.getLogger(SeiInjectionSink.class.getName());

    private final Path input;
    private final Path output;
    private final Cea608CaptionSink encoder;
    private final double frameRate;
    private Thread worker;
    private volatile long pictures;
    private volatile IOException failure;

    /**
     * @param input  Annex-B H.264 to read (without B-frames: pairs follow decode order)
     * @param output where the captioned stream goes (created or replaced)
     */
    public SeiInjectionSink(Path input, Path output, Cea608Settings settings) {
        this.input = input;
        this.output = output;
        this.encoder = new Cea608CaptionSink(settings);
        this.frameRate = settings.frameRate();
    }

    /** Starts copying the video with captions; returns at once. */
    public synchronized void start() {
        if (worker != null) {
            throw new IllegalStateException("already started");
        }
        worker = Thread.ofPlatform().name("steno-sei-injector").daemon().start(this::run);
    }

    private void run() {
        try (InputStream in = Files.newInputStream(input); OutputStream out = Files.newOutputStream(output)) {
            pictures = new CaptionSeiInjector(encoder, frameRate).inject(in, out);
            LOG.log(System.Logger.Level.INFO, "captioned {0} pictures from {1} into {2}", pictures, input, output);
        } catch (IOException e) {
            failure = e;
            LOG.log(System.Logger.Level.ERROR, "caption SEI injection from " + input + " to " + output
                    + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "sei " + output;
    }

    @Override
    public void partial(String text) {
        encoder.partial(text);
    }

    @Override
    public void committed(CommittedWords words) {
        encoder.commit(words.speaker(), words.words());
    }

    @Override
    public void silence() {
        encoder.silence();
    }

    /** Pictures captioned so far. */
    public long pictures() {
        return pictures;
    }

    /**
     * Waits until the input video ends (at most {@code timeout}).
     *
     * @return true when the video ended and was written completely
     * @throws UncheckedIOException when reading or writing the video failed
     */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        Thread w;
        synchronized (this) {
            w = worker;
        }
        if (w == null) {
            return false;
        }
        w.join(timeout);
        if (failure != null) {
            throw new UncheckedIOException("caption SEI injection failed: " + failure.getMessage(), failure);
        }
        return !w.isAlive();
    }

    /** Gives a running video up to 10 s to end; the stream keeps its captions up to that point. */
    @Override
    public void close() {
        try {
            if (!awaitEnd(Duration.ofSeconds(10)) && worker != null) {
                LOG.log(System.Logger.Level.WARNING, "the video on {0} did not end; captions stop here", input);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
