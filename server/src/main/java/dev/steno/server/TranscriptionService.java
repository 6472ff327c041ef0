package dev.steno.server;

import dev.steno.engine.asr.Recognition;
import dev.steno.engine.asr.RecognitionRequest;
import dev.steno.engine.asr.Task;
import dev.steno.engine.session.InferenceScheduler;
import dev.steno.engine.stream.StreamService;
import java.util.Objects;

/**
 * The server's view of the engine: the {@link StreamService} every live session opens its stream on, plus what only
 * a server needs — warm-up before reporting ready, uploads transcribed whole, the metrics and the fan-out of live
 * transcripts. Thread-safe.
 */
public final class TranscriptionService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TranscriptionService.class.getName());

    private final StreamService streams;
    private final ServerMetrics metrics;
    private final LiveTranscripts live = new LiveTranscripts();
    private volatile boolean ready;

    /** @param streams the shared streams; closed with this service */
    public TranscriptionService(StreamService streams) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.metrics = new ServerMetrics(streams.counters());
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

    /** Transcribes a whole recording at once (uploads); runs on the caller's thread, sharing the model. */
    public Recognition transcribeWhole(float[] audio16k, String language, String prompt, Task task) {
        metrics.uploads.increment();
        metrics.uploadMicros.add((long) (audio16k.length / 16.0 * 1000));
        return streams.recognizer().transcribe(new RecognitionRequest(audio16k, prompt,
                language != null ? language : streams.policies().defaultLanguage(), task));
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
        streams.close();
    }
}
