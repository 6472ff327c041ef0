package dev.steno.jitsi.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.jitsi.meeting.Meeting;
import dev.steno.jitsi.meeting.Participant;
import dev.steno.jitsi.meeting.ParticipantListener;
import dev.steno.jitsi.meeting.Utterance;
import dev.steno.server.Drain;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * What every Jitsi socket (videobridge media events, Jigasi's skynet frames, vosk clients) does around its protocol:
 * on open it sets the {@linkplain #IDLE_TIMEOUT idle timeout}, makes the bounded {@link Outbox} (one message in
 * flight) and opens the meeting, closing the socket with 1008 when that is refused (and handling nothing more); bad
 * input is {@linkplain #drop dropped} with a counted, rate-limited log line and the connection goes on; a binary frame
 * that fails is dropped too, and its callback always completes; results go out through {@link #results}; on close
 * the protocol ends its participants and the close is logged. A protocol adds only its message parsing and result
 * formatting.
 *
 * <p>Draining: a socket is {@linkplain Drain#admit admitted} on open (closed with 1013 once the node drains). When
 * the node drains, the socket stops taking input, ends its participants so that their last words are committed,
 * stored and sent as finals, then closes with 1001 once the outbox is flushed; the bridge or Jigasi reconnects,
 * reaching another node.
 *
 * <p>Jetty calls one connection's listener methods one at a time; results are sent from inference workers through
 * the outbox, which is thread-safe. A drain (on its own thread) takes the input lock that the listener methods hold.
 */
public abstract class MeetingSocket implements Session.Listener.AutoDemanding {
    /**
     * How long a Jitsi socket may stay without traffic: meetings can be silent for long stretches, and a bridge or
     * Jigasi that goes quiet is not gone, so this is longer than the server's default for browser clients.
     */
    public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(15);
    /** Outbound finals a peer may leave unread before it is disconnected. */
    static final int MAX_QUEUED = 10_000;
    /** Close reason once a draining node has sent everything. */
    public static final String DRAINED = "node draining, reconnect";

    /** Reads and writes the JSON protocols' messages; thread-safe. */
    protected static final ObjectMapper JSON = new ObjectMapper();

    private final System.Logger log = System.getLogger(getClass().getName());
    private final Supplier<Meeting> meetingSource;
    private final Drain drain;
    private final String peer;
    private final String droppedInput;
    private final AtomicLong dropped = new AtomicLong();
    /** Held while input is handled, and by a drain while it ends the participants. */
    private final Object inputLock = new Object();
    private volatile Session session;
    private volatile Outbox outbox;
    private volatile Meeting meeting;
    private volatile Drain.Registration registration;
    private volatile boolean draining;

    /**
     * @param meetingSource opens the connection's meeting (on open, so that a bad id closes the connection)
     * @param drain         the node's lifecycle: the socket is admitted through it on open
     * @param peer          what connects, for the log ("videobridge", "Jigasi", "Vosk client")
     * @param droppedInput  what one dropped piece of input is called in the log ("a bad Jigasi frame")
     */
    protected MeetingSocket(Supplier<Meeting> meetingSource, Drain drain, String peer, String droppedInput) {
        this.meetingSource = Objects.requireNonNull(meetingSource, "meetingSource");
        this.drain = Objects.requireNonNull(drain, "drain");
        this.peer = peer;
        this.droppedInput = droppedInput;
    }

    @Override
    public final void onWebSocketOpen(Session s) {
        configure(s);
        s.setIdleTimeout(IDLE_TIMEOUT);
        session = s;
        outbox = new Outbox(s, MAX_QUEUED);
        Optional<Drain.Registration> admitted = drain.admit(Drain.Member.of(
                () -> peer + " socket from " + s.getRemoteSocketAddress() + (meeting == null ? ""
                        : " (meeting " + meeting.id() + ")"), this::drainNow, this::goAway));
        if (admitted.isEmpty()) {
            log.log(System.Logger.Level.INFO, "refusing a {0} connection: this node is draining", peer);
            s.close(StatusCode.TRY_AGAIN_LATER, "draining, reconnect", Callback.NOOP);
            return;
        }
        registration = admitted.get();
        meeting = openMeeting(s);
    }

    @Override
    public final void onWebSocketText(String message) {
        synchronized (inputLock) {
            if (meeting != null && !draining) {
                text(message);
            }
        }
    }

    @Override
    public final void onWebSocketBinary(ByteBuffer frame, Callback callback) {
        try {
            synchronized (inputLock) {
                if (meeting != null && !draining) {
                    binary(frame);
                }
            }
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.WARNING, peer + " frame failed", e);
            drop("frame failed: " + e.getMessage());
        } finally {
            callback.succeed();
        }
    }

    @Override
    public final void onWebSocketClose(int statusCode, String reason) {
        synchronized (inputLock) {
            endParticipants();
        }
        Drain.Registration r = registration;
        if (r != null) {
            r.close();
        }
        log.log(System.Logger.Level.INFO, "{0} connection for meeting {1} closed ({2} {3}); {4} dropped as bad input",
                peer, meeting == null ? "?" : meeting.id(), statusCode, reason, dropped.get());
    }

    @Override
    public final void onWebSocketError(Throwable cause) {
        log.log(System.Logger.Level.DEBUG, "websocket error: " + cause);
    }

    /** Input dropped as bad so far. */
    public final long dropped() {
        return dropped.get();
    }

    /** Adjusts the new session before it is used (message size limits); nothing by default. */
    protected void configure(Session s) {
    }

    /** Handles one text message once the meeting is open. */
    protected abstract void text(String message);

    /**
     * Handles one binary frame once the meeting is open; a runtime exception drops it. Jetty's callback is completed
     * afterwards.
     */
    protected abstract void binary(ByteBuffer frame);

    /**
     * Ends the connection's participants: their last words are still committed. Called with the input lock held, when
     * the socket closes and when the node drains (so possibly twice: ending an ended participant does nothing).
     *
     * @return completes once they are over: their finals stored and queued on the outbox (see
     *         {@link dev.steno.jitsi.meeting.ParticipantFeed#endStream()})
     */
    protected abstract CompletableFuture<Void> endParticipants();

    /** Who drops input, as the log names it; the meeting by default. */
    protected String dropSubject() {
        return "meeting " + (meeting == null ? "?" : meeting.id());
    }

    /** The connection's meeting; null before open and when it could not be opened (the socket is then closing). */
    protected final Meeting meeting() {
        return meeting;
    }

    /** Where results go; null before open. */
    protected final Outbox outbox() {
        return outbox;
    }

    /**
     * A listener that sends a participant's results as {@code format} writes them: an interim result may be replaced
     * by the participant's next one while it waits in the outbox, a final one always goes out.
     */
    protected final ParticipantListener results(BiFunction<Participant, Utterance, String> format) {
        return new ParticipantListener() {
            @Override
            public void onInterim(Participant p, Utterance u) {
                outbox.sendReplaceable(format.apply(p, u), p.id());
            }

            @Override
            public void onFinal(Participant p, Utterance u) {
                outbox.send(format.apply(p, u));
            }
        };
    }

    /** Drops a piece of bad input: counted, and logged (the first ten, then every thousandth). */
    protected final void drop(String reason) {
        long n = dropped.incrementAndGet();
        // a flood of bad input must not flood the log
        if (n <= 10 || n % 1000 == 0) {
            log.log(System.Logger.Level.WARNING, "{0}: dropped {1} ({2} so far): {3}", dropSubject(), droppedInput, n,
                    reason);
        }
    }

    /**
     * A text message as a JSON object, or null after dropping it as too long, malformed or not an object.
     *
     * @param noun what a message is called in the drop reasons ("an event", "a message")
     */
    protected final JsonNode jsonObject(String message, int maxChars, String noun) {
        if (message.length() > maxChars) {
            drop(noun + " of " + message.length() + " characters exceeds the limit of " + maxChars);
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(message);
        } catch (JsonProcessingException e) {
            drop("malformed JSON: " + e.getOriginalMessage());
            return null;
        }
        if (node == null || !node.isObject()) {
            drop(noun + " must be a JSON object");
            return null;
        }
        return node;
    }

    /** Whether a binary frame of {@code bytes} is within {@code maxBytes}; drops it when it is not. */
    protected final boolean frameFits(int bytes, int maxBytes) {
        if (bytes > maxBytes) {
            drop("frame of " + bytes + " bytes exceeds the limit of " + maxBytes);
            return false;
        }
        return true;
    }

    /** The node drains: take no more input, end the participants, close with 1001 once their finals are out. */
    private void drainNow() {
        CompletableFuture<Void> ended;
        synchronized (inputLock) {
            draining = true;
            try {
                ended = meeting == null ? CompletableFuture.completedFuture(null) : endParticipants();
            } catch (RuntimeException e) {
                // the peer must still hear that it should reconnect; what was committed is stored already
                log.log(System.Logger.Level.WARNING, "draining the " + peer + " connection for meeting "
                        + meeting.id() + ": ending its participants failed: " + e.getMessage(), e);
                ended = CompletableFuture.completedFuture(null);
            }
        }
        ended.whenComplete((v, error) -> outbox.closeAfterFlush(StatusCode.SHUTDOWN, DRAINED));
    }

    /** The drain's deadline: close with 1001 now, so that the peer reconnects elsewhere. */
    private void goAway() {
        session.close(StatusCode.SHUTDOWN, DRAINED, Callback.NOOP);
    }

    /** Opens the meeting; when that is refused (a bad id, the meeting limit) closes the socket with 1008. */
    private Meeting openMeeting(Session session) {
        try {
            Meeting m = meetingSource.get();
            log.log(System.Logger.Level.INFO, "{0} {1} streams meeting {2}", peer, session.getRemoteSocketAddress(),
                    m.id());
            return m;
        } catch (IllegalArgumentException e) {
            log.log(System.Logger.Level.WARNING, "refusing a " + peer + " connection: " + e.getMessage());
            session.close(StatusCode.POLICY_VIOLATION, e.getMessage(), Callback.NOOP);
            return null;
        }
    }
}
