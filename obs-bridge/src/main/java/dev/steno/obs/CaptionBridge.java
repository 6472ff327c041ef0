package dev.steno.obs;

import dev.steno.engine.session.SessionListener;
import dev.steno.engine.speaker.SpeakerStage;
import dev.steno.engine.speaker.UnknownSpeaker;
import dev.steno.engine.stream.LiveStream;
import dev.steno.engine.stream.StreamService;
import dev.steno.engine.transcript.LineSink;
import dev.steno.engine.transcript.SessionLines;
import dev.steno.obs.caption.CaptionFeed;
import dev.steno.obs.source.AudioSource;
import java.io.IOException;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;

/**
 * Connects a live audio source to captions: the source is transcribed as one stream of the engine's
 * {@link StreamService}. Needs no server: a microphone captions OBS without Jetty on the class path.
 */
public final class CaptionBridge {
    private static final System.Logger LOG = System.getLogger(CaptionBridge.class.getName());

    private CaptionBridge() {
    }

    /**
     * Transcribes {@code source} as one live stream of {@code service} and feeds its captions to {@code feed}.
     * Blocks until the source ends (then the last words are committed and delivered) or fails.
     *
     * @param language ISO 639-1 code, or null for the service's default
     * @throws IOException when the audio source fails
     */
    public static void run(AudioSource source, StreamService service, String language, CaptionFeed feed)
            throws IOException, InterruptedException {
        run(source, service, language, new UnknownSpeaker(), feed);
    }

    /**
     * As {@link #run(AudioSource, StreamService, String, CaptionFeed)} with a speaker stage, e.g. a
     * {@link dev.steno.engine.speaker.DiarizedSpeaker} so that captions mark speaker changes ({@code >>} in
     * CEA-608, voice tags in WebVTT).
     *
     * @param speakers the stream's speaker stage; the stream owns and closes it
     */
    public static void run(AudioSource source, StreamService service, String language, SpeakerStage speakers,
                           CaptionFeed feed) throws IOException, InterruptedException {
        run(source, service, language, speakers, feed, LineSink.NONE);
    }

    /**
     * As {@link #run(AudioSource, StreamService, String, SpeakerStage, CaptionFeed)}, also publishing each committed
     * line to {@code lines} (webhooks) with source {@code obs}.
     */
    public static void run(AudioSource source, StreamService service, String language, SpeakerStage speakers,
                           CaptionFeed feed, LineSink lines) throws IOException, InterruptedException {
        Instant streamStart = Instant.now();
        SessionLines published = new SessionLines(lines, "obs", UUID.randomUUID().toString(), language);
        LiveStream session = service.stream()
                .language(language)
                .speaker(speakers)
                .listener(update -> {
                    feed.accept(update, streamStart);
                    published.update(update);
                })
                .events(new SessionListener() {
                    @Override
                    public void onOverflow(double droppedSeconds) {
                        LOG.log(System.Logger.Level.WARNING, "transcription lags behind {0}: dropped {1} s of audio "
                                + "(use a smaller model or more --threads)", source.describe(), droppedSeconds);
                    }

                    @Override
                    public void onError(Throwable error) {
                        LOG.log(System.Logger.Level.WARNING, "transcription step failed: " + error.getMessage());
                    }
                })
                .open()
                .orElseThrow(() -> new IllegalStateException("no transcription session available: the server "
                        + "is at its maximum number of sessions"));
        LOG.log(System.Logger.Level.INFO, "captioning {0}", source.describe());
        try {
            source.run(session::addAudio, session::finishUtterance);
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
}
