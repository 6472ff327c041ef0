package dev.steno.obs;

import dev.steno.obs.caption.CaptionFeed;
import dev.steno.server.LiveTranscripts;

/** Captions from the server's live {@code /asr} sessions (a browser tab transcribing the streamer's microphone). */
public final class LiveSessionCaptions {
    private LiveSessionCaptions() {
    }

    /** Shows the captions of every live session of the server; closing the result stops following them. */
    public static AutoCloseable follow(LiveTranscripts live, CaptionFeed feed) {
        return live.follow((id, streamStart, update) -> feed.accept(update, streamStart));
    }
}
