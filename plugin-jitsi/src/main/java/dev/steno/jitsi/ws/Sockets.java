package dev.steno.jitsi.ws;

import dev.steno.jitsi.meeting.Meeting;
import java.time.Duration;
import java.util.function.Supplier;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;

/** Settings and the opening step every Jitsi socket shares. */
public final class Sockets {
    /**
     * How long a Jitsi socket may stay without traffic: meetings can be silent for long stretches, and a bridge or
     * Jigasi that goes quiet is not gone, so this is longer than the server's default for browser clients.
     */
    public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(15);

    private static final System.Logger LOG = System.getLogger(Sockets.class.getName());

    private Sockets() {
    }

    /**
     * Opens the meeting a new socket streams into. When the meeting cannot be opened (a bad id, the meeting limit)
     * the socket is closed with 1008 and the reason, the refusal is logged, and null is returned.
     *
     * @param peer what connected, for the log ("videobridge", "Jigasi", "Vosk client")
     */
    public static Meeting openMeeting(Session session, Supplier<Meeting> meetingSource, String peer) {
        try {
            Meeting meeting = meetingSource.get();
            LOG.log(System.Logger.Level.INFO, "{0} {1} streams meeting {2}", peer, session.getRemoteSocketAddress(),
                    meeting.id());
            return meeting;
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "refusing a " + peer + " connection: " + e.getMessage());
            session.close(StatusCode.POLICY_VIOLATION, e.getMessage(), Callback.NOOP);
            return null;
        }
    }
}
