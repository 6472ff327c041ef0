package dev.steno.obs;

import dev.steno.engine.session.ScheduledSession;
import dev.steno.engine.session.SessionListener;
import dev.steno.obs.caption.CaptionFeed;
import dev.steno.obs.source.AudioSource;
import dev.steno.server.TranscriptionService;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;

/** Connects audio to captions: a live source transcribed by the shared service, or the server's /asr sessions. */
public final class CaptionBridge {
    private static final System.Logger LOG = System.getLogger(CaptionBridge.class.getName());

    private CaptionBridge() {
    }

    /**
     * Transcribes {@code source} as one live session of {@code service} and feeds its captions to {@code feed}.
     * Blocks until the source ends (then the last words are committed and delivered) or fails.
     *
     * @param language ISO 639-1 code, or null for the service's default
     * @throws IOException when the audio source fails
     */
    public static void run(AudioSource source, TranscriptionService service, String language, CaptionFeed feed)
            throws IOException, InterruptedException {
        Instant streamStart = Instant.now();
        long t0 = System.nanoTime();
        ScheduledSession session = service.open(language, update -> feed.accept(update, streamStart),
                () -> (System.nanoTime() - t0) / 1e9, new SessionListener() {
                    @Override
                    public void onOverflow(double droppedSeconds) {
                        LOG.log(System.Logger.Level.WARNING, "transcription lags behind {0}: dropped {1} s of audio "
                                + "(use a smaller model or more --threads)", source.describe(), droppedSeconds);
                    }

                    @Override
                    public void onError(Throwable error) {
                        LOG.log(System.Logger.Level.WARNING, "transcription step failed: " + error.getMessage());
                    }
                }).orElseThrow(() -> new IllegalStateException("no transcription session available: the server "
                        + "is at its maximum number of sessions"));
        LOG.log(System.Logger.Level.INFO, "captioning {0}", source.describe());
        try {
            source.run((samples, off, len) -> {
                session.addAudio(samples, off, len);
                service.countAudio(len);
            });
        } catch (IOException | RuntimeException e) {
            session.cancel();
            throw e;
        }
        session.endOfStream();
        try {
            session.finished().get();
        } catch (CancellationException e) {
            // stopped from outside
        } catch (ExecutionException e) {
            throw new IllegalStateException("transcription failed: " + e.getCause().getMessage(), e.getCause());
        }
        LOG.log(System.Logger.Level.INFO, "{0} ended", source.describe());
    }

    /**
     * Shows the captions of every live {@code /asr} session of the server (a browser tab transcribing the streamer's
     * microphone, for example). Closing the result stops following them.
     */
    public static AutoCloseable followLiveSessions(TranscriptionService service, CaptionFeed feed) {
        return service.addLiveListener((id, streamStart, update) -> feed.accept(update, streamStart));
    }
}
