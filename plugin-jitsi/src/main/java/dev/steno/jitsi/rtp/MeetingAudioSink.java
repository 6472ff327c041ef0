package dev.steno.jitsi.rtp;

import dev.steno.jitsi.meeting.MeetingRegistry;
import dev.steno.jitsi.meeting.NoCapacityException;
import dev.steno.jitsi.meeting.Participant;
import dev.steno.jitsi.meeting.ParticipantFeed;
import dev.steno.jitsi.meeting.ParticipantListener;
import dev.steno.jitsi.meeting.Utterance;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * RTP participants as meeting participants: each mapped stream feeds its meeting's participant (one engine session,
 * its own speaker), so RTP audio from Janus, mediasoup or Kurento ends up in the same stored, exportable meeting
 * transcripts as the videobridge and Jigasi entry points. A participant refused for lack of session slots is logged
 * and its audio dropped; everyone else continues.
 */
public final class MeetingAudioSink implements ParticipantAudioSink {
    private static final System.Logger LOG = System.getLogger(MeetingAudioSink.class.getName());

    private final Supplier<MeetingRegistry> registry;
    private final String language;
    private final Map<RtpParticipant, ParticipantFeed> feeds = new ConcurrentHashMap<>();

    /**
     * @param language the participants' language, or null for the server default
     */
    public MeetingAudioSink(MeetingRegistry registry, String language) {
        this(() -> registry, language);
        Objects.requireNonNull(registry, "registry");
    }

    /**
     * A sink whose registry is looked up on the first participant (the Jitsi extension creates its registry when the
     * server installs it, after this sink is built).
     */
    public MeetingAudioSink(Supplier<MeetingRegistry> registry, String language) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.language = language;
    }

    @Override
    public void start(RtpParticipant p) {
        feed(p);
    }

    @Override
    public void audio(RtpParticipant p, float[] pcm16k, int off, int len) {
        try {
            feed(p).addAudio16k(pcm16k, off, len); // the feed copies: the decoder reuses its array
        } catch (NoCapacityException full) {
            LOG.log(System.Logger.Level.WARNING, "no free session for RTP participant {0} (raise --max-sessions); "
                    + "its audio is not transcribed", p);
        }
    }

    @Override
    public void end(RtpParticipant p) {
        ParticipantFeed f = feeds.remove(p);
        if (f != null) {
            f.endStream();
        }
    }

    /** Participants with an open feed. */
    public int activeFeeds() {
        return feeds.size();
    }

    private ParticipantFeed feed(RtpParticipant p) {
        return feeds.computeIfAbsent(p, k -> new ParticipantFeed(registry.get().meeting(k.meetingId()), k.participantId(),
                null, language, new ParticipantListener() {
                    @Override
                    public void onFinal(Participant participant, Utterance utterance) {
                        LOG.log(System.Logger.Level.INFO, "[{0}] {1}: {2}", k.meetingId(), k.participantId(),
                                utterance.text());
                    }
                }));
    }
}
