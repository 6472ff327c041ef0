package dev.steno.jitsi.rtp;

import dev.steno.engine.diarization.DiarizerFactory;
import dev.steno.engine.session.SessionListener;
import dev.steno.engine.speaker.DiarizedSpeaker;
import dev.steno.engine.speaker.FixedSpeaker;
import dev.steno.engine.speaker.SpeakerStage;
import dev.steno.engine.stream.LiveStream;
import dev.steno.engine.stream.StreamService;
import dev.steno.engine.transcript.LineSink;
import dev.steno.engine.transcript.SessionLines;
import dev.steno.engine.transcript.SpokenWord;
import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.engine.transcript.Word;
import dev.steno.engine.transcript.Words;
import dev.steno.engine.vad.VadEvent;
import dev.steno.jitsi.meeting.MeetingTranscript;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The simplest useful {@link ParticipantAudioSink}: one live engine session per RTP participant on the shared
 * {@link StreamService} (one model, one bounded scheduler), speaker numbers handed out in arrival order, and
 * every update passed to a callback with its participant. {@code steno serve --rtp-ports} uses it to log committed
 * text until a meeting store takes the updates; a participant refused for lack of session slots is logged and its
 * audio dropped, and everyone else continues.
 *
 * <p>With a diarizer for participants, each participant's stream is diarized within itself (a room microphone with
 * several people). Speaker numbers stay one space across the sink: a participant's first voice keeps the
 * participant's number, and each further voice takes the next free number when it first speaks, so a number never
 * names two voices and a voice change is a speaker change in the update's lines. {@link #label} names them "id",
 * "id (2)", ...
 */
public final class TranscribingSink implements ParticipantAudioSink {
    private static final System.Logger LOG = System.getLogger(TranscribingSink.class.getName());
    private static final double EPS = 1e-6;

    private final StreamService service;
    private final String language;
    private final DiarizerFactory voices;
    private final BiConsumer<RtpParticipant, TranscriptUpdate> updates;
    private final String source;
    private final Map<RtpParticipant, LiveStream> sessions = new ConcurrentHashMap<>();
    private volatile LineSink lines = LineSink.NONE;
    private final AtomicInteger speakers = new AtomicInteger();
    /** Speaker number to the voice it is within its participant, for numbers of voices above the first. */
    private final Map<Integer, Integer> voiceOfSpeaker;

    /**
     * @param language the sessions' language, or null for the server default
     * @param updates  receives every transcript update (on an inference worker; must be quick)
     */
    public TranscribingSink(StreamService service, String language,
                            BiConsumer<RtpParticipant, TranscriptUpdate> updates) {
        this(service, language, null, updates);
    }

    /**
     * @param language the sessions' language, or null for the server default
     * @param voices   diarizes each participant's stream within itself, or null when every participant is one voice;
     *                 not closed by this sink
     * @param updates  receives every transcript update (on an inference worker; must be quick)
     */
    public TranscribingSink(StreamService service, String language, DiarizerFactory voices,
                            BiConsumer<RtpParticipant, TranscriptUpdate> updates) {
        this(service, language, voices, "rtp", updates, new ConcurrentHashMap<>());
    }

    /**
     * @param language the sessions' language, or null for the server default
     * @param voices   diarizes each participant's stream within itself, or null; not closed by this sink
     * @param source   the {@code source} its published lines carry ("rtp", "whip")
     * @param updates  receives every transcript update (on an inference worker; must be quick)
     */
    public TranscribingSink(StreamService service, String language, DiarizerFactory voices, String source,
                            BiConsumer<RtpParticipant, TranscriptUpdate> updates) {
        this(service, language, voices, source, updates, new ConcurrentHashMap<>());
    }

    private TranscribingSink(StreamService service, String language, DiarizerFactory voices, String source,
                             BiConsumer<RtpParticipant, TranscriptUpdate> updates,
                             Map<Integer, Integer> voiceOfSpeaker) {
        this.source = Objects.requireNonNull(source, "source");
        this.service = Objects.requireNonNull(service, "service");
        this.language = language;
        this.voices = voices;
        this.updates = Objects.requireNonNull(updates, "updates");
        this.voiceOfSpeaker = voiceOfSpeaker;
    }

    /** A sink that logs each participant's committed text at INFO level. */
    public static TranscribingSink logging(StreamService service, String language) {
        return logging(service, language, null);
    }

    /**
     * A sink that logs each participant's committed text at INFO level, named by voice when {@code voices} diarizes
     * within participants ("[meeting] alice (2): ...").
     */
    public static TranscribingSink logging(StreamService service, String language, DiarizerFactory voices) {
        Map<Integer, Integer> voiceOfSpeaker = new ConcurrentHashMap<>();
        return new TranscribingSink(service, language, voices, "rtp", (p, u) -> {
            for (Run run : committedRuns(u)) {
                LOG.log(System.Logger.Level.INFO, "[{0}] {1}: {2}", p.meetingId(),
                        label(voiceOfSpeaker, p, run.speaker()), Words.text(run.words()));
            }
        }, voiceOfSpeaker);
    }

