package dev.steno.engine.policy.alignatt;

import dev.steno.engine.policy.AudioWindow;
import dev.steno.engine.policy.PolicyStep;
import dev.steno.engine.policy.WindowedPolicy;
import dev.steno.engine.transcript.Word;
import dev.steno.engine.whisper.CrossAttentionAlignment;
import dev.steno.engine.whisper.TokenWords;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * SimulStreaming's AlignAtt policy ({@code docs/algorithms.md} section 2): every step encodes the audio window,
 * feeds the prompt context and the window's committed tokens in one batched pass, then decodes token by token
 * (greedily, or with {@link AlignAttConfig#beams()} above 1 a beam search), and stops where the alignment heads'
 * attention reaches the end of the audio. What it decoded is committed at once (append-only).
 *
 * <p><b>Beams.</b> Each beam has its own decoder (forked from the first after the prefix) and its own attention
 * statistics. Every token, each beam proposes its {@code beams + 1} likeliest next tokens; ranked by summed
 * log-probability, the best proposal is checked against the stop rules below (the section of the spec is silent on
 * which beam they follow; SimulStreaming checks its first, best beam) and the best {@code beams} proposals that do not
 * end the text go on. When the step stops, the best beam's tokens are the step's output. Unlike OpenAI's offline beam
 * search no finished sequences are collected: when the best proposal is end-of-text the step ends there, as greedy
 * decoding does when its token is.
 *
 * <p><b>Stop rules</b>, checked for each new token (of the best beam) in this order:
 * <ol>
 *   <li>end-of-text: dropped, the step ends;</li>
 *   <li>rewind (not at the end of an utterance): the token's most-attended frame lies more than
 *       {@link AlignAttConfig#rewindThreshold()} frames before the previous token's: the step's whole output is
 *       dropped, and the next token may attend anywhere;</li>
 *   <li>AlignAtt: the most-attended frame is within {@link AlignAttConfig#frameThreshold()} frames of the end of the
 *       audio ({@value AlignAttConfig#LAST_FRAME_THRESHOLD} at the end of an utterance): the token is dropped, the
 *       step ends;</li>
 *   <li>loop guard: the window's tokens end in {@value #REPEATS} copies of the same n-gram (1 to {@value #MAX_NGRAM}
 *       tokens): the copies after the first are dropped, the step ends; and at most {@code max(50, 22.5 x audio
 *       seconds)} tokens per window, as WhisperLiveKit (random-weight models rarely emit end-of-text).</li>
 * </ol>
 * A step also emits nothing when the window is shorter than {@link AlignAttConfig#audioMinLenSeconds()} or the
 * no-speech probability after the start token exceeds {@link AlignAttConfig#noSpeechThreshold()}, and does not run
 * at all when less than {@link AlignAttConfig#minChunkSeconds()} of new audio arrived (a cost lever).
 *
 * <p><b>Words.</b> New tokens are grouped into whole UTF-8 characters (an incomplete trailing character is held back
 * for the next step) and split into words. A token's time is its most-attended frame x 20 ms + the window's start; a
 * word starts at its first token's time and ends where the next word starts (0.1 s later for the last one). Unless
 * the utterance ends or {@link AlignAttConfig#neverFire()} is set, the last word is not committed: the audio may end
 * inside it. It is reported as tentative and decoded again next step. One deviation from the anchors: times are
 * clamped to be monotone (a word never starts before the previous committed word ends), since attention can jump
 * back a little.
 *
 * <p><b>Window.</b> Audio older than {@link AlignAttConfig#audioMaxLenSeconds()} is dropped; committed words that
 * start before the new window start scroll into the prompt context, the last attended frame moves back with the
 * window. The decoder input is {@code <|startofprev|>} static prompt + the newest scrolling context (initial prompt,
 * then scrolled text; at most {@link AlignAttConfig#maxContextTokens()} and whatever the 448-token context leaves)
 * {@code <|startoftranscript|>} language task {@code <|notimestamps|>} + the window's committed tokens. When the
 * window's own tokens crowd the decoder context, its oldest words scroll out early, with their audio.
 *
 * <p><b>Finish</b> runs one last step as SimulStreaming's {@code is_last} (frame threshold 4, the last word kept),
 * then empties the window; its text stays as prompt context.
 *
 * <p>Not thread-safe: one instance per stream. The model may be shared.
 */
public final class AlignAttPolicy extends WindowedPolicy {
    private static final System.Logger LOG = System.getLogger(AlignAttPolicy.class.getName());
    private static final int SR = AudioWindow.SAMPLE_RATE;
    /** Audio samples per encoder frame (20 ms). */
    static final int SAMPLES_PER_FRAME = 320;
    /** Copies of an n-gram that count as a decoding loop. */
    static final int REPEATS = 3;
    /** Longest n-gram, in tokens, the loop guard looks for. */
    static final int MAX_NGRAM = 10;
    /** WhisperLiveKit's token cap per window: {@code max(50, audio seconds x 22.5)}. */
    static final int MIN_TOKEN_CAP = 50;
    static final double TOKEN_CAP_PER_SECOND = 22.5;
    /** Decoder positions kept free for new tokens when the window's committed tokens grow. */
    static final int NEW_TOKEN_ROOM = 32;
    /** Longest task sequence after the start token: language, task, no-timestamps. */
    private static final int MAX_TASK_TOKENS = 3;

    private final AlignAttModel model;
    private final AlignAttConfig config;
    private final Beams beams;
    private final int[] staticTokens;
    /** Scrolling context: the initial prompt, then text that scrolled out of the window; newest last. */
    private final IntSeq context = new IntSeq();
    /** Committed words whose audio is still in the window. */
    private final List<WindowWord> windowWords = new ArrayList<>();
    private int windowTokenCount;

    private long samplesSinceDecode;
    private int lastAttendFrame;
    private String detectedLanguage;
    private List<Word> tentative = List.of();
    private StepStats lastStep = new StepStats(0, 0, 0, Stop.SKIPPED, 0, 0);

    // per-step scratch, reused
    private final IntSeq sequence = new IntSeq();
    private AlignAttModel.EncodedAudio encodedBuffers;

    /** Why a step ended. */
    public enum Stop {
        /** Less new audio than the minimum chunk: no decoding at all. */
        SKIPPED,
        /** The window is shorter than the minimum audio length. */
        TOO_SHORT,
        /** The no-speech probability was above the threshold. */
        NO_SPEECH,
        /** The model emitted end-of-text. */
        END_OF_TEXT,
        /** A token attended to the last frames of the audio (AlignAtt). */
        FRAME_THRESHOLD,
        /** Attention jumped back: the step's output was dropped. */
        REWIND,
        /** A repeated n-gram: the repeats were dropped. */
        LOOP,
        /** The window's token cap or the decoder context was reached. */
        TOKEN_CAP
    }

    /**
     * What the last step did, for logs and benchmarks.
     *
     * @param encoderFrames encoder frames computed (0 when nothing was encoded)
     * @param prefixTokens  tokens fed in the batched passes (context, start sequence, the window's committed tokens)
     * @param newTokens     tokens decoded one by one and kept for splitting into words
     * @param stop          why decoding ended
     * @param encodeNanos   time spent in log-mel and encoder
     * @param decodeNanos   time spent decoding (batched passes, token loop, word splitting)
     */
    public record StepStats(int encoderFrames, int prefixTokens, int newTokens, Stop stop, long encodeNanos,
                            long decodeNanos) {
    }

    /** A committed word still inside the window: its tokens (for the decoder prefix) and start time. */
    private record WindowWord(int[] tokens, double start) {
    }

    /**
     * @param model  the model; shared, not closed by the policy
     * @param config the settings
     * @throws IllegalArgumentException when the static prompt leaves no room in the decoder context
     */
    public AlignAttPolicy(AlignAttModel model, AlignAttConfig config) {
        super(SR * 4);
        this.model = Objects.requireNonNull(model, "model");
        this.config = Objects.requireNonNull(config, "config");
        this.beams = new Beams(model, config.beams());
        this.staticTokens = config.staticInitPrompt().isEmpty() ? new int[0]
                : model.encodeText(" " + config.staticInitPrompt());
        if (staticTokens.length > model.contextSize() / 2) {
            throw new IllegalArgumentException("the static init prompt is " + staticTokens.length
                    + " tokens; at most " + model.contextSize() / 2 + " fit");
        }
        if (!config.initPrompt().isEmpty()) {
            context.addAll(model.encodeText(" " + config.initPrompt()));
        }
    }

    /** The settings this policy runs with. */
    public AlignAttConfig config() {
        return config;
    }

    @Override
    public void insertAudio(float[] samples16k, int offset, int length) {
        super.insertAudio(samples16k, offset, length);
        samplesSinceDecode += length;
        if (window().length() > maxWindowSamples() + 10L * SR) {
            trimWindow(); // steps are rare: keep memory bounded anyway
        }
    }

    @Override
    public PolicyStep process() {
        trimWindow();
        if (window().length() == 0 || samplesSinceDecode < Math.round(config.minChunkSeconds() * SR)) {
            lastStep = new StepStats(0, 0, 0, Stop.SKIPPED, 0, 0);
            return new PolicyStep(List.of(), tentative);
        }
        return decode(false);
    }

    @Override
    public PolicyStep finish() {
        trimWindow();
        List<Word> out = window().length() > 0 ? decode(true).committed() : List.of();
        window().consumeAll();
        samplesSinceDecode = 0;
        lastAttendFrame = 0;
        scrollWords(windowWords.size());
        tentative = List.of();
        commitUpTo(bufferStartSeconds());
        return new PolicyStep(out, List.of());
    }

    @Override
    protected void restart(double offsetSeconds) {
        scrollWords(windowWords.size());
        samplesSinceDecode = 0;
        lastAttendFrame = 0;
        tentative = List.of();
    }

    /** What the last {@link #process()} or {@link #finish()} did. */
    public StepStats lastStep() {
        return lastStep;
    }

    /** The scrolling context tokens the next step may use (newest last); for tests. */
    int[] contextTokens() {
        return context.toArray();
    }

    private long maxWindowSamples() {
        return Math.round(config.audioMaxLenSeconds() * SR);
    }

    /** Applies the window limits: audio length, and room in the decoder context for the window's tokens. */
    private void trimWindow() {
        long excess = window().length() - maxWindowSamples();
        if (excess > 0) {
            dropAudio((int) excess);
            double start = bufferStartSeconds();
            int scroll = 0;
            while (scroll < windowWords.size() && windowWords.get(scroll).start() < start) {
                scroll++;
            }
            scrollWords(scroll);
        }
        int fixed = 1 + MAX_TASK_TOKENS + (staticTokens.length > 0 ? 1 + staticTokens.length : 0) + NEW_TOKEN_ROOM;
        while (!windowWords.isEmpty() && fixed + windowTokenCount > model.contextSize()) {
            scrollWords(1);
            if (!windowWords.isEmpty()) {
                long cut = Math.round(windowWords.getFirst().start() * SR) - window().startSample();
                dropAudio((int) Math.max(0, Math.min(window().length(), cut)));
            }
        }
    }

    private void dropAudio(int samples) {
        lastAttendFrame -= window().dropFront(samples) / SAMPLES_PER_FRAME;
    }

    /** Moves the oldest {@code count} window words into the scrolling context. */
    private void scrollWords(int count) {
        for (int i = 0; i < count; i++) {
            WindowWord w = windowWords.removeFirst();
            context.addAll(w.tokens());
            windowTokenCount -= w.tokens().length;
        }
        // older context can never be used again: the decoder sees at most maxContextTokens of it
        int keep = Math.min(config.maxContextTokens(), model.contextSize());
        if (context.size() > keep) {
            context.dropFirst(context.size() - keep);
        }
    }

    private PolicyStep decode(boolean isLast) {
        // one round of the model's shared compute per step: the streams that step together decode together
        model.beginStep();
        try {
            return decodeWindow(isLast);
        } finally {
            // the step's buffers go back to the model for whichever stream steps next: between steps a stream holds
            // its audio and tokens only
            beams.release();
            if (encodedBuffers != null) {
                model.recycle(encodedBuffers);
                encodedBuffers = null;
            }
            model.endStep();
        }
    }

    private PolicyStep decodeWindow(boolean isLast) {
        int contentFrames = window().length() / SAMPLES_PER_FRAME;
        if (contentFrames < 1 || window().length() < Math.round(config.audioMinLenSeconds() * SR)) {
            lastStep = new StepStats(0, 0, 0, Stop.TOO_SHORT, 0, 0);
            return new PolicyStep(List.of(), tentative);
        }
        samplesSinceDecode = 0;
        long t0 = System.nanoTime();
        AlignAttModel.EncodedAudio encoded = model.encode(window().samples(), window().length(),
                !config.shrinkEncoderWindow(), encodedBuffers);
        encodedBuffers = encoded;
        long t1 = System.nanoTime();
        contentFrames = Math.min(contentFrames, encoded.frames());
        Hypothesis root = beams.root();
        AlignAttModel.Decoder decoder = root.decoder;
        AttentionTracker tracker = root.tracker;
        decoder.setAudio(encoded);
        tracker.start(contentFrames);

        // 1. context and start token: no-speech probability and, once, the language
        int ctx = model.contextSize();
        int room = ctx - 1 - MAX_TASK_TOKENS - windowTokenCount - NEW_TOKEN_ROOM
                - (staticTokens.length > 0 || !context.isEmpty() ? 1 + staticTokens.length : 0);
        int contextCount = Math.max(0, Math.min(Math.min(config.maxContextTokens(), context.size()), room));
        sequence.clear();
        if (staticTokens.length > 0 || contextCount > 0) {
            sequence.add(model.startOfPrev());
            sequence.addAll(staticTokens);
            sequence.addRange(context, context.size() - contextCount, context.size());
        }
        sequence.add(model.sot());
        float[] logits = decoder.feed(sequence.toArray());
        tracker.addFeed(decoder, sequence.size());
        int prefixTokens = sequence.size();
        if (config.language() == null && detectedLanguage == null && model.multilingual()) {
            detectedLanguage = model.detectLanguage(logits);
        }
        if (config.noSpeechThreshold() <= 1 && softmax(logits, model.noSpeech()) > config.noSpeechThreshold()) {
            lastStep = new StepStats(encoded.frames(), prefixTokens, 0, Stop.NO_SPEECH, t1 - t0, System.nanoTime() - t1);
            tentative = List.of();
            return new PolicyStep(List.of(), List.of());
        }

        // 2. task tokens and the window's committed tokens, in one batched pass
        int[] task = model.taskTokens(language(), config.task());
        IntSeq window = root.sequence; // the loop guard's view: task, window tokens, then the step's new tokens
        window.clear();
        window.addAll(task);
        for (WindowWord w : windowWords) {
            window.addAll(w.tokens());
        }
        root.logits = decoder.feed(window.toArray());
        root.frame = tracker.addFeed(decoder, window.size());
        prefixTokens += window.size();
        int newStart = task.length + windowTokenCount;

        // 3. token by token (one beam: greedy) under the stop rules, which follow the best hypothesis
        int audioCap = Math.max(MIN_TOKEN_CAP, (int) Math.ceil(window().length() / (double) SR * TOKEN_CAP_PER_SECOND));
        int cap = Math.min(audioCap - windowTokenCount, ctx - decoder.position());
        int threshold = isLast ? AlignAttConfig.LAST_FRAME_THRESHOLD : config.frameThreshold();
        int count = 0;
        Stop stop = Stop.TOKEN_CAP;
        Hypothesis result = root;
        while (count < cap) {
            beams.rank(windowTokenCount == 0 && count == 0);
            result = beams.best();
            int frame = result.frame;
            if (beams.bestToken() == model.eot()) {
                stop = Stop.END_OF_TEXT;
                break;
            }
            if (!isLast && lastAttendFrame - frame > config.rewindThreshold()) {
                stop = Stop.REWIND;
                lastAttendFrame = -config.rewindThreshold();
                break;
            }
            lastAttendFrame = frame;
            if (contentFrames - frame <= threshold) {
                stop = Stop.FRAME_THRESHOLD;
                break;
            }
            beams.advance();
            count++;
            result = beams.leader();
            int loop = repetitionCut(result.sequence.array(), result.sequence.size(), newStart);
            if (loop >= 0) {
                result.count = loop;
                stop = Stop.LOOP;
                break;
            }
            if (count >= cap) {
                break;
            }
            beams.feed();
        }
        if (stop == Stop.REWIND) {
            result.count = 0;
        }
        count = result.count;
        PolicyStep step = commit(result, isLast || config.neverFire());
        lastStep = new StepStats(encoded.frames(), prefixTokens, count, stop, t1 - t0, System.nanoTime() - t1);
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.DEBUG, "AlignAtt step{0}: {1} frames, {2} prefix + {3} new tokens, stop {4}, "
                    + "encode {5} ms, decode {6} ms, committed {7} words", isLast ? " (last)" : "",
                    lastStep.encoderFrames(), lastStep.prefixTokens(), lastStep.newTokens(), stop,
                    lastStep.encodeNanos() / 1_000_000, lastStep.decodeNanos() / 1_000_000,
                    step.committed().size());
        }
        return step;
    }

    /** Turns the hypothesis' new tokens into words, commits all but (unless {@code keepLast}) the last one. */
    private PolicyStep commit(Hypothesis h, boolean keepLast) {
        int[] newTokens = h.tokens;
        int[] newFrames = h.frames;
        double[] newProbabilities = h.probabilities;
        List<TokenUnits.Unit> units = TokenUnits.of(model, newTokens, h.count);
        List<String> texts = new ArrayList<>(units.size());
        int[] unitFrames = new int[units.size()];
        for (int u = 0; u < units.size(); u++) {
            texts.add(units.get(u).text());
            unitFrames[u] = newFrames[units.get(u).from()];
        }
        List<TokenWords.WordSpan> spans = TokenWords.split(texts);
        double offset = bufferStartSeconds();
        int commitCount = keepLast ? spans.size() : Math.max(0, spans.size() - 1);
        List<Word> committed = new ArrayList<>(commitCount);
        List<Word> pending = new ArrayList<>(spans.size() - commitCount);
        double previousEnd = committedEndSeconds();
        int tokenFrom = 0;
        for (int w = 0; w < spans.size(); w++) {
            TokenWords.WordSpan s = spans.get(w);
            double start = unitFrames[s.coreFrom()] * CrossAttentionAlignment.SECONDS_PER_FRAME + offset;
            double end = w + 1 < spans.size()
                    ? unitFrames[spans.get(w + 1).coreFrom()] * CrossAttentionAlignment.SECONDS_PER_FRAME + offset
                    : start + TokenWords.LAST_WORD_SECONDS;
            start = Math.max(start, previousEnd);
            end = Math.max(end, start + TokenWords.MIN_WORD_SECONDS);
            previousEnd = end;
            int tokenTo = units.get(s.to() - 1).to();
            double probability = 0;
            for (int u = s.coreFrom(); u < s.coreTo(); u++) {
                for (int t = units.get(u).from(); t < units.get(u).to(); t++) {
                    probability += newProbabilities[t];
                }
            }
            int coreTokens = units.get(s.coreTo() - 1).to() - units.get(s.coreFrom()).from();
            Word word = new Word(s.text(), start, end, probability / coreTokens);
            if (w < commitCount) {
                committed.add(word);
                windowWords.add(new WindowWord(Arrays.copyOfRange(newTokens, tokenFrom, tokenTo), start));
                windowTokenCount += tokenTo - tokenFrom;
                tokenFrom = tokenTo;
                commitUpTo(end); // later than every earlier word's end
            } else {
                pending.add(word);
            }
        }
        tentative = List.copyOf(pending);
        return new PolicyStep(committed, tentative, config.language() == null ? detectedLanguage : null);
    }

    private String language() {
        if (config.language() != null) {
            return config.language();
        }
        return detectedLanguage != null ? detectedLanguage : "en";
    }

    /**
     * The loop guard: when {@code seq[0..len)} ends in {@link #REPEATS} copies of one n-gram, the number of tokens
     * from {@code newStart} to keep (the copies after the first are dropped, never tokens before {@code newStart});
     * -1 when there is no loop.
     */
    static int repetitionCut(int[] seq, int len, int newStart) {
        for (int n = 1; n <= MAX_NGRAM && REPEATS * n <= len; n++) {
            boolean loop = true;
            for (int k = 1; k < REPEATS && loop; k++) {
                for (int i = 0; i < n; i++) {
                    if (seq[len - n + i] != seq[len - (k + 1) * n + i]) {
                        loop = false;
                        break;
                    }
                }
            }
            if (loop) {
                int secondCopy = len - (REPEATS - 1) * n;
                return Math.max(newStart, secondCopy) - newStart;
            }
        }
        return -1;
    }

    /** Softmax probability of {@code token} (suppressed logits, -inf, count as zero). */
    static double softmax(float[] logits, int token) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        return Math.exp(logits[token] - max) / sum;
    }

    /** A growable int list without boxing. */
    static final class IntSeq {
        private int[] a = new int[64];
        private int n;

        void clear() {
            n = 0;
        }

        int size() {
            return n;
        }

        boolean isEmpty() {
            return n == 0;
        }

        int[] array() {
            return a;
        }

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        void addAll(int[] v) {
            for (int x : v) {
                add(x);
            }
        }

        void addRange(IntSeq other, int from, int to) {
            for (int i = from; i < to; i++) {
                add(other.a[i]);
            }
        }

        void copyFrom(IntSeq other) {
            n = 0;
            if (a.length < other.n) {
                a = new int[other.a.length];
            }
            System.arraycopy(other.a, 0, a, 0, other.n);
            n = other.n;
        }

        void dropFirst(int k) {
            System.arraycopy(a, k, a, 0, n - k);
            n -= k;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
