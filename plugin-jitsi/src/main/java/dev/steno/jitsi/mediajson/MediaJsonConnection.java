package dev.steno.jitsi.mediajson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steno.engine.audio.AudioFormatException;
import dev.steno.engine.audio.Concealment;
import dev.steno.engine.audio.OpusPacketDecoder;
import dev.steno.jitsi.meeting.Meeting;
import dev.steno.jitsi.meeting.MeetingTranscript;
import dev.steno.jitsi.meeting.NoCapacityException;
import dev.steno.jitsi.meeting.Participant;
import dev.steno.jitsi.meeting.ParticipantFeed;
import dev.steno.jitsi.meeting.Utterance;
import dev.steno.jitsi.ws.MeetingSocket;
import dev.steno.server.Drain;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One videobridge connection on {@code /transcribe/{meetingId}}: the bridge streams every participant's Opus packets
 * as JSON events ({@code start}, {@code media}, {@code stop}, {@code ping}, {@code info}); each {@code tag}
 * ({@code <endpointId>-<ssrc>}) gets an Opus decoder feeding the participant {@code endpointId}; results go back as
 * {@code transcription-result} messages for the bridge to relay.
 *
 * <p>Bad input (malformed JSON, unknown events, bad base64, invalid Opus, media for a tag that never started,
 * oversized messages) is dropped with a logged reason; the connection and every other participant continue.
 * Closing the connection ends its participants: their last words are still committed and stored.
 */
public final class MediaJsonConnection extends MeetingSocket {
    private static final System.Logger LOG = System.getLogger(MediaJsonConnection.class.getName());

    private final String defaultLanguage;
    private final int maxTextChars;
    private final Map<String, TagStream> streams = new ConcurrentHashMap<>();

    /** One {@code tag}: an Opus stream of one participant. */
    private static final class TagStream {
        final String tag;
        final ParticipantFeed feed;
        OpusPacketDecoder decoder;
        int lastSeq = -1;
        long lastTimestamp = Long.MIN_VALUE;
        private boolean flushing;

        TagStream(String tag, ParticipantFeed feed) {
            this.tag = tag;
            this.feed = feed;
            this.decoder = newDecoder();
        }

        private OpusPacketDecoder newDecoder() {
            return new OpusPacketDecoder(Concealment.MILLISECOND_TIMESTAMPS, 0, 0, this::decoded);
        }

        private void decoded(float[] samples, int off, int len) {
            if (flushing) {
                feed.addAudio16kToOpen(samples, off, len);
            } else {
                feed.addAudio16k(samples, off, len);
            }
        }

        /** The participant was quiet too long: end its stream; the next packet starts a new one, decoded afresh. */
        void restartIfIdle() {
            if (feed.isIdle()) {
                flushDecoder();
                feed.endStream();
                decoder = newDecoder();
                lastTimestamp = Long.MIN_VALUE;
            }
        }

        CompletableFuture<Void> end() {
            flushDecoder();
            return feed.endStream();
        }

        /**
         * The decoder's last samples go to the stream still open; where none is (the node's drain ended it already,
         * or no audio came), those few milliseconds are dropped rather than joining the participant again.
         */
        private void flushDecoder() {
            flushing = true;
            try {
                decoder.end();
            } finally {
                flushing = false;
            }
        }
    }

    /**
     * @param meetingSource   opens the connection's meeting (on open, so that a bad id closes the connection)
     * @param drain           the node's lifecycle (see {@link MeetingSocket})
     * @param defaultLanguage language of the results, and of the transcription when not null
     * @param maxTextChars    longest event accepted
     */
    public MediaJsonConnection(Supplier<Meeting> meetingSource, Drain drain, String defaultLanguage,
                               int maxTextChars) {
        super(meetingSource, drain, "videobridge", "bad input from the bridge");
        this.defaultLanguage = defaultLanguage;
        this.maxTextChars = maxTextChars;
    }

    @Override
    protected void configure(Session s) {
        // take events up to 1 MiB ourselves, so that one over our own limit is dropped rather than ending the socket
        s.setMaxTextMessageSize(Math.max(maxTextChars, 1 << 20));
    }

    @Override
    protected void text(String message) {
        JsonNode event = jsonObject(message, maxTextChars, "an event");
        if (event == null) {
            return;
        }
        String type = event.path("event").asText("");
        try {
            switch (type) {
                case "start" -> start(event.path("start"));
                case "media" -> media(event.path("media"));
                case "stop" -> stop(event);
                case "ping" -> pong(event);
                case "info" -> LOG.log(System.Logger.Level.DEBUG, "bridge info for meeting {0}: {1}", meeting().id(),
                        event.path("info"));
                default -> drop("unknown event '" + type + "'");
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "event '" + type + "' failed", e);
            drop("event '" + type + "' failed: " + e.getMessage());
        }
    }

    @Override
    protected void binary(ByteBuffer payload) {
        drop("binary frames are not part of the mediajson protocol (" + payload.remaining() + " bytes)");
    }

    @Override
    protected CompletableFuture<Void> endParticipants() {
        List<CompletableFuture<Void>> ended = new ArrayList<>();
        for (TagStream t : streams.values()) {
            ended.add(t.end());
        }
        streams.clear();
        return CompletableFuture.allOf(ended.toArray(CompletableFuture[]::new));
    }

