package dev.steno.jitsi.ws;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * A connection's outbound text messages, one in flight at a time, sent from any thread (inference workers produce
 * results, network threads answer pings).
 *
 * <p>Bounded, shedding interim results first: an interim message carries a key (the participant), and a newer interim
 * with the same key replaces one still queued, so a slow peer skips intermediate captions. Final results are never
 * dropped; a peer that lets more than {@code maxQueued} of them pile up is not reading at all and is disconnected.
 */
public final class Outbox {
    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());

    private record Message(String text, String replaceKey) {
    }

    private final Session session;
    private final int maxQueued;
    private final ArrayDeque<Message> queue = new ArrayDeque<>();
    private boolean inFlight;
    private boolean closing;
    private int closeCode;
    private String closeReason;

    public Outbox(Session session, int maxQueued) {
        this.session = Objects.requireNonNull(session, "session");
        this.maxQueued = maxQueued;
    }

    /** Queues a message that must arrive (a final result, a pong). */
    public void send(String text) {
        enqueue(new Message(text, null));
    }

    /** Queues an interim message that a newer one with the same key may replace while both wait. */
    public void sendReplaceable(String text, String key) {
        enqueue(new Message(text, Objects.requireNonNull(key, "key")));
    }

    /** Sends what is queued, then closes the connection. */
    public void closeAfterFlush(int code, String reason) {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
            closeCode = code;
            closeReason = reason;
            if (inFlight) {
                return; // the running send's callback closes once the queue is empty
            }
            inFlight = true;
        }
        pump();
    }

    private void enqueue(Message m) {
        boolean overflow = false;
        synchronized (this) {
            if (closing || !session.isOpen()) {
                return;
            }
            if (m.replaceKey() != null) {
                for (Iterator<Message> it = queue.iterator(); it.hasNext(); ) {
                    if (m.replaceKey().equals(it.next().replaceKey())) {
                        it.remove();
                    }
                }
            }
            queue.addLast(m);
            if (queue.size() > maxQueued) {
                overflow = true;
                queue.clear();
                closing = true;
            } else if (!inFlight) {
                inFlight = true;
            } else {
                return;
            }
        }
        if (overflow) {
            LOG.log(System.Logger.Level.WARNING, "{0} does not read its results ({1} queued): disconnecting",
                    session.getRemoteSocketAddress(), maxQueued);
            session.close(StatusCode.POLICY_VIOLATION, "results are not being read", Callback.NOOP);
            return;
        }
        pump();
    }

    /** Sends the next message; called by whoever set inFlight. */
    private void pump() {
        Message next;
        synchronized (this) {
            next = queue.pollFirst();
            if (next == null) {
                inFlight = false;
                if (closing && closeReason != null) {
                    String reason = closeReason;
                    closeReason = null;
                    session.close(closeCode, reason, Callback.NOOP);
                }
                return;
            }
        }
        session.sendText(next.text(), Callback.from(this::pump, error -> {
            LOG.log(System.Logger.Level.DEBUG, "send failed: " + error);
            synchronized (this) {
                queue.clear();
                inFlight = false;
            }
        }));
    }
}
