package dev.steno.server.deepgram;

import java.util.ArrayDeque;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * The messages of one socket, sent in order with one in flight, then optionally a close frame once all went out.
 * Every Deepgram {@code Results} is a delta (each final word range is sent once), so nothing may be skipped as
 * {@code /asr} skips states; a client that falls {@value #MAX_QUEUED} messages behind is closed instead.
 */
final class Outbox {
    static final int MAX_QUEUED = 4096;
    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());

    private final Session session;
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private boolean inFlight;
    private boolean closing;
    private boolean closeSent;
    private int closeCode;
    private String closeReason;

    Outbox(Session session) {
        this.session = session;
    }

    /** Queues a message; nothing once a close is queued. */
    synchronized void send(String text) {
        if (closing) {
            return;
        }
        if (queue.size() >= MAX_QUEUED) {
            queue.clear();
            closeAfter(1008, "client too slow: " + MAX_QUEUED + " messages unread");
            return;
        }
        queue.add(text);
        pump();
    }

    /** Closes with {@code code} once the queued messages went out; later messages are dropped. */
    synchronized void closeAfter(int code, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        closeCode = code;
        closeReason = reason;
        pump();
    }

    /** True once a close was queued. */
    synchronized boolean closing() {
        return closing;
    }

    private void pump() {
        if (inFlight) {
            return;
        }
        String next = queue.poll();
        if (next != null) {
            inFlight = true;
            session.sendText(next, Callback.from(this::sent, error -> {
                LOG.log(System.Logger.Level.DEBUG, "send failed: " + error);
                sent();
            }));
        } else if (closing && !closeSent) {
            closeSent = true;
            session.close(closeCode, closeReason, Callback.NOOP);
        }
    }

    private synchronized void sent() {
        inFlight = false;
        pump();
    }
}
