package dev.steno.engine.asr;

import dev.steno.engine.transcript.Word;
import dev.steno.engine.whisper.AlignmentHeads;
import dev.steno.engine.whisper.CrossAttentionAlignment;
import dev.steno.engine.whisper.DecoderState;
import dev.steno.engine.whisper.TokenTiming;
import dev.steno.engine.whisper.TokenWords;
import dev.steno.engine.whisper.GgmlWhisperFile;
import dev.steno.engine.whisper.LogMelSpectrogram;
import dev.steno.engine.whisper.WhisperDecoder;
import dev.steno.engine.whisper.WhisperEncoder;
import dev.steno.engine.whisper.WhisperTokenizer;
import dev.steno.engine.whisper.WhisperWeights;
import dev.steno.engine.whisper.nn.ParallelLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;

/**
 * Whisper in Java (Vector API kernels) on the same ggml files as whisper.cpp, with access to every token and to
 * cross-attention. This first version decodes greedily without timestamps into one segment per call; word times come
 * from the alignment heads' cross-attention (median filter + DTW, as OpenAI's word_timestamps).
 *
 * <p><b>Threading.</b> The weights are shared and read-only. The encoder serves one call at a time (its work buffers
 * are reused); each call has its own decoder state. Kernels run on the pool given at load time, shared by every model.
 */
public final class JavaWhisperRecognizer implements SpeechRecognizer {
    /** whisper.cpp's cap on tokens per window: half the text context, minus the prompt's special tokens. */
    private final int maxTokens;
    private final JavaWhisperConfig config;
    private final WhisperWeights weights;
    private final WhisperEncoder encoder;
    private final WhisperDecoder decoder;
    private final WhisperTokenizer tokenizer;
    private final LogMelSpectrogram mel;
    private final boolean multilingual;
    private final int[][] alignmentHeads;
    /** Gaps between the best and second-best logit at each step of the last call (tests: decoding is no tie-break). */
    private volatile float[] lastMargins = new float[0];

    /**
     * How this backend runs.
     *
     * @param shrinkEncoderWindow encode only the frames the audio covers instead of 30 s
     * @param suppressNonSpeech   suppress symbols that are rarely speech (whisper.cpp's suppress_non_speech_tokens)
     */
    public record JavaWhisperConfig(boolean shrinkEncoderWindow, boolean suppressNonSpeech) {
        public static JavaWhisperConfig defaults() {
            return new JavaWhisperConfig(false, true);
        }
    }

    private JavaWhisperRecognizer(GgmlWhisperFile file, JavaWhisperConfig config, ParallelLoop par) throws IOException {
        this.config = config;
        this.weights = WhisperWeights.load(file);
        this.encoder = new WhisperEncoder(weights, par);
        this.decoder = new WhisperDecoder(weights, par);
        this.tokenizer = WhisperTokenizer.of(file.vocabulary());
        this.mel = new LogMelSpectrogram(file.melFilters());
        this.multilingual = file.hparams().multilingual();
        this.maxTokens = file.hparams().nTextCtx() / 2 - 4;
        this.alignmentHeads = AlignmentHeads.forModelOrDefault(file.path().getFileName().toString(), file.hparams())
                .heads().stream().map(h -> new int[] {h.layer(), h.head()}).toArray(int[][]::new);
    }

    /** Loads and checks a ggml model; kernels run on {@code pool} (null: the common pool). */
    public static JavaWhisperRecognizer load(Path model, JavaWhisperConfig config, ForkJoinPool pool)
            throws IOException {
        GgmlWhisperFile file = GgmlWhisperFile.openComplete(model);
        return new JavaWhisperRecognizer(file, config,
                ParallelLoop.of(pool != null ? pool : ForkJoinPool.commonPool()));
    }

    @Override
    public Recognition transcribe(RecognitionRequest request) {
        float[] audio = request.audio();
        if (audio.length == 0) {
            return new Recognition(List.of(), Optional.ofNullable(request.language()));
        }
        int melFrames = config.shrinkEncoderWindow() ? LogMelSpectrogram.shrunkMelFrames(audio.length)
                : LogMelSpectrogram.CHUNK_FRAMES;
        int frames = LogMelSpectrogram.encoderFrames(melFrames);
        float[] spectrogram = mel.computeWindowFlat(audio, melFrames);
        float[] encoded = encoder.encode(spectrogram, frames);
        DecoderState state = decoder.newState();
        state.setAudio(encoded, frames);

        String language = request.language();
        if (language == null && multilingual) {
            language = detectLanguage(state);
            state.reset();
        }
        int[] prompt = prompt(request, language);
        float[] logits = state.prefill(prompt);
        List<Integer> tokens = new ArrayList<>();
        float[] margins = new float[maxTokens];
        int steps = 0;
        for (int i = 0; i < maxTokens; i++) {
            suppress(logits, tokens.isEmpty());
            int next = argmax(logits);
            margins[steps++] = margin(logits, next);
            if (next == tokenizer.eot()) {
                break;
            }
            tokens.add(next);
            if (state.position() >= decoder.contextSize()) {
                break;
            }
            logits = state.step(next);
        }
        lastMargins = Arrays.copyOf(margins, steps);
        int[] textTokens = tokens.stream().mapToInt(Integer::intValue).toArray();
        String text = tokenizer.decode(textTokens);
        double duration = audio.length / (double) SAMPLE_RATE;
        List<Segment> segments = new ArrayList<>();
        if (!text.isBlank()) {
            List<Word> words = wordTimings(state, prompt, textTokens, Math.max(1, Math.min(frames,
                    (int) Math.ceil(audio.length / 320.0))), duration);
            segments.add(new Segment(0, duration, text, words));
        }
        return new Recognition(segments, Optional.ofNullable(language));
    }