    /**
     * The name of a speaker number of this sink's lines: the participant's id for its first voice, "id (k)" for its
     * voice k above.
     */
    public String label(RtpParticipant participant, int speaker) {
        return label(voiceOfSpeaker, participant, speaker);
    }

    private static String label(Map<Integer, Integer> voiceOfSpeaker, RtpParticipant participant, int speaker) {
        return MeetingTranscript.voiceLabel(participant.participantId(), voiceOfSpeaker.getOrDefault(speaker, 1));
    }

    /** Committed lines also go to {@code lines}, with this sink's source, meeting and participant. */
    @Override
    public void publishLinesTo(LineSink lines) {
        this.lines = Objects.requireNonNull(lines, "lines");
    }

    @Override
    public void start(RtpParticipant participant) {
        int speaker = speakers.incrementAndGet();
        SessionLines published = new SessionLines(lines, source, UUID.randomUUID().toString(),
                participant.meetingId(), participant.participantId(), language);
        service.stream()
                .language(language)
                .speaker(voices == null ? new FixedSpeaker(speaker) : new SinkVoices(speaker,
                        new DiarizedSpeaker(voices.newDiarizer())))
                .listener(u -> {
                    updates.accept(participant, u);
                    published.update(u);
                })
                .events(new SessionListener() {
                    @Override
                    public void onOverflow(double droppedSeconds) {
                        LOG.log(System.Logger.Level.WARNING, "{0}: {1} s of audio dropped, transcription lags",
                                participant, droppedSeconds);
                    }
                })
                .open()
                .ifPresentOrElse(s -> sessions.put(participant, s), () -> LOG.log(System.Logger.Level.WARNING,
                "no free session for RTP participant {0} (raise --max-sessions); its audio is not transcribed",
                participant));
    }

    @Override
    public void audio(RtpParticipant participant, float[] pcm16k, int off, int len) {
        LiveStream s = sessions.get(participant);
        if (s != null) {
            s.addAudio(pcm16k, off, len);
        }
    }

    @Override
    public void end(RtpParticipant participant) {
        LiveStream s = sessions.remove(participant);
        if (s != null) {
            s.endOfStream();
        }
    }

    /** Participants with a live session. */
    public int activeSessions() {
        return sessions.size();
    }

    /** Consecutive newly committed words of one speaker. */
    record Run(int speaker, List<Word> words) {
    }

    /** An update's newly committed words, split where the lines they joined change speaker. */
    static List<Run> committedRuns(TranscriptUpdate u) {
        List<Run> runs = new ArrayList<>();
        List<TranscriptLine> lines = u.lines();
        for (Word w : u.newlyCommitted()) {
            int speaker = TranscriptLine.UNKNOWN_SPEAKER;
            // the newly committed words joined the newest lines: the search from the end is short
            for (int i = lines.size() - 1; i >= 0; i--) {
                TranscriptLine l = lines.get(i);
                if (!l.isSilence() && l.start() <= w.start() + EPS) {
                    speaker = l.speaker();
                    break;
                }
            }
            if (runs.isEmpty() || runs.getLast().speaker() != speaker) {
                runs.add(new Run(speaker, new ArrayList<>()));
            }
            runs.getLast().words().add(w);
        }
        return runs;
    }

    /**
     * One participant's diarized voices as speaker numbers of this sink: the first voice is the participant's
     * number, a further one takes the sink's next number when it first speaks.
     */
    private final class SinkVoices implements SpeakerStage {
        private final DiarizedSpeaker voicesOfStream;
        private final Map<Integer, Integer> speakerOfVoice = new HashMap<>();

        SinkVoices(int participantSpeaker, DiarizedSpeaker voicesOfStream) {
            this.voicesOfStream = voicesOfStream;
            speakerOfVoice.put(1, participantSpeaker);
        }

        @Override
        public void accept(float[] samples16k, int offset, int length, List<VadEvent> voiceActivity) {
            voicesOfStream.accept(samples16k, offset, length, voiceActivity);
        }

        @Override
        public List<SpokenWord> attribute(List<Word> committed) {
            return renumber(voicesOfStream.attribute(committed));
        }

        @Override
        public List<SpokenWord> flush() {
            return renumber(voicesOfStream.flush());
        }

        @Override
        public double coverageSeconds() {
            return voicesOfStream.coverageSeconds();
        }

        @Override
        public void close() {
            voicesOfStream.close();
        }

        private List<SpokenWord> renumber(List<SpokenWord> words) {
            List<SpokenWord> out = new ArrayList<>(words.size());
            for (var w : words) {
                int voice = Math.max(1, w.speaker());
                int speaker = speakerOfVoice.computeIfAbsent(voice, v -> {
                    int n = speakers.incrementAndGet();
                    voiceOfSpeaker.put(n, v);
                    return n;
                });
                out.add(new SpokenWord(w.word(), speaker));
            }
            return out;
        }
    }
}