    private void start(JsonNode start) {
        String tag = start.path("tag").asText("");
        if (tag.isEmpty()) {
            drop("start without a tag");
            return;
        }
        String encoding = start.path("mediaFormat").path("encoding").asText("opus");
        if (!encoding.equalsIgnoreCase("opus")) {
            drop("start of tag " + tag + ": encoding '" + encoding + "' is not supported (only opus)");
            return;
        }
        String endpoint = start.path("customParameters").path("endpointId").asText("");
        if (endpoint.isEmpty()) {
            int dash = tag.lastIndexOf('-');
            endpoint = dash > 0 ? tag.substring(0, dash) : tag;
        }
        TagStream old = streams.remove(tag);
        if (old != null) {
            endStream(old);
        }
        // one stream per endpoint: a new tag for an endpoint (new SSRC) replaces its previous one
        for (TagStream t : streams.values()) {
            if (t.feed.participantId().equals(endpoint)) {
                streams.remove(t.tag);
                t.end();
            }
        }
        String lang = firstNonBlank(start.path("customParameters").path("language").asText(null), defaultLanguage);
        String name = start.path("customParameters").path("displayName").asText(null);
        ParticipantFeed feed;
        try {
            feed = new ParticipantFeed(meeting(), endpoint, name, lang, results((p, u) -> result(tag, p, u)));
            feed.participant(); // join now, so that a full server is reported at the start
        } catch (NoCapacityException | IllegalArgumentException e) {
            drop("start of tag " + tag + ": " + e.getMessage());
            return;
        }
        streams.put(tag, new TagStream(tag, feed));
    }

    private void media(JsonNode media) {
        String tag = media.path("tag").asText("");
        TagStream t = streams.get(tag);
        if (t == null) {
            drop("media for tag '" + tag + "' that was not started");
            return;
        }
        byte[] packet;
        try {
            packet = Base64.getDecoder().decode(media.path("payload").asText(""));
        } catch (IllegalArgumentException e) {
            drop("media of tag " + tag + ": payload is not base64 (" + e.getMessage() + ")");
            return;
        }
        t.restartIfIdle();
        Integer seq = number(media.path("chunk"));
        Long timestamp = longNumber(media.path("timestamp"));
        if (seq != null) {
            int s = seq & 0xFFFF;
            if (t.lastSeq >= 0) {
                int delta = (s - t.lastSeq) & 0xFFFF;
                if (delta == 0 || delta >= 0x8000) {
                    drop("media of tag " + tag + ": packet " + s + " is a duplicate or late (last " + t.lastSeq + ")");
                    return;
                }
            }
            t.lastSeq = s;
        }
        long ms = OpusPacketDecoder.NO_TIMESTAMP;
        if (timestamp != null) {
            // RTP timestamps are 32-bit and wrap; extend them so that time keeps increasing
            long ts = timestamp & 0xFFFF_FFFFL;
            long ext = t.lastTimestamp == Long.MIN_VALUE ? ts
                    : t.lastTimestamp + (int) (ts - (t.lastTimestamp & 0xFFFF_FFFFL));
            t.lastTimestamp = ext;
            ms = Math.floorDiv(ext, 48);
        }
        try {
            t.decoder.decode(packet, 0, packet.length, ms);
        } catch (AudioFormatException e) {
            drop("media of tag " + tag + ": " + e.getMessage());
        } catch (NoCapacityException e) {
            drop("media of tag " + tag + ": " + e.getMessage());
        }
    }

    private void stop(JsonNode event) {
        String tag = event.path("stop").path("tag").asText(event.path("tag").asText(""));
        if (tag.isEmpty()) {
            endParticipants();
            return;
        }
        TagStream t = streams.remove(tag);
        if (t == null) {
            drop("stop for tag '" + tag + "' that was not started");
            return;
        }
        endStream(t);
    }

    private void pong(JsonNode ping) {
        ObjectNode pong = JSON.createObjectNode();
        pong.put("event", "pong");
        JsonNode id = ping.get("id");
        if (id != null) {
            pong.set("id", id);
        }
        outbox().send(pong.toString());
    }

    private void endStream(TagStream t) {
        t.end();
    }

    /** A participant's caption for the bridge to relay. */
    private String result(String tag, Participant p, Utterance u) {
        ObjectNode r = JSON.createObjectNode();
        r.put("type", "transcription-result");
        r.put("event", "transcription-result");
        r.put("is_interim", !u.isFinal());
        r.put("message_id", u.messageId());
        ObjectNode alt = r.putArray("transcript").addObject();
        alt.put("text", u.text());
        if (!Double.isNaN(u.confidence())) {
            alt.put("confidence", Math.round(u.confidence() * 1000) / 1000.0);
        }
        ObjectNode participant = r.putObject("participant");
        participant.put("id", p.id());
        participant.put("tag", tag);
        if (p.displayName() != null) {
            // a further voice at the participant's microphone is "Name (2)": the id stays the participant's
            participant.put("name", MeetingTranscript.voiceLabel(p.displayName(), u.voice()));
        }
        r.put("timestamp", System.currentTimeMillis());
        r.put("language", firstNonBlank(p.language(), defaultLanguage, "en"));
        return r.toString();
    }

    private static Integer number(JsonNode n) {
        Long v = longNumber(n);
        return v == null ? null : (int) (long) v;
    }

    /** The bridge writes numbers as JSON strings; accept both. */
    private static Long longNumber(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            return null;
        }
        if (n.isNumber()) {
            return n.asLong();
        }
        try {
            return Long.parseLong(n.asText().strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
