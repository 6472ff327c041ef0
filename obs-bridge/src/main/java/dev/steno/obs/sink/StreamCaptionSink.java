package dev.steno.obs.sink;

import dev.steno.obs.caption.CaptionSink;
import dev.steno.obs.caption.CaptionText;
import dev.steno.obs.caption.CommittedWords;
import dev.steno.obs.caption.LineWrapper;
import dev.steno.obs.websocket.ObsClient;
import dev.steno.obs.websocket.ObsRequestException;
import java.util.concurrent.CompletionException;

/**
 * OBS's native stream captions through {@code SendStreamCaption}: the last two lines of final text (32 columns, as
 * CEA-608 has), each distinct text sent once, {@code ""} to clear after a silence.
 *
 * <p>Limits that no client can fix: OBS writes the whole text into one frame as pop-on captions at the top row,
 * unpaced, which several players and platforms ignore or show badly; only the stream output carries them (not
 * recordings). While OBS is not streaming it answers 501 OutputNotRunning: this sink then pauses quietly and resends
 * the current text when the stream starts.
 */
public final class StreamCaptionSink implements CaptionSink, ObsClient.Listener {
    private static final System.Logger LOG = System.getLogger(StreamCaptionSink.class.getName());
    /** CEA-608 has 32 columns; OBS wraps there too. */
    public static final int COLUMNS = 32;

    private final ObsClient obs;
    private final int lines;
    private final CaptionText text = new CaptionText();
    // guarded by this
    private String wanted = "";
    private String sent = "";
    private boolean paused;

    /** @param lines how many lines of text each caption carries (2 is what viewers read comfortably) */
    public StreamCaptionSink(ObsClient obs, int lines) {
        this.obs = obs;
        this.lines = lines;
        if (lines < 1 || lines > 4) {
            throw new IllegalArgumentException("stream caption lines must be 1..4, was " + lines);
        }
        obs.addListener(this);
    }

    @Override
    public String name() {
        return "obs-stream-captions";
    }

    @Override
    public void committed(CommittedWords words) {
        String caption;
        synchronized (this) {
            text.commit(words);
            caption = LineWrapper.tail(text.committedText().replace("\n", " "), lines, COLUMNS);
        }
        show(caption);
    }

    @Override
    public void silence() {
        synchronized (this) {
            text.clear();
        }
        show("");
    }

    /** True while captions are held back because OBS is not streaming. */
    public synchronized boolean paused() {
        return paused;
    }

    private void show(String caption) {
        synchronized (this) {
            wanted = caption;
            if (caption.equals(sent) || paused || !obs.identified()) {
                return;
            }
            sent = caption;
        }
        obs.request("SendStreamCaption", "captionText", caption).whenComplete((r, error) -> {
            if (error == null) {
                return;
            }
            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
            synchronized (this) {
                sent = null; // unknown what OBS shows: send the next text even if it repeats
                if (cause instanceof ObsRequestException e && e.outputNotRunning()) {
                    if (!paused) {
                        LOG.log(System.Logger.Level.INFO, "OBS is not streaming: stream captions paused until it does");
                    }
                    paused = true;
                    return;
                }
            }
            LOG.log(System.Logger.Level.WARNING, "SendStreamCaption failed: " + cause.getMessage());
        });
    }

    @Override
    public void streamStateChanged(boolean streaming) {
        String resend;
        synchronized (this) {
            paused = !streaming;
            if (!streaming) {
                return;
            }
            resend = wanted;
            sent = null;
        }
        if (!resend.isEmpty()) {
            show(resend);
        }
    }

    @Override
    public void identified() {
        synchronized (this) {
            sent = null;
        }
    }
}
