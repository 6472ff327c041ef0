package dev.steno.engine.asr;

import dev.steno.engine.transcript.Word;
import dev.steno.engine.whisper.AlignmentHeads;
import dev.steno.engine.whisper.AudioEncoder;
import dev.steno.engine.whisper.CrossAttentionAlignment;
import dev.steno.engine.whisper.CrossKeysValues;
import dev.steno.engine.whisper.DecoderBatch;
import dev.steno.engine.whisper.DecoderState;
import dev.steno.engine.whisper.EncoderOptions;
import dev.steno.engine.whisper.GgmlWhisperFile;
import dev.steno.engine.whisper.LogMelSpectrogram;
import dev.steno.engine.whisper.TokenTiming;
import dev.steno.engine.whisper.TokenWords;
import dev.steno.engine.whisper.WhisperDecoder;
import dev.steno.engine.whisper.WhisperTokenizer;
import dev.steno.engine.whisper.WhisperWeights;
import dev.steno.engine.whisper.decode.DecodingOptions;
import dev.steno.engine.whisper.decode.KvDecodingState;
import dev.steno.engine.whisper.decode.LanguageDetector;
import dev.steno.engine.whisper.decode.LogitFilters;
import dev.steno.engine.whisper.decode.NoSpeech;
import dev.steno.engine.whisper.decode.StateStepper;
import dev.steno.engine.whisper.decode.StepObserver;
import dev.steno.engine.whisper.decode.TemperatureFallback;
import dev.steno.engine.whisper.decode.TimestampSegments;
import dev.steno.engine.whisper.nn.ParallelLoop;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Whisper in Java (Vector API kernels) on the same ggml files as whisper.cpp, with access to every token and to
 * cross-attention. Decoding follows whisper.cpp's {@code whisper_full} for one window ({@link DecodingOptions}): greedy
 * or beam search, optional timestamp tokens (one segment per timestamp pair, else one segment per call), temperature
 * fallback, language detection when the request has no language, and the no-speech rule (a silent window gives no
 * segments). Word times come from the alignment heads' cross-attention (median filter + DTW, as OpenAI's
 * word_timestamps).
 *
 * <p><b>Threading.</b> The weights are shared and read-only. The encoder serves as many calls at once as the
 * recogniser was loaded for (each with work buffers of its own, reused); each call has its own decoder state. Kernels
 * run on the pool given at load time, shared by every model.
 */
public final class JavaWhisperRecognizer implements SpeechRecognizer {
    /** whisper.cpp's cap on tokens per window: half the text context, minus the prompt's special tokens. */
    private final int maxTokens;
    private final JavaWhisperConfig config;
    private final WhisperWeights weights;
    private final AudioEncoder encoder;
    private final WhisperDecoder decoder;
    private final WhisperTokenizer tokenizer;
    private final LogMelSpectrogram mel;
    private final boolean multilingual;
    private final LogitFilters filters;
    private final int[][] alignmentHeads;
    /** Gaps between the best and second-best logit at each step of the last call (tests: decoding is no tie-break). */
    /** Decoder states of finished calls, reused: a state holds n_text_ctx-sized caches (MBs), and beams need several. */
    private final ConcurrentLinkedQueue<DecoderState> idleStates = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<DecoderBatch> idleBatches = new ConcurrentLinkedQueue<>();
    /**
     * Idle states kept: enough for one call's beams plus one; more would pin caches (and a past window's cross K/V)
     * that concurrent calls seldom need at once.
     */
    private final int maxIdleStates;

