package dev.steno.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.engine.transcript.Word;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;

/**
 * A transcription streamed as OpenAI's server-sent events: one {@code transcript.text.delta} per update that committed
 * words, then {@code transcript.text.done} with the whole text. Each event is written and flushed before the stream
 * goes on, so a client sees text while the rest of the upload is still being transcribed, and a slow client holds
 * back only its own upload. Used on the thread that transcribes the upload, never on a scheduler worker.
 */
final class TranscriptEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Response response;
    private final StringBuilder text = new StringBuilder();

    /** Starts the event stream: status and headers go out with the first event. */
    TranscriptEvents(Response response) {
        this.response = response;
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        // nginx (deploy/nginx) would otherwise gather the events into its buffer
        response.getHeaders().put("X-Accel-Buffering", "no");
    }

    /** Sends the words this update committed as one delta; an update that committed none sends nothing. */
    void onUpdate(TranscriptUpdate update) {
        StringBuilder delta = new StringBuilder();
        for (Word w : update.newlyCommitted()) {
            delta.append(w.text());
        }
        String d = text.isEmpty() ? delta.toString().stripLeading() : delta.toString();
        if (d.isEmpty()) {
            return;
        }
        text.append(d);
        ObjectNode event = JSON.createObjectNode();
        event.put("type", "transcript.text.delta");
        event.put("delta", d);
        write(event.toString());
    }

    /** The last event, {@code transcript.text.done} with every delta's text; ends the response. */
    void done(Callback callback) {
        ObjectNode event = JSON.createObjectNode();
        event.put("type", "transcript.text.done");
        event.put("text", text.toString().strip());
        response.write(true, event(event.toString()), callback);
    }

    /** Ends the stream with an error event (OpenAI's SDKs throw it as an {@code APIError}). */
    void fail(int status, String message, Callback callback) {
        response.write(true, event(OpenAiError.json(status, message, null, null)), callback);
    }

    private void write(String json) {
        try (Blocker.Callback written = Blocker.callback()) {
            response.write(false, event(json), written);
            written.block();
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw new ClientGone(e);
        } catch (IOException e) {
            throw new ClientGone(e);
        }
    }

    private static ByteBuffer event(String json) {
        return ByteBuffer.wrap(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The client went away in the middle of the stream: nothing more can reach it. */
    static final class ClientGone extends RuntimeException {
        ClientGone(IOException cause) {
            super("the client closed the event stream", cause);
        }
    }
}
