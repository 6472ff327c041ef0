package dev.steno.jitsi.skynet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steno.engine.audio.PcmS16leDecoder;
import dev.steno.jitsi.meeting.Meeting;
import dev.steno.jitsi.meeting.NoCapacityException;
import dev.steno.jitsi.meeting.Participant;
import dev.steno.jitsi.meeting.ParticipantFeed;
import dev.steno.jitsi.meeting.Utterance;
import dev.steno.jitsi.ws.MeetingSocket;
import dev.steno.server.Drain;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

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
public final class SkynetConnection extends MeetingSocket {
    private static final System.Logger LOG = System.getLogger(SkynetConnection.class.getName());

    private final String defaultLanguage;
    private final int maxFrameBytes;
    private final Map<String, Stream> participants = new ConcurrentHashMap<>();
    /** Reused for every frame's PCM: Jetty delivers one frame of a connection at a time. */
    private byte[] scratch = new byte[0];

    private record Stream(ParticipantFeed feed, PcmS16leDecoder decoder) {
    }

    /**
     * @param meetingSource   opens the connection's meeting
     * @param drain           the node's lifecycle (see {@link MeetingSocket})
     * @param defaultLanguage language for headers that name none, or null for the server default
     * @param maxFrameBytes   largest frame accepted (header included)
     */
    public SkynetConnection(Supplier<Meeting> meetingSource, Drain drain, String defaultLanguage, int maxFrameBytes) {
        super(meetingSource, drain, "Jigasi", "a bad Jigasi frame");
        this.defaultLanguage = defaultLanguage;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void binary(ByteBuffer frame) {
        int n = frame.remaining();
        if (n == 1 && frame.get(frame.position()) == 0) {
            LOG.log(System.Logger.Level.INFO, "Jigasi ended meeting {0}''s {1} participant stream(s)", meeting().id(),
                    participants.size());
            endParticipants();
            return;
        }
        if (!frameFits(n, maxFrameBytes)) {
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
                feed = new ParticipantFeed(meeting(), header.participantId(), null, lang,
                        results(SkynetConnection::result));
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
    protected void text(String message) {
        drop("text frames are not part of the skynet protocol: send 60-byte header + PCM as binary frames");
    }

    @Override
    protected CompletableFuture<Void> endParticipants() {
        List<CompletableFuture<Void>> ended = new ArrayList<>();
        for (Stream s : participants.values()) {
            ended.add(s.feed().endStream());
        }
        participants.clear();
        return CompletableFuture.allOf(ended.toArray(CompletableFuture[]::new));
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
}