    /**
     * How this backend runs.
     *
     * @param shrinkEncoderWindow encode only the frames the audio covers instead of 30 s
     * @param suppressNonSpeech   suppress symbols that are rarely speech (whisper.cpp's suppress_non_speech_tokens)
     * @param decoding            search, timestamps, temperature fallback and silence thresholds
     * @param encoder             the encoder: Java, or onnxruntime f32 or int8 on a device
     */
    public record JavaWhisperConfig(boolean shrinkEncoderWindow, boolean suppressNonSpeech, DecodingOptions decoding,
                                    EncoderOptions encoder) {
        public JavaWhisperConfig {
            Objects.requireNonNull(decoding, "decoding");
            Objects.requireNonNull(encoder, "encoder");
        }

        /** As the canonical constructor, with the Java encoder. */
        public JavaWhisperConfig(boolean shrinkEncoderWindow, boolean suppressNonSpeech, DecodingOptions decoding) {
            this(shrinkEncoderWindow, suppressNonSpeech, decoding, EncoderOptions.JAVA);
        }

        /** Greedy decoding without timestamps or fallback ({@link DecodingOptions#greedy()}): the streaming setting. */
        public JavaWhisperConfig(boolean shrinkEncoderWindow, boolean suppressNonSpeech) {
            this(shrinkEncoderWindow, suppressNonSpeech, DecodingOptions.greedy());
        }

        /** Full window, non-speech symbols suppressed, greedy decoding. */
        public static JavaWhisperConfig defaults() {
            return new JavaWhisperConfig(false, true);
        }

        /** A copy with other decoding options. */
        public JavaWhisperConfig withDecoding(DecodingOptions options) {
            return new JavaWhisperConfig(shrinkEncoderWindow, suppressNonSpeech, options, encoder);
        }

        /** A copy with another encoder. */
        public JavaWhisperConfig withEncoder(EncoderOptions options) {
            return new JavaWhisperConfig(shrinkEncoderWindow, suppressNonSpeech, decoding, options);
        }
    }

    /** Workers started for this recogniser when the caller gave none; null otherwise. */
    private final ForkJoinPool ownedPool;
    /** The mapping of the model file the weights are read from, unmapped by {@link #close()}. */
    private final Arena modelArena;
    private final int parallelism;

    private JavaWhisperRecognizer(GgmlWhisperFile file, JavaWhisperConfig config, ParallelLoop par,
                                  ForkJoinPool ownedPool, int concurrentCalls, Arena modelArena)
            throws IOException {
        this.ownedPool = ownedPool;
        this.modelArena = modelArena;
        this.parallelism = par.parallelism();
        this.config = config;
        this.weights = WhisperWeights.load(file, modelArena);
        this.encoder = config.encoder().open(file, weights, par, concurrentCalls);
        this.decoder = new WhisperDecoder(weights, par);
        this.tokenizer = WhisperTokenizer.of(file.vocabulary());
        this.mel = new LogMelSpectrogram(file.melFilters());
        this.multilingual = file.hparams().multilingual();
        this.maxTokens = file.hparams().nTextCtx() / 2 - 4;
        this.maxIdleStates = config.decoding().beamSize() + 1;
        this.filters = LogitFilters.forTokenizer(tokenizer, config.decoding(), config.suppressNonSpeech());
        this.alignmentHeads = AlignmentHeads.forModelOrDefault(file.path().getFileName().toString(), file.hparams())
                .heads().stream().map(h -> new int[] {h.layer(), h.head()}).toArray(int[][]::new);
    }

    /**
     * Loads and checks a ggml model; kernels run on {@code pool}, or when it is null on workers of the recogniser's
     * own (one per core), stopped by {@link #close()}.
     */
    public static JavaWhisperRecognizer load(Path model, JavaWhisperConfig config, ForkJoinPool pool)
            throws IOException {
        return pool != null ? load(model, config, ParallelLoop.of(pool), null, 1) : load(model, config, 0);
    }

