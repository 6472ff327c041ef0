package dev.steno.server;

import dev.steno.engine.asr.Recognition;
import dev.steno.engine.asr.RecognitionRequest;
import dev.steno.engine.asr.Segment;
import dev.steno.engine.asr.Task;
import dev.steno.engine.corrections.Corrector;
import dev.steno.engine.diarization.DiarizerFactory;
import dev.steno.engine.session.InferenceScheduler;
import dev.steno.engine.speaker.DiarizedSpeaker;
import dev.steno.engine.speaker.SpeakerStage;
import dev.steno.engine.speaker.UnknownSpeaker;
import dev.steno.engine.stream.StreamListener;
import dev.steno.engine.stream.StreamService;
import dev.steno.engine.stream.StreamSimulator;
import dev.steno.engine.transcript.SpokenWord;
import dev.steno.engine.transcript.Word;
import dev.steno.engine.transcript.Words;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * The server's view of the engine: the {@link StreamService} every live session opens its stream on, plus what only
 * a server needs — warm-up before reporting ready, uploads transcribed whole, the metrics and the fan-out of live
 * transcripts, and the optional diarization backend that labels speakers. Thread-safe.
 */
public final class TranscriptionService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TranscriptionService.class.getName());

    /** Samples an upload's diarizer hears at a time (100 ms). */
    private static final int UPLOAD_PIECE = 1600;

    private final StreamService streams;
    private final DiarizerFactory diarization;
    private final ServerMetrics metrics;
    /** Uploads in flight, one per inference worker (see {@link #transcribeWhole}). */
    private final Semaphore uploadSlots;
    private final ServedModel model;
    private final LiveTranscripts live = new LiveTranscripts();
    private volatile boolean ready;

    /** @param streams the shared streams; closed with this service */
    public TranscriptionService(StreamService streams) {
        this(streams, null);
    }

    /**
     * @param streams     the shared streams; closed with this service
     * @param diarization the diarization backend that labels speakers of live sessions and uploads, or null for
     *                    none; owned by this service from now on and closed with it
     */
    public TranscriptionService(StreamService streams, DiarizerFactory diarization) {
        this(streams, diarization, new ServedModel(streams.recognizer().backendName(), 0));
    }

    /**
     * As {@link #TranscriptionService(StreamService, DiarizerFactory)}, naming the loaded model for clients
     * ({@code GET /v1/models}); without a name the model is called after the recogniser's backend.
     */
    public TranscriptionService(StreamService streams, DiarizerFactory diarization, ServedModel model) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.diarization = diarization;
        this.model = Objects.requireNonNull(model, "model");
        this.metrics = new ServerMetrics(streams.counters(), streams.scheduler());
        this.uploadSlots = new Semaphore(Math.max(1, streams.scheduler().stats().workers()), true);
    }

    /** Runs one transcription so that the first client does not pay for lazy native set-up; then reports ready. */
    public void warmUp(float[] audio16k) {
        long t0 = System.nanoTime();
        streams.recognizer().transcribe(new RecognitionRequest(audio16k, "", streams.policies().defaultLanguage(),
                Task.TRANSCRIBE));
        LOG.log(System.Logger.Level.DEBUG, "warm-up took {0} ms", (System.nanoTime() - t0) / 1_000_000);
        ready = true;
    }

    /** True once warm-up finished. */
    public boolean ready() {
        return ready;
    }

    /** The loaded model as clients see it. */
    public ServedModel model() {
        return model;
    }

    public String backendName() {
        return streams.recognizer().backendName();
    }

    /** Where live sessions open their streams. */
    public StreamService streams() {
        return streams;
    }

    public InferenceScheduler scheduler() {
        return streams.scheduler();
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    /** The live client sessions' transcripts, for followers such as OBS captions. */
    public LiveTranscripts live() {
        return live;
    }

    /**
     * Transcribes a whole recording at once (uploads); runs on the caller's thread, sharing the model. Uploads run
     * at most one per inference worker at a time, in arrival order: each holds an encoder call's and a decoding's
     * buffers, which the heap is sized for; the others wait.
     */
    public Recognition transcribeWhole(float[] audio16k, String language, String prompt, Task task) {
        countUpload(audio16k);
        uploadSlots.acquireUninterruptibly();
        try {
            Recognition r = streams.recognizer().transcribe(new RecognitionRequest(audio16k, prompt,
                    language != null ? language : streams.policies().defaultLanguage(), task));
            return corrected(r, streams.corrections().standard());
        } finally {
            uploadSlots.release();
        }
    }

    /** The recognition with the server's term corrections applied to its words, each segment's text rebuilt. */
    static Recognition corrected(Recognition r, Corrector corrector) {
        List<Segment> segments = new ArrayList<>(r.segments().size());
        for (Segment s : r.segments()) {
            if (s.words().isEmpty()) {
                segments.add(s);
                continue;
            }
            List<Word> words = corrector.correct(s.words());
            segments.add(new Segment(s.start(), s.end(), Words.rawText(words), words, s.avgLogprob(),
                    s.noSpeechProbability()));
        }
        return new Recognition(segments, r.detectedLanguage(), r.noSpeechProbability(), r.avgLogprob(),
                r.temperature());
    }

    /**
     * Transcribes a whole recording through a live stream's pipeline (policy, voice activity) as fast as it runs,
     * not at the pace of speech: {@code listener} hears each update as words are committed. Runs on the caller's
     * thread, sharing the model and the upload slots, as {@link #transcribeWhole} does; the stream's task is the
     * server's.
     *
     * @param language ISO 639-1 code, or null for the configured language
     * @param prompt   the client's prompt, kept in front of the context for the whole recording; null or empty for none
     */
    public StreamSimulator.Result streamWhole(float[] audio16k, String language, String prompt,
                                              StreamListener listener) {
        countUpload(audio16k);
        uploadSlots.acquireUninterruptibly();
        try {
            return new StreamSimulator(streams.settings().minChunkSeconds(), false, System::nanoTime)
                    .run(audio16k, streams.stream().language(language).prompt(prompt), listener);
        } finally {
            uploadSlots.release();
        }
    }

    private void countUpload(float[] audio16k) {
        metrics.uploads.increment();
        metrics.uploadMicros.add((long) (audio16k.length / 16.0 * 1000));
    }

    /** The diarization backend, when this server labels speakers. */
    public Optional<DiarizerFactory> diarization() {
        return Optional.ofNullable(diarization);
    }

    /** True when this server labels speakers. */
    public boolean diarizing() {
        return diarization != null;
    }

    /**
     * The speaker stage of one new stream: its own diarizer when this server labels speakers and the client wants
     * it, else no attribution. The stream that gets it owns it.
     */
    public SpeakerStage speakerStage(boolean wanted) {
        return wanted && diarization != null ? new DiarizedSpeaker(diarization.newDiarizer()) : new UnknownSpeaker();
    }

    /**
     * The speakers of a whole recording's words (uploads), numbered 1..N in order of appearance; empty when this
     * server does not label speakers. Runs on the caller's thread.
     *
     * @param words the recording's words in order, times in seconds from its start
     */
    public Optional<List<SpokenWord>> speakersOf(float[] audio16k, List<Word> words) {
        if (diarization == null) {
            return Optional.empty();
        }
        try (DiarizedSpeaker stage = new DiarizedSpeaker(diarization.newDiarizer())) {
            // in the pieces a live stream would hear: a diarizer is built for streams, not for one huge call
            for (int off = 0; off < audio16k.length; off += UPLOAD_PIECE) {
                stage.accept(audio16k, off, Math.min(UPLOAD_PIECE, audio16k.length - off), List.of());
            }
            List<SpokenWord> spoken = new ArrayList<>(stage.attribute(words));
            spoken.addAll(stage.flush());
            return Optional.of(spoken);
        }
    }

    /** True when live sessions only transcribe speech. */
    public boolean gated() {
        return streams.gating() != null;
    }

    /** Where the voice-activity model came from (a path, or the bundled file), or "off" without gating. */
    public String voiceActivitySource() {
        return streams.voiceActivitySource();
    }

    @Override
    public void close() {
        try {
            streams.close();
        } finally {
            if (diarization != null) {
                diarization.close();
            }
        }
    }
}
