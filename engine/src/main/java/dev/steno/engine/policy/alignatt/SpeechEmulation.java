package dev.steno.engine.policy.alignatt;

import dev.steno.engine.asr.Task;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Load emulation: a real model's compute with a speech-like decoding on top, so that a random-weight model costs
 * what real speech would (benchmarks, {@code steno bench sessions --emulate-speech}). Random weights loop on one
 * token and attend anywhere, so AlignAtt steps end after a token or two, far cheaper than with speech. This wrapper
 * runs every encoder and decoder call of the wrapped model (and reads its attention), then replaces the outcome: the
 * stream is a transcript of distinct words spoken at a fixed rate of tokens per second (one token a word), the token
 * predicted next is the transcript's next word after the window's committed tokens, and its attention peaks at the
 * frame where that word is spoken. Steps then decode, commit and scroll as with real speech.
 *
 * <p>Token {@code i} of the stream is spoken at {@code i / rate} seconds, so {@code S} seconds of audio commit about
 * {@code S * rate} words; past the window's audio the decoder predicts end-of-text, as a real model does where the
 * speech runs out (a stream's last step would otherwise decode to the token cap). Thread-safe as the wrapped model is; each decoder is one stream's.
 */
public final class SpeechEmulation implements AlignAttModel {
    /** The default rate, tokens per second: conversational English. */
    public static final double DEFAULT_TOKENS_PER_SECOND = 3.5;
    /** Frames (20 ms) of the attention peak that a scripted token's row gets. */
    static final int ATTENTION_BOX = 7;
    /** 16 kHz samples of an encoder frame (20 ms). */
    private static final int SAMPLES_PER_FRAME = 320;
    /** Words of the script, repeated: enough that the loop guard never sees a repetition. */
    private static final int SCRIPT_WORDS = 600;
    private final AlignAttModel real;
    private final DoubleSupplier windowStart;
    private final double tokensPerSecond;
    private final int[] words;
    private final boolean sequentialPrefill;

    /**
     * @param real            the model whose compute is measured
     * @param windowStart     the policy's {@link AlignAttPolicy#bufferStartSeconds()}
     * @param tokensPerSecond the script's speaking rate, above 0
     */
    public SpeechEmulation(AlignAttModel real, DoubleSupplier windowStart, double tokensPerSecond) {
        this(real, windowStart, tokensPerSecond, false);
    }

    /**
     * @param sequentialPrefill feed batched token runs to the real decoder one token at a time, as the anchors do
     *                          (to measure what batching the prefix saves)
     * @throws IllegalArgumentException when the rate is not above 0, or the vocabulary has no word tokens
     */
    public SpeechEmulation(AlignAttModel real, DoubleSupplier windowStart, double tokensPerSecond,
                           boolean sequentialPrefill) {
        this.tokensPerSecond = checkedRate(tokensPerSecond);
        this.sequentialPrefill = sequentialPrefill;
        this.real = Objects.requireNonNull(real, "real");
        this.windowStart = Objects.requireNonNull(windowStart, "windowStart");
        int[] found = new int[SCRIPT_WORDS];
        int n = 0;
        // text tokens come before end-of-text
        for (int t = 300; t < real.eot() && n < found.length; t++) {
            byte[] b = real.tokenBytes(t);
            String s = new String(b, StandardCharsets.UTF_8);
            if (s.length() >= 4 && s.charAt(0) == ' ' && s.substring(1).chars().allMatch(Character::isLetter)) {
                found[n++] = t;
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("the model's vocabulary has no word tokens to script");
        }
        this.words = Arrays.copyOf(found, n);
    }

    /**
     * An AlignAtt policy over the emulation of {@code real}, the script following the policy's own window.
     *
     * @param sequentialPrefill see {@link #SpeechEmulation(AlignAttModel, DoubleSupplier, double, boolean)}
     */
    public static AlignAttPolicy policy(AlignAttModel real, AlignAttConfig config, double tokensPerSecond,
                                        boolean sequentialPrefill) {
        AlignAttPolicy[] self = new AlignAttPolicy[1];
        self[0] = new AlignAttPolicy(new SpeechEmulation(real, () -> self[0].bufferStartSeconds(), tokensPerSecond,
                sequentialPrefill), config);
        return self[0];
    }

    /** As {@link #policy(AlignAttModel, AlignAttConfig, double, boolean)}, the prefix fed in one batched pass. */
    public static AlignAttPolicy policy(AlignAttModel real, AlignAttConfig config, double tokensPerSecond) {
        return policy(real, config, tokensPerSecond, false);
    }

    /**
     * {@code tokensPerSecond} when it is a usable rate.
     *
     * @throws IllegalArgumentException when it is not above 0 and finite
     */
    public static double checkedRate(double tokensPerSecond) {
        if (!(tokensPerSecond > 0) || Double.isInfinite(tokensPerSecond)) {
            throw new IllegalArgumentException("tokens per second must be above 0, was " + tokensPerSecond);
        }
        return tokensPerSecond;
    }

    /** The script's speaking rate. */
    public double tokensPerSecond() {
        return tokensPerSecond;
    }

    private int wordAt(long index) {
        return words[(int) (index % words.length)];
    }

    @Override
    public int contextSize() {
        return real.contextSize();
    }

    @Override
    public int eot() {
        return real.eot();
    }

    @Override
    public int sot() {
        return real.sot();
    }

    @Override
    public int startOfPrev() {
        return real.startOfPrev();
    }

    @Override
    public int noSpeech() {
        return real.noSpeech();
    }

    @Override
    public boolean multilingual() {
        return real.multilingual();
    }

    @Override
    public int[] taskTokens(String language, Task task) {
        return real.taskTokens(language, task);
    }

    @Override
    public String detectLanguage(float[] logitsAfterSot) {
        return real.detectLanguage(logitsAfterSot);
    }

    @Override
    public int[] encodeText(String text) {
        return real.encodeText(text);
    }

    @Override
    public byte[] tokenBytes(int token) {
        return real.tokenBytes(token);
    }

    @Override
    public void suppress(float[] logits, boolean firstToken) {
        real.suppress(logits, firstToken);
    }

    @Override
    public int alignmentHeads() {
        return real.alignmentHeads();
    }

    @Override
    public void beginStep() {
        real.beginStep();
    }

    @Override
    public void endStep() {
        real.endStep();
    }

    @Override
    public EncodedAudio encode(float[] samples16k, int length, boolean fullWindow, EncodedAudio reuse) {
        EncodedAudio encoded = real.encode(samples16k, length, fullWindow,
                reuse instanceof Window w ? w.encoded() : reuse);
        return new Window(encoded, (int) Math.ceil(length / (double) SAMPLES_PER_FRAME));
    }

    @Override
    public void recycle(EncodedAudio encoded) {
        real.recycle(encoded instanceof Window w ? w.encoded() : encoded);
    }

    /** The real model's encoded window and how many of its frames hold audio (the rest is padding). */
    private record Window(EncodedAudio encoded, int audioFrames) implements EncodedAudio {
        @Override
        public int frames() {
            return encoded.frames();
        }
    }

    @Override
    public void feedEach(Decoder[] decoders, int[] tokens, int n, float[][] logits) {
        Decoder[] inner = new Decoder[n];
        for (int i = 0; i < n; i++) {
            inner[i] = ((ScriptedDecoder) decoders[i]).d;
        }
        // the beams' real compute together, as the real model batches it
        real.feedEach(inner, tokens, n, logits);
        for (int i = 0; i < n; i++) {
            logits[i] = ((ScriptedDecoder) decoders[i]).script(1, tokens[i], logits[i]);
        }
    }

    @Override
    public Decoder newDecoder() {
        return new ScriptedDecoder(real.newDecoder());
    }

    /**
     * A scripted attention row: uniform over the window's {@code frames}, plus half of the weight on the
     * {@value #ATTENTION_BOX} frames from {@code peakFrame} (none when it is negative).
     */
    static void scriptedAttention(float[] into, int count, int frames, int peakFrame) {
        Arrays.fill(into, 0, count, 1f / frames);
        if (peakFrame >= 0) {
            for (int f = peakFrame; f < Math.min(count, peakFrame + ATTENTION_BOX); f++) {
                into[f] += 0.5f / ATTENTION_BOX;
            }
        }
    }

    /** The real decoder's compute, the transcript's outcome. */
    private final class ScriptedDecoder implements Decoder {
        private final Decoder d;
        private int frames;
        private int audioFrames;
        private int fedAfterTask;
        private boolean afterTask;
        private int lastRows;
        private int realRows;
        private int lastFrame = -1;

        ScriptedDecoder(Decoder d) {
            this.d = d;
        }

        @Override
        public void setAudio(EncodedAudio audio) {
            Window w = (Window) audio;
            d.setAudio(w.encoded());
            frames = w.frames();
            audioFrames = w.audioFrames();
            afterTask = false;
            fedAfterTask = 0;
        }

        @Override
        public float[] feed(int[] tokens) {
            float[] logits;
            if (sequentialPrefill && tokens.length > 1) {
                logits = null;
                for (int t : tokens) {
                    logits = d.feed(new int[] {t});
                }
            } else {
                logits = d.feed(tokens);
            }
            return script(tokens.length, tokens[tokens.length - 1], logits);
        }

        /** Replaces the real logits of feeding {@code count} tokens, the last {@code lastToken}, with the script's. */
        float[] script(int count, int lastToken, float[] logits) {
            lastRows = count;
            realRows = sequentialPrefill ? 1 : count;
            if (lastToken == sot()) {
                lastFrame = -1;
                return logits;
            }
            // the first feed after the start token carries the 3 task tokens, then committed and new tokens
            fedAfterTask += afterTask ? count : count - 3;
            afterTask = true;
            double start = windowStart.getAsDouble();
            long index = (long) Math.ceil(start * tokensPerSecond - 1e-9) + fedAfterTask;
            double time = index / tokensPerSecond - start;
            lastFrame = (int) Math.round(time / 0.02);
            Arrays.fill(logits, 0f);
            // the script ends with the audio, as a real model ends the text where the speech runs out
            logits[lastFrame < audioFrames ? wordAt(index) : eot()] = 100f;
            return logits;
        }

        @Override
        public void attention(int head, int row, float[] into, int count) {
            d.attention(head, Math.min(row, realRows - 1), into, count); // read as the policy would, then replaced
            scriptedAttention(into, count, frames, row == lastRows - 1 ? lastFrame : -1);
        }

        @Override
        public int position() {
            return d.position();
        }

        @Override
        public void copyFrom(Decoder other) {
            ScriptedDecoder o = (ScriptedDecoder) other;
            d.copyFrom(o.d);
            frames = o.frames;
            audioFrames = o.audioFrames;
            fedAfterTask = o.fedAfterTask;
            afterTask = o.afterTask;
            lastRows = 0;
            realRows = 0;
            lastFrame = -1;
        }

        @Override
        public void releaseAudio() {
            d.releaseAudio();
        }
    }
}