    /**
     * Loads and checks a ggml model whose kernels run on {@code threads} threads, the calling thread included (its
     * own workers, stopped by {@link #close()}); 0 means one per core.
     *
     * @throws IllegalArgumentException if {@code threads} is negative
     */
    public static JavaWhisperRecognizer load(Path model, JavaWhisperConfig config, int threads) throws IOException {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, was " + threads);
        }
        return load(model, config, threads == 0 ? Runtime.getRuntime().availableProcessors() : threads, 1);
    }

    /**
     * Loads and checks a ggml model for {@code concurrentCalls} threads that transcribe or encode at once (the
     * inference workers), each kernel call on {@code threadsPerCall} threads, the calling one included: the
     * recogniser's own workers ({@code concurrentCalls * (threadsPerCall - 1)}, stopped by {@link #close()}) and
     * {@code concurrentCalls} sets of encoder work buffers. A call beyond {@code concurrentCalls} waits for the
     * encoder.
     *
     * @throws IllegalArgumentException if either count is below 1
     */
    public static JavaWhisperRecognizer load(Path model, JavaWhisperConfig config, int threadsPerCall,
                                             int concurrentCalls) throws IOException {
        if (threadsPerCall < 1 || concurrentCalls < 1) {
            throw new IllegalArgumentException("threadsPerCall and concurrentCalls must be >= 1, were "
                    + threadsPerCall + " and " + concurrentCalls);
        }
        if (threadsPerCall == 1) {
            return load(model, config, ParallelLoop.serial(), null, concurrentCalls);
        }
        // each caller takes part in its own kernel calls
        ForkJoinPool owned = newWorkerPool(concurrentCalls * (threadsPerCall - 1));
        return load(model, config, ParallelLoop.of(owned, threadsPerCall), owned, concurrentCalls);
    }

    private static JavaWhisperRecognizer load(Path model, JavaWhisperConfig config, ParallelLoop par,
                                              ForkJoinPool owned, int concurrentCalls) throws IOException {
        // shared: every worker thread reads the weights
        Arena arena = Arena.ofShared();
        try {
            return new JavaWhisperRecognizer(GgmlWhisperFile.openComplete(model), config, par, owned,
                    concurrentCalls, arena);
        } catch (IOException | RuntimeException e) {
            if (owned != null) {
                owned.shutdownNow();
            }
            arena.close();
            throw e;
        }
    }

    /**
     * Kernel workers. Not the common pool: since JDK 19 its workers erase thread-locals after every task, and the
     * kernels keep their scratch buffers in thread-locals, so each kernel call would allocate them anew (about 2 MB
     * per streaming step of tiny, measured with JFR).
     */
    private static ForkJoinPool newWorkerPool(int workers) {
        return new ForkJoinPool(workers, pool -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName("steno-whisper-" + t.getPoolIndex());
            return t;
        }, null, false);
    }

    /** Threads a kernel call runs on, the caller included. */
    public int threads() {
        return parallelism;
    }

    /**
     * A transcription with how it was decoded.
     *
     * @param recognition what {@link #transcribe} returns
     * @param decoding    the temperature-fallback attempt that was kept (its tokens, temperature, attempts); null
     *                    when there was no audio to decode
     * @param margins     the top-1/top-2 logit gap of every sequential decoding step, all attempts: how clear each
     *                    greedy decision was (small gaps make two implementations' outputs diverge)
     */
    public record Report(Recognition recognition, TemperatureFallback.Result decoding, float[] margins) {
    }

    @Override
    public Recognition transcribe(RecognitionRequest request) {
        return transcribeReported(request).recognition();
    }

    /**
     * As {@link #transcribe}, with the decoding details beside the result (diagnostics and equivalence checks).
     *
     * @throws IllegalStateException if the recogniser is closed, or is closed while the call reads the weights
     */
    public Report transcribeReported(RecognitionRequest request) {
        checkOpen();
        float[] audio = request.audio();
        if (audio.length == 0) {
            return new Report(new Recognition(List.of(), Optional.ofNullable(request.language())), null,
                    new float[0]);
        }
        List<DecoderState> borrowed = new ArrayList<>();
        try {
            return transcribe(request, audio, borrowed);
        } finally {
            for (DecoderState s : borrowed) {
                // the buffers go back to the decoder, for any stream or call: an idle state holds none
                s.releaseAudio();
                if (idleStates.size() < maxIdleStates) {
                    idleStates.add(s);
                }
            }
        }
    }

    private Report transcribe(RecognitionRequest request, float[] audio, List<DecoderState> borrowed) {
        DecoderState state = stateFor(audio, borrow(borrowed));
        int frames = state.frames();

        String language = request.language();
        if (language == null && multilingual) {
            language = detectLanguage(state);
            state.reset();
        }
        DecodingOptions options = config.decoding();
        int[] prompt = prompt(request, language, options.timestamps());
        float[] initial = state.prefill(prompt).clone();
        double noSpeech = NoSpeech.probability(initial, tokenizer.noSpeech());
        float[] margins = new float[maxTokens];
        int[] steps = {0};
        StepObserver observer = (logits, chosen) -> {
            if (steps[0] < margins.length) {
                margins[steps[0]++] = margin(logits, chosen);
            }
        };
        double duration = audio.length / (double) SAMPLE_RATE;
        TemperatureFallback fallback = new TemperatureFallback(options, filters.forWindow(duration), tokenizer.eot(),
                maxTokens, this::textOf);
        int ctx = decoder.contextSize();
        DecoderBatch batch = options.beamSize() > 1 ? borrowBatch() : null;
        TemperatureFallback.Result result;
        try {
            // beams step together: one pass over the weights per token for all of them
            result = fallback.decode(new KvDecodingState(state, ctx), prompt.length, initial, noSpeech,
                    () -> new KvDecodingState(borrow(borrowed), ctx), observer,
                    batch == null ? StateStepper.oneByOne() : KvDecodingState.batched(batch));
        } finally {
            if (batch != null) {
                idleBatches.add(batch);
            }
        }
        float[] stepMargins = Arrays.copyOf(margins, steps[0]);
        double avgLogprob = result.avgLogprob();
        Optional<String> lang = Optional.ofNullable(language);
        if (NoSpeech.isSilence(noSpeech, avgLogprob, options.noSpeechThreshold(), options.logprobThreshold())) {
            return new Report(new Recognition(List.of(), lang, noSpeech, avgLogprob, result.temperature()), result,
                    stepMargins);
        }
        int[] sampled = result.sequence().tokens();
        List<TimestampSegments.Span> spans = options.timestamps()
                ? TimestampSegments.split(sampled, tokenizer.timestampBegin(), duration)
                : List.of(new TimestampSegments.Span(0, sampled.length, 0, duration));
        // text tokens of the whole window, and where each span's text tokens start and end among them
        int[] textTokens = Arrays.stream(sampled).filter(t -> t < tokenizer.eot()).toArray();
        int[] textIndex = new int[sampled.length + 1];
        for (int i = 0, n = 0; i <= sampled.length; i++) {
            textIndex[i] = n;
            if (i < sampled.length && sampled[i] < tokenizer.eot()) {
                n++;
            }
        }
        List<TokenTiming> timings = textTokens.length == 0 ? null
                : tokenTimings(state, prompt(request, language, false), textTokens,
                        Math.max(1, Math.min(frames, (int) Math.ceil(audio.length / 320.0))));
        List<Segment> segments = new ArrayList<>();
        for (TimestampSegments.Span span : spans) {
            int from = textIndex[span.from()];
            int to = textIndex[span.to()];
            int[] tokens = Arrays.copyOfRange(textTokens, from, to);
            String text = tokenizer.decode(tokens);
            if (text.isBlank()) {
                continue;
            }
            List<Word> words = timings == null ? WordTimings.proportional(text, span.start(), span.end())
                    : words(tokens, timings.subList(from, to), duration);
            segments.add(new Segment(span.start(), span.end(), text, words, avgLogprob, noSpeech));
        }
        return new Report(new Recognition(segments, lang, noSpeech, avgLogprob, result.temperature()), result,
                stepMargins);
    }

    /** A beam search's batch buffers: one per call running at once, kept for the next call. */
    private DecoderBatch borrowBatch() {
        DecoderBatch b = idleBatches.poll();
        return b != null ? b : decoder.newBatch();
    }

    /** An idle decoder state (or a new one), recorded in {@code borrowed} to be given back after the call. */

    private DecoderState borrow(List<DecoderState> borrowed) {
        DecoderState s = idleStates.poll();
        if (s == null) {
            s = decoder.newState();
        } else {
            s.recordCrossAttention(new int[0][]); // a call that failed mid-way may have left recording on
        }
        borrowed.add(s);
        return s;
    }

    /** A new decoder state holding the encoded audio (the window as {@link #transcribe} uses it); tests probe logits. */
    DecoderState stateFor(float[] audio) {
        return stateFor(audio, decoder.newState());
    }

    private DecoderState stateFor(float[] audio, DecoderState state) {
        int melFrames = config.shrinkEncoderWindow() ? LogMelSpectrogram.shrunkMelFrames(audio.length)
                : LogMelSpectrogram.CHUNK_FRAMES;
        int frames = LogMelSpectrogram.encoderFrames(melFrames);
        float[] spectrogram = mel.computeWindowFlat(audio, melFrames);
        float[] encoded = new float[frames * encoder.width()];
        CrossKeysValues cross = decoder.borrowCrossKeysValues();
        try {
            boolean ready = encoder.encode(spectrogram, frames, encoded, cross);
            state.setAudio(encoded, frames, ready ? cross : null);
        } finally {
            decoder.returnCrossKeysValues(cross);
        }
        return state;
    }

    /** Most tokens per decoder state ({@code n_text_ctx}; for tests). */
    int contextSize() {
        return decoder.contextSize();
    }

    /** The tokenizer of the model (for tests). */
    WhisperTokenizer tokenizer() {
        return tokenizer;
    }

    private String textOf(int[] sampled) {
        return tokenizer.decode(Arrays.stream(sampled).filter(t -> t < tokenizer.eot()).toArray());
    }

    private List<Word> words(int[] tokens, List<TokenTiming> timings, double duration) {
        List<String> texts = new ArrayList<>(tokens.length);
        for (int t : tokens) {
            texts.add(tokenizer.decode(new int[] {t}));
        }
        List<Word> words = new ArrayList<>();
        for (Word w : TokenWords.fromTokenTimings(texts, timings, null)) {
            double start = Math.min(w.start(), duration);
            words.add(new Word(w.text(), start, Math.max(start, Math.min(w.end(), duration)), w.probability()));
        }
        return words;
    }

    /**
     * Token times from the alignment heads' cross-attention, as OpenAI's word_timestamps: one batched pass over the
     * no-timestamps prompt, the text tokens and end-of-text records the attention of every position; the rows that
     * predict the text tokens and end-of-text go through z-normalisation, a median filter and DTW. Null when the
     * sequence does not fit the context (the caller then spreads words proportionally).
     */
    private List<TokenTiming> tokenTimings(DecoderState state, int[] prompt, int[] textTokens, int contentFrames) {
        int n = prompt.length + textTokens.length;
        if (n + 1 > decoder.contextSize()) {
            return null;
        }
        int[] all = new int[n];
        System.arraycopy(prompt, 0, all, 0, prompt.length);
        System.arraycopy(textTokens, 0, all, prompt.length, textTokens.length);
        state.reset();
        state.recordCrossAttention(alignmentHeads);
        state.prefill(all);
        // row r predicts token r+1: rows prompt.length-1 .. n-1 predict the text tokens and end-of-text
        int rows = textTokens.length + 1;
        float[][][] weights = new float[alignmentHeads.length][rows][];
        for (int h = 0; h < alignmentHeads.length; h++) {
            for (int r = 0; r < rows; r++) {
                weights[h][r] = state.crossAttention(alignmentHeads[h][0], alignmentHeads[h][1], prompt.length - 1 + r);
            }
        }
        state.recordCrossAttention(new int[0][]);
        float[][] matrix = CrossAttentionAlignment.alignmentMatrix(weights, contentFrames);
        return CrossAttentionAlignment.tokenTimings(matrix, 0);
    }

    /** {@code [<|startofprev|> prompt...] <|startoftranscript|> [<|lang|> <|task|>] [<|notimestamps|>]} */
    int[] prompt(RecognitionRequest request, String language, boolean timestamps) {
        List<Integer> p = new ArrayList<>();
        if (!request.prompt().isBlank()) {
            int[] promptTokens = tokenizer.encode(" " + request.prompt().strip());
            // whisper.cpp keeps at most n_text_ctx/2 - 1 prompt tokens, the most recent ones
            int keep = Math.min(promptTokens.length, decoder.contextSize() / 2 - 1);
            p.add(tokenizer.startOfPrev());
            for (int i = promptTokens.length - keep; i < promptTokens.length; i++) {
                p.add(promptTokens[i]);
            }
        }
        p.add(tokenizer.sot());
        if (multilingual) {
            p.add(tokenizer.languageToken(language == null ? "en" : language));
            p.add(request.task() == Task.TRANSLATE ? tokenizer.translate() : tokenizer.transcribe());
        }
        if (!timestamps) {
            p.add(tokenizer.noTimestamps());
        }
        return p.stream().mapToInt(Integer::intValue).toArray();
    }

    private String detectLanguage(DecoderState state) {
        int[] languages = tokenizer.languageTokens();
        if (languages.length == 0) {
            return "en";
        }
        float[] logits = state.prefill(new int[] {tokenizer.sot()});
        return tokenizer.languageOf(LanguageDetector.detect(logits, languages).token());
    }

    private static float margin(float[] v, int best) {
        float second = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < v.length; i++) {
            if (i != best && v[i] > second) {
                second = v[i];
            }
        }
        return v[best] - second;
    }

    /**
     * This recogniser's model parts, sharing its weights (usable until the recogniser closes); see
     * {@link WhisperModelParts}.
     *
     * @throws IllegalStateException if the recogniser is closed
     */
    public WhisperModelParts parts() {
        checkOpen();
        return new WhisperModelParts(encoder, decoder, tokenizer, mel, alignmentHeads.clone(), multilingual);
    }

    /** The Java decoder's cross-attention can be read: its parts, for the AlignAtt policy. */
    @Override
    public Optional<WhisperModelParts> crossAttention() {
        return Optional.of(parts());
    }

    @Override
    public String backendName() {
        return "java";
    }

    /** The encoder this recogniser runs ({@code --encoder}): {@code java}, {@code onnx} or {@code onnx-int8}. */
    public String encoderName() {
        return encoder.name();
    }

    @Override
    public boolean multilingual() {
        return multilingual;
    }

    /** A call after {@link #close()} fails here, with a message that says why, before it reaches the weights. */
    private void checkOpen() {
        if (!modelArena.scope().isAlive()) {
            throw new IllegalStateException("the Java Whisper recogniser is closed: its model file is unmapped");
        }
    }

    @Override
    public void close() {
        encoder.close();
        if (ownedPool != null) {
            ownedPool.shutdown();
        }
        // Unmapping a shared arena is safe while another thread still reads it: the JVM stops that read with an
        // IllegalStateException (the call fails, the process does not crash), so close need not wait for calls.
        try {
            modelArena.close();
        } catch (IllegalStateException closedOrInUse) {
            // closed before (close is idempotent), or a JDK that refuses to unmap while a read is under way: the
            // mapping then stays until the process exits
        }
    }
}
