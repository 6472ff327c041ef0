package dev.steno.jitsi.vosk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steno.engine.audio.PcmS16leDecoder;
import dev.steno.engine.audio.Resampler;
import dev.steno.engine.transcript.Word;
import dev.steno.jitsi.meeting.Meeting;
import dev.steno.jitsi.meeting.NoCapacityException;
import dev.steno.jitsi.meeting.Participant;
import dev.steno.jitsi.meeting.ParticipantFeed;
import dev.steno.jitsi.meeting.ParticipantListener;
import dev.steno.jitsi.meeting.Utterance;
import dev.steno.jitsi.ws.MeetingSocket;
import dev.steno.jitsi.ws.Paths;
import dev.steno.server.Drain;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * One vosk-server client: text {@code {"config":{"sample_rate":48000}}}, then binary s16le mono PCM at that rate,
 * then {@code {"eof":1}}. Answers {@code {"partial":"..."}} while an utterance is spoken and
 * {@code {"text":"...","result":[{"word","start","end","conf"}]}} when it is final (times in seconds from the start of
 * this socket's audio). After {@code eof} the last words are committed and sent, then the socket closes normally.
 *
 * <p>Bad input (malformed JSON, unknown messages, a bad sample rate, oversized frames) is dropped with a logged
 * reason and the stream continues.
 */
public final class VoskConnection extends MeetingSocket {
    /** What vosk-server assumes without a config message. */
    static final int DEFAULT_RATE = 16_000;

    private final String participantId;
    private final String displayName;
    private final String language;
    private final int maxFrameBytes;
    private final int maxTextChars;
    private int sampleRate = DEFAULT_RATE;
    private ParticipantFeed feed;
    private PcmS16leDecoder decoder;
    private Resampler resampler;
    private float[] resampled = new float[0];
    /** Reused for every frame: Jetty delivers one frame of a connection at a time. */
    private byte[] scratch = new byte[0];
    private volatile boolean ended;
    /** The stream that was open at eof: when it has ended, everything is sent and the socket closes. */
    private volatile Participant eofStream;

    /**
     * @param drain         the node's lifecycle (see {@link MeetingSocket})
     * @param participantId the participant this socket carries
     * @param displayName   its display name, or null
     * @param language      language to transcribe, or null for the server default
     */
    public VoskConnection(Supplier<Meeting> meetingSource, Drain drain, String participantId, String displayName,
                          String language, int maxFrameBytes, int maxTextChars) {
        super(meetingSource, drain, "Vosk client", "bad input");
        this.participantId = participantId;
        this.displayName = displayName;
        this.language = language;
        this.maxFrameBytes = maxFrameBytes;
        this.maxTextChars = maxTextChars;
    }

    @Override
    protected void text(String message) {
        JsonNode m = jsonObject(message, maxTextChars, "a message");
        if (m == null) {
            return;
        }
        if (m.has("config")) {
            config(m.get("config"));
        } else if (m.has("eof")) {
            end();
        } else {
            drop("unknown message " + abbreviate(message) + ": expected config or eof");
        }
    }

    private void config(JsonNode config) {
        JsonNode rate = config.path("sample_rate");
        if (rate.isMissingNode()) {
            return; // other settings (words, max_alternatives, phrase_list) change nothing here
        }
        double r = rate.isNumber() ? rate.asDouble() : parse(rate.asText());
        if (!(r >= 8000 && r <= 192_000) || r != Math.rint(r)) {
            drop("sample_rate " + rate + " is not a whole number of Hz between 8000 and 192000");
            return;
        }
        if (feed != null) {
            drop("sample_rate must be set before audio; keeping " + sampleRate + " Hz");
            return;
        }
        sampleRate = (int) r;
    }

    @Override
    protected void binary(ByteBuffer frame) {
        if (ended || !frameFits(frame.remaining(), maxFrameBytes)) {
            return;
        }
        try {
            if (feed == null && !join()) {
                return;
            }
            feed.endIfIdle();
            int n = frame.remaining();
            if (scratch.length < n) {
                scratch = new byte[n];
            }
            frame.get(scratch, 0, n);
            decoder.push(scratch, 0, n);
        } catch (NoCapacityException e) {
            drop(e.getMessage());
        }
    }

    private boolean join() {
        try {
            feed = new ParticipantFeed(meeting(), participantId, displayName, language, new Results());
            feed.participant();
        } catch (NoCapacityException e) {
            drop(e.getMessage());
            outbox().closeAfterFlush(StatusCode.TRY_AGAIN_LATER, "the server is at its maximum number of sessions");
            ended = true;
            return false;
        } catch (IllegalArgumentException e) {
            drop(e.getMessage());
            outbox().closeAfterFlush(StatusCode.POLICY_VIOLATION, Paths.closeReason(e.getMessage()));
            ended = true;
            return false;
        }
        if (sampleRate != 16_000) {
            resampler = new Resampler(sampleRate, 16_000);
        }
        decoder = new PcmS16leDecoder(this::audio);
        return true;
    }

    private void audio(float[] samples, int off, int len) {
        if (resampler == null) {
            feed.addAudio16k(samples, off, len);
            return;
        }
        int max = resampler.maxOutput(len);
        if (resampled.length < max) {
            resampled = new float[max];
        }
        int n = resampler.process(samples, off, len, resampled, 0);
        feed.addAudio16k(resampled, 0, n);
    }

    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        Participant last = feed == null ? null : feed.current();
        if (last == null) {
            outbox().send("{\"text\":\"\"}");
            outbox().closeAfterFlush(StatusCode.NORMAL, "eof");
            return;
        }
        eofStream = last; // once it has ended, everything is sent and the socket closes
        if (resampler != null) {
            last.addAudio16k(resampled, 0, resampler.flush(resampled, 0));
        }
        feed.endStream();
        if (last.isDone()) {
            // it ended before we marked it (closing twice is a no-op)
            outbox().closeAfterFlush(StatusCode.NORMAL, "eof");
        }
    }

    @Override
    protected CompletableFuture<Void> endParticipants() {
        if (feed == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (!ended) {
            ended = true;
            return feed.endStream();
        }
        // after eof: the stream that was open then may still be finishing
        Participant last = eofStream;
        return last == null ? CompletableFuture.completedFuture(null) : last.finished().exceptionally(error -> null);
    }

    /** Vosk's partial and final messages; times relative to this socket's audio. */
    private final class Results implements ParticipantListener {
        @Override
        public void onInterim(Participant p, Utterance u) {
            ObjectNode m = JSON.createObjectNode();
            m.put("partial", u.text());
            outbox().sendReplaceable(m.toString(), "partial");
        }

        @Override
        public void onFinal(Participant p, Utterance u) {
            ObjectNode m = JSON.createObjectNode();
            ArrayNode words = m.putArray("result");
            for (Word w : u.words()) {
                ObjectNode o = words.addObject();
                o.put("conf", Double.isNaN(w.probability()) ? 1.0 : round(w.probability()));
                o.put("end", round(w.end() - p.offsetSeconds()));
                o.put("start", round(w.start() - p.offsetSeconds()));
                o.put("word", w.bare());
            }
            m.put("text", u.text());
            outbox().send(m.toString());
        }

        @Override
        public void onEnded(Participant p, Throwable error) {
            if (ended && p == eofStream) {
                outbox().closeAfterFlush(StatusCode.NORMAL, "eof");
            }
        }
    }

    @Override
    protected String dropSubject() {
        return "vosk client " + participantId;
    }

    private static double parse(String s) {
        try {
            return Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
