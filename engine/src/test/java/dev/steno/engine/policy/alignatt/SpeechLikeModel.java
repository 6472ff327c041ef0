package dev.steno.engine.policy.alignatt;

import dev.steno.engine.asr.Task;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.DoubleSupplier;

/**
 * Benchmark workload: a real model's compute with a speech-like decoding on top. Random weights loop on one token
 * and attend anywhere, so AlignAtt steps end after a token or two, far cheaper than with speech. This wrapper runs
 * every encoder and decoder call of the wrapped model (and reads its attention), then replaces the outcome: the
 * stream is a transcript of distinct words spoken at {@value #TOKENS_PER_SECOND} tokens per second, the token
 * predicted next is the transcript's next word after the window's committed tokens, and its attention peaks at the
 * frame where that word is spoken. Steps then decode, commit and scroll as with real speech.
 */
final class SpeechLikeModel implements AlignAttModel {
    static final double TOKENS_PER_SECOND = 3.5;
    private final AlignAttModel real;
    private final DoubleSupplier windowStart;
    private final int[] words;
    private final boolean sequentialPrefill;

    /**
     * @param real        the model whose compute is measured
     * @param windowStart the policy's {@link AlignAttPolicy#bufferStartSeconds()}
     */
    SpeechLikeModel(AlignAttModel real, DoubleSupplier windowStart, int vocabSize) {
        this(real, windowStart, vocabSize, false);
    }

    /**
     * @param sequentialPrefill feed batched token runs to the real decoder one token at a time, as the anchors do
     *                          (to measure what batching the prefix saves)
     */
    SpeechLikeModel(AlignAttModel real, DoubleSupplier windowStart, int vocabSize, boolean sequentialPrefill) {
        this.sequentialPrefill = sequentialPrefill;
        this.real = real;
        this.windowStart = windowStart;
        int[] found = new int[600];
        int n = 0;
        for (int t = 300; t < vocabSize && n < found.length; t++) {
            byte[] b = real.tokenBytes(t);
            String s = new String(b, StandardCharsets.UTF_8);
            if (s.length() >= 4 && s.charAt(0) == ' ' && s.substring(1).chars().allMatch(Character::isLetter)) {
                found[n++] = t;
            }
        }
        this.words = Arrays.copyOf(found, n);
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
    public EncodedAudio encode(float[] samples16k, int length, boolean fullWindow, EncodedAudio reuse) {
        return real.encode(samples16k, length, fullWindow, reuse);
    }

    @Override
    public Decoder newDecoder() {
        return new SpeechLikeDecoder(real.newDecoder());
    }

    /** The real decoder's compute, the transcript's outcome. */
    private final class SpeechLikeDecoder implements Decoder {
        private final Decoder d;
        private int frames;
        private int fedAfterTask;
        private boolean afterTask;
        private int lastRows;
        private int realRows;
        private int lastFrame = -1;

        SpeechLikeDecoder(Decoder d) {
            this.d = d;
        }

        @Override
        public void setAudio(EncodedAudio audio) {
            d.setAudio(audio);
            frames = audio.frames();
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
            lastRows = tokens.length;
            realRows = sequentialPrefill ? 1 : tokens.length;
            if (tokens[tokens.length - 1] == sot()) {
                lastFrame = -1;
                return logits;
            }
            // the first feed after the start token carries the 3 task tokens, then committed and new tokens
            fedAfterTask += afterTask ? tokens.length : tokens.length - 3;
            afterTask = true;
            double start = windowStart.getAsDouble();
            long index = (long) Math.ceil(start * TOKENS_PER_SECOND - 1e-9) + fedAfterTask;
            double time = index / TOKENS_PER_SECOND - start;
            lastFrame = (int) Math.round(time / 0.02);
            Arrays.fill(logits, 0f);
            logits[wordAt(index)] = 100f;
            return logits;
        }

        @Override
        public void attention(int head, int row, float[] into, int count) {
            d.attention(head, Math.min(row, realRows - 1), into, count); // read as the policy would, then replaced
            Arrays.fill(into, 0, count, 1f / frames);
            if (row == lastRows - 1 && lastFrame >= 0) {
                for (int f = lastFrame; f < Math.min(count, lastFrame + ScriptedAlignAttModel.BOX); f++) {
                    into[f] += 0.5f / ScriptedAlignAttModel.BOX;
                }
            }
        }

        @Override
        public int position() {
            return d.position();
        }

        @Override
        public void copyFrom(Decoder other) {
            SpeechLikeDecoder o = (SpeechLikeDecoder) other;
            d.copyFrom(o.d);
            frames = o.frames;
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
