package dev.steno.jitsi.skynet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steno.engine.audio.PcmS16leDecoder;
import dev.steno.jitsi.meeting.Meeting;
import dev.steno.jitsi.meeting.NoCapacityException;
import dev.steno.jitsi.meeting.Participant;
import dev.steno.jitsi.meeting.ParticipantFeed;
import dev.steno.jitsi.meeting.ParticipantListener;
import dev.steno.jitsi.meeting.Utterance;
import dev.steno.jitsi.ws.Outbox;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One Jigasi connection on {@code /streaming-whisper/ws/{id}} (or {@code /ws/{id}}), speaking skynet's protocol:
 * binary frames of a 60-byte {@code participant|lang} header plus 16 kHz s16le PCM, many participants on one socket;
 * a single {@code 0x00} byte ends the participants. Results go back as
 * {@code {"id","participant_id","ts","text","audio","type":"interim"|"final","variance"}} with {@code variance}
 * always written with a decimal point (Jigasi reads it as a double). Results with empty text are never sent.
 *
 * <p>Bad frames (short, without {@code |}, oversized, text frames) are dropped with a logged reason; the connection and
 * the other participants continue. Closing the connection ends its participants.
 */
public final class SkynetConnection implements Session.Listener.AutoDemanding {
    private static final System.Logger LOG = System.getLogger(SkynetConnection.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_QUEUED = 10_000;

    private final Supplier<Meeting> meetingSource;
    private final String defaultLanguage;
    private final int maxFrameBytes;
    private final Map<String, Stream> participants = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private volatile Outbox outbox;
    private volatile Meeting meeting;
    /** Reused for every frame's PCM: Jetty delivers one frame of a connection at a time. */
    private byte[] scratch = new byte[0];

    private record Stream(ParticipantFeed feed, PcmS16leDecoder decoder) {
    }

    /**
     * @param meetingSource   opens the connection's meeting
     * @param defaultLanguage language for headers that name none, or null for the server default
     * @param maxFrameBytes   largest frame accepted (header included)
     */
    public SkynetConnection(Supplier<Meeting> meetingSource, String defaultLanguage, int maxFrameBytes) {
        this.meetingSource = meetingSource;
        this.defaultLanguage = defaultLanguage;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public void onWebSocketOpen(Session s) {
        s.setIdleTimeout(dev.steno.jitsi.ws.Sockets.IDLE_TIMEOUT);
        outbox = new Outbox(s, MAX_QUEUED);
        meeting = dev.steno.jitsi.ws.Sockets.openMeeting(s, meetingSource, "Jigasi");
    }

    @Override
    public void onWebSocketBinary(ByteBuffer frame, Callback callback) {
        try {
            if (meeting != null) {
                frame(frame);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Jigasi frame failed", e);
            drop("frame failed: " + e.getMessage());
        } finally {
            callback.succeed();
        }
    }

    private void frame(ByteBuffer frame) {
        int n = frame.remaining();
        if (n == 1 && frame.get(frame.position()) == 0) {
            LOG.log(System.Logger.Level.INFO, "Jigasi ended meeting {0}''s {1} participant stream(s)", meeting.id(),
                    participants.size());
            endAll();
            return;
        }
        if (n > maxFrameBytes) {
            drop("frame of " + n + " bytes exceeds the limit of " + maxFrameBytes);
            return;
        }
        SkynetHeader header;
        try {
            header = SkynetHeader.parse(frame);
        } catch (IllegalArgumentException e) {
            drop(e.getMessage());
            return;
        }
        Stream stream = participants.get(header.participantId());
        if (stream == null) {
            String lang = header.language() != null ? header.language() : defaultLanguage;
            ParticipantFeed feed;
            try {
                feed = new ParticipantFeed(meeting, header.participantId(), null, lang, new Results());
            } catch (IllegalArgumentException e) {
                drop(e.getMessage());
                return;
            }
            stream = new Stream(feed, new PcmS16leDecoder(feed::addAudio16k));
            participants.put(header.participantId(), stream);
        }
        // a participant quiet for a while (muted, gone) ends its stream; its next audio starts a new one
        stream.feed().endIfIdle();
        int pcm = n - SkynetHeader.SIZE;
        if (scratch.length < pcm) {
            scratch = new byte[pcm];
        }
        frame.get(frame.position() + SkynetHeader.SIZE, scratch, 0, pcm);
        try {
            stream.decoder().push(scratch, 0, pcm);
        } catch (NoCapacityException e) {
            drop("participant " + header.participantId() + ": " + e.getMessage());
        }
    }

    @Override
    public void onWebSocketText(String message) {
        drop("text frames are not part of the skynet protocol: send 60-byte header + PCM as binary frames");
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        endAll();
        LOG.log(System.Logger.Level.INFO, "Jigasi connection for meeting {0} closed ({1} {2}); {3} frames dropped",
                meeting == null ? "?" : meeting.id(), statusCode, reason, dropped.get());
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.log(System.Logger.Level.DEBUG, "websocket error: " + cause);
    }

    private void endAll() {
        for (Stream s : participants.values()) {
            s.feed().endStream();
        }
        participants.clear();
    }

    /** Sends results in skynet's shape. */
    private final class Results implements ParticipantListener {
        @Override
        public void onInterim(Participant p, Utterance u) {
            outbox.sendReplaceable(result(p, u), p.id());
        }

        @Override
        public void onFinal(Participant p, Utterance u) {
            outbox.send(result(p, u));
        }
    }

    /** A skynet result message. */
    static String result(Participant p, Utterance u) {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", u.messageId());
        r.put("participant_id", p.id());
        r.put("ts", System.currentTimeMillis());
        r.put("text", u.text());
        r.put("audio", "");
        r.put("type", u.isFinal() ? "final" : "interim");
        r.put("variance", variance(u));
        return r.toString();
    }

    /**
     * The value of {@code variance}: the words' mean confidence when the backend reports one, else 1.0 for a final
     * and 0.5 for an interim result. A Java double always serialises with a decimal point ("1.0"), which Jigasi needs.
     */
    static double variance(Utterance u) {
        if (!Double.isNaN(u.confidence())) {
            return Math.round(u.confidence() * 1000) / 1000.0;
        }
        return u.isFinal() ? 1.0 : 0.5;
    }

    private void drop(String reason) {
        long n = dropped.incrementAndGet();
        if (n <= 10 || n % 1000 == 0) {
            LOG.log(System.Logger.Level.WARNING, "meeting {0}: dropped a bad Jigasi frame ({1} so far): {2}",
                    meeting == null ? "?" : meeting.id(), n, reason);
        }
    }
}
