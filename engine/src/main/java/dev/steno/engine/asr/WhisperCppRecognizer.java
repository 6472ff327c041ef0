package dev.steno.engine.asr;

import dev.steno.engine.transcript.Word;
import dev.steno.engine.whisper.GgmlWhisperFile;
import io.github.givimad.whisperjni.WhisperContext;
import io.github.givimad.whisperjni.WhisperContextParams;
import io.github.givimad.whisperjni.WhisperFullParams;
import io.github.givimad.whisperjni.WhisperJNI;
import io.github.givimad.whisperjni.WhisperSamplingStrategy;
import io.github.givimad.whisperjni.WhisperState;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whisper through whisper.cpp (whisper-jni 1.7.1).
 *
 * <p><b>Threading.</b> One loaded model is shared; each call borrows a whisper.cpp decoding state from a bounded pool
 * of {@link WhisperCppConfig#parallelCalls()} states, so that many calls may run at once and the rest wait for a
 * free state. States are created on first need.
 *
 * <p><b>Limits of this backend</b> (whisper-jni exposes segments only): word timings are estimated inside each
 * segment by {@link WordTimings#proportional}; word probabilities are unknown (NaN); the detected language is not
 * reported (only a requested language is echoed back). whisper.cpp refuses audio shorter than one second, so shorter
 * audio is padded with silence and timings are clamped to the real audio length.
 */
public final class WhisperCppRecognizer implements SpeechRecognizer {
    private static final System.Logger LOG = System.getLogger(WhisperCppRecognizer.class.getName());
    /** whisper.cpp rejects input under 1000 ms; a little margin keeps rounding from tripping it. */
    static final int MIN_SAMPLES = SAMPLE_RATE + SAMPLE_RATE / 50;
    private static final Object LIBRARY_LOCK = new Object();
    private static boolean libraryLoaded;

    private final WhisperJNI whisper;
    private final WhisperContext context;
    private final WhisperCppConfig config;
    private final boolean multilingual;
    private final BlockingQueue<WhisperState> idleStates;
    private final AtomicInteger createdStates = new AtomicInteger();
    private final List<WhisperState> allStates = new ArrayList<>();
    private volatile boolean closed;

    private WhisperCppRecognizer(WhisperJNI whisper, WhisperContext context, WhisperCppConfig config) {
        this.whisper = whisper;
        this.context = context;
        this.config = config;
        this.multilingual = whisper.isMultilingual(context);
        this.idleStates = new ArrayBlockingQueue<>(config.parallelCalls());
    }

    /**
     * Loads a ggml model file. The file is checked completely in Java first
     * ({@link GgmlWhisperFile#openComplete}): whisper.cpp can crash the whole process on a damaged file.
     *
     * @throws dev.steno.engine.whisper.GgmlFormatException when the file is not a complete ggml Whisper model
     * @throws IOException when the native library or the model cannot be loaded
     */
    public static WhisperCppRecognizer load(Path modelFile, WhisperCppConfig config) throws IOException {
        GgmlWhisperFile.openComplete(modelFile);
        loadLibrary();
        WhisperJNI whisper = new WhisperJNI();
        WhisperContextParams params = new WhisperContextParams();
        WhisperContext ctx;
        try {
            ctx = whisper.initNoState(modelFile, params);
        } catch (IOException e) {
            throw new IOException("whisper.cpp could not load the model " + modelFile + ": " + e.getMessage(), e);
        }
        if (ctx == null) {
            throw new IOException("whisper.cpp could not load the model " + modelFile
                    + " (it is not a ggml Whisper file whisper.cpp accepts)");
        }
        return new WhisperCppRecognizer(whisper, ctx, config);
    }

    private static void loadLibrary() throws IOException {
        synchronized (LIBRARY_LOCK) {
            if (!libraryLoaded) {
                // whisper.cpp logs every load and call; keep that out of the user's terminal unless asked for
                WhisperJNI.loadLibrary(message -> LOG.log(Level.DEBUG, message));
                WhisperJNI.setLibraryLogger(message -> LOG.log(Level.TRACE, message));
                libraryLoaded = true;
            }
        }
    }

    @Override
    public Recognition transcribe(RecognitionRequest request) {
        if (closed) {
            throw new RecognitionException("the whisper.cpp model is closed");
        }
        float[] audio = request.audio();
        int realSamples = audio.length;
        if (realSamples == 0) {
            return new Recognition(List.of(), Optional.ofNullable(request.language()));
        }
        float[] input = audio;
        if (realSamples < MIN_SAMPLES) {
            input = new float[MIN_SAMPLES];
            System.arraycopy(audio, 0, input, 0, realSamples);
        }
        double realDuration = realSamples / (double) SAMPLE_RATE;
        WhisperFullParams params = params(request, input.length);
        WhisperState state = borrowState();
        try {
            int rc = whisper.fullWithState(context, state, params, input, input.length);
            if (rc != 0) {
                throw new RecognitionException("whisper.cpp failed to transcribe " + String.format("%.2f", realDuration)
                        + " s of audio (error code " + rc + ")");
            }
            int n = whisper.fullNSegmentsFromState(state);
            List<Segment> segments = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String text = whisper.fullGetSegmentTextFromState(state, i);
                double t0 = Math.min(realDuration, whisper.fullGetSegmentTimestamp0FromState(state, i) / 100.0);
                double t1 = Math.min(realDuration, whisper.fullGetSegmentTimestamp1FromState(state, i) / 100.0);
                t1 = Math.max(t0, t1);
                if (text == null || text.isBlank()) {
                    continue;
                }
                List<Word> words = WordTimings.proportional(text, t0, t1);
                segments.add(new Segment(t0, t1, text, words));
            }
            return new Recognition(segments, Optional.ofNullable(request.language()));
        } finally {
            idleStates.add(state);
        }
    }

    /**
     * whisper.cpp's plain greedy decoding of one window: no timestamps, no temperature fallback, no context, blank
     * start suppressed, non-speech tokens allowed, nothing printed. The setting in which the Java backend's text is
     * proven equal to whisper.cpp's (equivalence test, {@code steno bench backends}, decoder benchmark).
     */
    public static WhisperFullParams referenceGreedyParams(String language, int threads) {
        WhisperFullParams p = new WhisperFullParams(WhisperSamplingStrategy.GREEDY);
        p.nThreads = threads;
        p.language = language;
        p.noTimestamps = true;
        p.singleSegment = true;
        p.temperature = 0f;
        p.temperatureInc = 0f;
        p.suppressBlank = true;
        p.suppressNonSpeechTokens = false;
        p.noContext = true;
        p.printProgress = false;
        p.printTimestamps = false;
        p.printRealtime = false;
        return p;
    }

    private WhisperFullParams params(RecognitionRequest request, int samples) {
        WhisperFullParams p = new WhisperFullParams(
                config.beamSize() > 1 ? WhisperSamplingStrategy.BEAN_SEARCH : WhisperSamplingStrategy.GREEDY);
        p.nThreads = config.effectiveThreads();
        p.beamSearchBeamSize = config.beamSize();
        p.language = request.language() == null ? "auto" : request.language();
        p.translate = request.task() == Task.TRANSLATE;
        p.initialPrompt = request.prompt().isEmpty() ? null : request.prompt();
        p.noContext = true;
        p.printProgress = false;
        p.printTimestamps = false;
        p.printRealtime = false;
        p.printSpecial = false;
        p.suppressBlank = true;
        p.suppressNonSpeechTokens = true;
        p.temperatureInc = config.temperatureFallback() ? 0.2f : 0.0f;
        if (config.shrinkEncoderWindow()) {
            p.audioCtx = audioContextFor(samples);
        }
        return p;
    }

    /** Encoder frames (20 ms each) that cover the audio, with a margin, capped at the model's 1500. */
    static int audioContextFor(int samples) {
        int frames = (int) Math.ceil(samples / (double) SAMPLE_RATE * 50.0) + 64;
        return Math.min(1500, frames);
    }

    private WhisperState borrowState() {
        WhisperState s = idleStates.poll();
        if (s != null) {
            return s;
        }
        synchronized (allStates) {
            if (createdStates.get() < config.parallelCalls()) {
                createdStates.incrementAndGet();
                WhisperState created = whisper.initState(context);
                if (created == null) {
                    throw new RecognitionException("whisper.cpp could not allocate a decoding state (out of memory?)");
                }
                allStates.add(created);
                return created;
            }
        }
        try {
            return idleStates.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RecognitionException("interrupted while waiting for a free whisper.cpp state", e);
        }
    }

    @Override
    public String backendName() {
        return "whisper.cpp";
    }

    @Override
    public boolean multilingual() {
        return multilingual;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (allStates) {
            for (WhisperState s : allStates) {
                s.close();
            }
            allStates.clear();
        }
        context.close();
    }
}
