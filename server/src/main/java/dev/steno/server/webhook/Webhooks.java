package dev.steno.server.webhook;

import dev.steno.engine.transcript.LineSink;
import java.util.List;

/** What a session asks of the server's webhooks: where its committed lines go. */
public interface Webhooks {
    /** No webhooks: lines go nowhere and every {@code ?webhook=} URL is refused. */
    Webhooks NONE = urls -> {
        if (!urls.isEmpty()) {
            throw new IllegalArgumentException("webhook URL not allowed: the server has no --webhook-allow");
        }
        return LineSink.NONE;
    };

    /**
     * The sink of one session or meeting.
     *
     * @param urls the session's own {@code ?webhook=} URLs; none for the server's targets only
     * @throws IllegalArgumentException a URL is invalid or not on the allow-list (the message says which)
     */
    LineSink sink(List<String> urls);
}