    /**
     * Word times from the alignment heads' cross-attention, as OpenAI's word_timestamps: one batched pass over the
     * prompt, the text and end-of-text records the attention of every position; the rows that predict the text tokens
     * and end-of-text go through z-normalisation, a median filter and DTW.
     */
    private List<Word> wordTimings(DecoderState state, int[] prompt, int[] textTokens, int contentFrames,
                                   double duration) {
        int n = prompt.length + textTokens.length;
        if (n + 1 > decoder.contextSize()) {
            return WordTimings.proportional(tokenizer.decode(textTokens), 0, duration);
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
        List<TokenTiming> timings = CrossAttentionAlignment.tokenTimings(matrix, 0);
        List<String> texts = new ArrayList<>(textTokens.length);
        for (int t : textTokens) {
            texts.add(tokenizer.decode(new int[] {t}));
        }
        List<Word> words = new ArrayList<>();
        for (Word w : TokenWords.fromTokenTimings(texts, timings, null)) {
            double start = Math.min(w.start(), duration);
            words.add(new Word(w.text(), start, Math.max(start, Math.min(w.end(), duration)), w.probability()));
        }
        return words;
    }

    /** {@code [<|startofprev|> prompt...] <|startoftranscript|> [<|lang|> <|task|>] <|notimestamps|>} */
    int[] prompt(RecognitionRequest request, String language) {
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
        p.add(tokenizer.noTimestamps());
        return p.stream().mapToInt(Integer::intValue).toArray();
    }

    private String detectLanguage(DecoderState state) {
        float[] logits = state.prefill(new int[] {tokenizer.sot()});
        int best = -1;
        float bestLogit = Float.NEGATIVE_INFINITY;
        for (String code : WhisperLanguages.CODES) {
            int id;
            try {
                id = tokenizer.languageToken(code);
            } catch (IllegalArgumentException notInThisVocabulary) {
                continue;
            }
            if (logits[id] > bestLogit) {
                bestLogit = logits[id];
                best = id;
            }
        }
        return best < 0 ? "en" : tokenizer.languageOf(best);
    }

    /** whisper.cpp's logit filters for decoding without timestamps. */
    private void suppress(float[] logits, boolean first) {
        float neg = Float.NEGATIVE_INFINITY;
        logits[tokenizer.noTimestamps()] = neg;
        logits[tokenizer.sot()] = neg;
        logits[tokenizer.noSpeech()] = neg;
        logits[tokenizer.translate()] = neg;
        logits[tokenizer.transcribe()] = neg;
        logits[tokenizer.startOfPrev()] = neg;
        logits[tokenizer.startOfPrev() - 1] = neg; // <|startoflm|>
        for (int id = tokenizer.sot() + 1; id < tokenizer.translate(); id++) {
            logits[id] = neg; // language tokens
        }
        Arrays.fill(logits, tokenizer.timestampBegin(), Math.min(logits.length, tokenizer.vocabSize()), neg);
        if (first) {
            // suppress_blank: a window must not start with a space or end at once
            int[] space = tokenizer.encode(" ");
            if (space.length == 1) {
                logits[space[0]] = neg;
            }
            logits[tokenizer.eot()] = neg;
        }
        if (config.suppressNonSpeech()) {
            for (int id : tokenizer.nonSpeechTokens()) {
                logits[id] = neg;
            }
        }
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

    /** The top-1/top-2 logit gap of every step of the last call (for tests). */
    float[] lastMargins() {
        return lastMargins.clone();
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * The loaded model's parts, for code that decodes by itself (the AlignAtt policy) and should share the weights
     * with this recogniser instead of loading them again.
     *
     * @param alignmentHeads {@code {layer, head}} pairs of the alignment heads
     */
    public record Parts(WhisperEncoder encoder, WhisperDecoder decoder, WhisperTokenizer tokenizer,
                        LogMelSpectrogram mel, int[][] alignmentHeads, boolean multilingual) {
    }

    /** This recogniser's model parts; see {@link Parts}. */
    public Parts parts() {
        return new Parts(encoder, decoder, tokenizer, mel, alignmentHeads.clone(), multilingual);
    }

    @Override
    public String backendName() {
        return "java";
    }

    @Override
    public boolean multilingual() {
        return multilingual;
    }

    @Override
    public void close() {
        // the weights are a memory-mapped file; the mapping goes with the garbage collector
    }
}
