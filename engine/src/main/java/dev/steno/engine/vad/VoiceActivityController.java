package dev.steno.engine.vad;

import dev.steno.engine.audio.PcmAudio;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Turns one stream's audio into speech start and end events at exact absolute sample offsets.
 *
 * <p>Audio arrives in chunks of any size; it is cut into fixed windows of {@link #windowSize()} samples (512 at
 * 16 kHz, 256 at 8 kHz) counted from the first sample of the stream, and every decision is made on that grid. The
 * same audio therefore gives the same events however it is chunked: nothing depends on where a chunk boundary
 * falls, so no event is counted twice or lost at a chunk edge.
 *
 * <p>Hysteresis, per window {@code k} covering samples {@code [kW, (k+1)W)} with speech probability {@code p}:
 * <ul>
 *   <li>while silent, a window with {@code p >= onsetThreshold} starts speech: {@link VadEvent.Kind#SPEECH_START}
 *       at {@code kW - pad}, but not before 0 and not before the previous speech end;</li>
 *   <li>while speaking, a window with {@code p >= offsetThreshold} is speech (it extends the segment and cancels
 *       any silence run); a window with {@code p < offsetThreshold} is silence. Probabilities between the two
 *       thresholds therefore keep speech going but cannot start it;</li>
 *   <li>once the silence run since the end of the last speech window reaches {@code minSilenceSeconds} (a whole
 *       number of windows, rounded up), {@link VadEvent.Kind#SPEECH_END} is emitted at the end of the last speech
 *       window plus {@code pad}, but not past the audio seen so far. The event thus arrives
 *       {@code ceil(minSilence / W)} windows after the last speech window.</li>
 * </ul>
 * {@link #end()} scores a final partial window padded with zeros (offsets stay within the audio) and closes an open
 * speech segment at the end of the audio (or earlier, at last speech window plus pad). Events alternate, starting
 * with a start; every start is followed by exactly one end once {@link #end()} has been called.
 *
 * <p>Not thread-safe: one controller per stream, fed by one thread at a time. {@link #accept} and {@link #end()}
 * return the events their audio decided, in stream order: arrays in, events out, nothing called back.
 */
public final class VoiceActivityController implements AutoCloseable {
    /** Scores one window of new samples; the production implementation is {@link VadStream#probability}. */
    @FunctionalInterface
    interface WindowScorer {
        float probability(float[] samples, int off);
    }

    private final WindowScorer scorer;
    private final AutoCloseable owned;
    private final int window;
    private final int sampleRate;
    private final VadConfig config;
    /** The events of the current call; handed out, then cleared at the start of the next call. */
    private final List<VadEvent> events = new ArrayList<>();
    private final List<VadEvent> eventsView = Collections.unmodifiableList(events);
    private final long padSamples;
    private final long minSilenceSamples;

    private final float[] buf;
    private int fill;
    private long windowsDone;
    private long samplesSeen;
    private boolean speaking;
    /** End of the last window that counted as speech in the current segment. */
    private long lastSpeechEnd;
    /** Offset of the last emitted speech end; a new start never precedes it. */
    private long lastEnd;
    private float lastProbability = Float.NaN;
    private boolean ended;

    /**
     * A controller with its own stream of {@code model}.
     *
     * @param model      the shared model
     * @param sampleRate 16000 or 8000
     * @param config     thresholds and durations
     */
    public VoiceActivityController(SileroVadModel model, int sampleRate, VadConfig config) {
        this(model.newStream(sampleRate), config);
    }

    private VoiceActivityController(VadStream stream, VadConfig config) {
        this(stream::probability, stream.windowSize(), stream.sampleRate(), config, stream);
    }

    VoiceActivityController(WindowScorer scorer, int windowSize, int sampleRate, VadConfig config,
                            AutoCloseable owned) {
        this.scorer = Objects.requireNonNull(scorer, "scorer");
        this.config = Objects.requireNonNull(config, "config");
        if (windowSize <= 0 || sampleRate <= 0) {
            throw new IllegalArgumentException("window size and sample rate must be positive");
        }
        this.owned = owned;
        this.window = windowSize;
        this.sampleRate = sampleRate;
        this.padSamples = VadConfig.samples(config.speechPadSeconds(), sampleRate);
        this.minSilenceSamples = VadConfig.samples(config.minSilenceSeconds(), sampleRate);
        this.buf = new float[windowSize];
    }

    /**
     * Runs a whole recording through a fresh controller and returns its events, {@link #end()} included.
     *
     * @param audio at 16000 or 8000 Hz
     */
    public static List<VadEvent> detect(SileroVadModel model, PcmAudio audio, VadConfig config) {
        List<VadEvent> all = new ArrayList<>();
        try (VoiceActivityController c = new VoiceActivityController(model, audio.sampleRate(), config)) {
            all.addAll(c.accept(audio.samples(), 0, audio.samples().length));
            all.addAll(c.end());
        }
        return all;
    }

    /**
     * Feeds the next samples of the stream; any length, including zero.
     *
     * @return the events these samples decided, in order; a read-only view valid until the next call
     * @throws IllegalStateException after {@link #end()}
     */
    public List<VadEvent> accept(float[] samples, int off, int len) {
        Objects.checkFromIndexSize(off, len, samples.length);
        if (ended) {
            throw new IllegalStateException("the stream has ended");
        }
        events.clear();
        int pos = off;
        int stop = off + len;
        samplesSeen += len;
        if (fill > 0) {
            int n = Math.min(window - fill, stop - pos);
            System.arraycopy(samples, pos, buf, fill, n);
            fill += n;
            pos += n;
            if (fill < window) {
                return eventsView;
            }
            fill = 0;
            step(scorer.probability(buf, 0), Long.MAX_VALUE);
        }
        // Whole windows straight from the caller's array.
        while (stop - pos >= window) {
            step(scorer.probability(samples, pos), Long.MAX_VALUE);
            pos += window;
        }
        if (pos < stop) {
            System.arraycopy(samples, pos, buf, 0, stop - pos);
            fill = stop - pos;
        }
        return eventsView;
    }

    /** Feeds a whole array; see {@link #accept(float[], int, int)}. */
    public List<VadEvent> accept(float[] samples) {
        return accept(samples, 0, samples.length);
    }

    /**
     * Ends the stream: scores a final partial window (padded with zeros) and closes an open speech segment with a
     * {@link VadEvent.Kind#SPEECH_END} no later than the end of the audio. Further calls do nothing.
     *
     * @return the events the end decided (none on a further call); a read-only view valid until the next call
     */
    public List<VadEvent> end() {
        events.clear();
        if (ended) {
            return eventsView;
        }
        ended = true;
        if (fill > 0) {
            Arrays.fill(buf, fill, window, 0f);
            fill = 0;
            step(scorer.probability(buf, 0), samplesSeen);
        }
        if (speaking) {
            finish(samplesSeen);
        }
        return eventsView;
    }

    /** One decision for the next window on the grid; {@code limit} caps offsets at the audio actually seen. */
    private void step(float p, long limit) {
        lastProbability = p;
        long start = windowsDone * window;
        long end = Math.min(start + window, limit);
        windowsDone++;
        if (!speaking) {
            if (p >= config.onsetThreshold()) {
                long s = Math.max(Math.max(0, start - padSamples), lastEnd);
                speaking = true;
                lastSpeechEnd = end;
                events.add(new VadEvent(VadEvent.Kind.SPEECH_START, s, sampleRate));
            }
        } else if (p >= config.offsetThreshold()) {
            lastSpeechEnd = end;
        } else if (end - lastSpeechEnd >= minSilenceSamples) {
            finish(end);
        }
    }

    private void finish(long limit) {
        long e = Math.min(lastSpeechEnd + padSamples, limit);
        speaking = false;
        lastEnd = e;
        events.add(new VadEvent(VadEvent.Kind.SPEECH_END, e, sampleRate));
    }

    /** True while inside a speech segment (after a start, before its end), as of the last whole window. */
    public boolean isSpeaking() {
        return speaking;
    }

    /** Samples accepted since the stream started, including those waiting for their window to fill. */
    public long samplesSeen() {
        return samplesSeen;
    }

    /** Samples that have been scored: a whole number of windows (plus the padded tail after {@link #end()}). */
    public long samplesDecided() {
        return Math.min(windowsDone * window, samplesSeen);
    }

    /** The probability of the last scored window; NaN before the first. */
    public float lastProbability() {
        return lastProbability;
    }

    /** Samples per decision: 512 at 16 kHz, 256 at 8 kHz. */
    public int windowSize() {
        return window;
    }

    /** The stream's sample rate. */
    public int sampleRate() {
        return sampleRate;
    }

    /** The settings. */
    public VadConfig config() {
        return config;
    }

    /** Frees the controller's model stream (not the shared model). Does not call {@link #end()}. */
    @Override
    public void close() {
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the VAD stream failed", e);
            }
        }
    }
}
