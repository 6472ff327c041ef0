package dev.steno.engine.policy.alignatt;

import dev.steno.engine.asr.Task;
import dev.steno.engine.whisper.LogMelSpectrogram;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model double for AlignAtt tests: no weights, a fixed vocabulary, and for every decoding step (every
 * {@link Decoder#setAudio}) a scripted token stream with the frame each token attends to.
 *
 * <p>Attention: the row that predicts a scripted token is a box of {@value #BOX} frames starting at the token's frame
 * on top of a uniform floor; every other row is uniform. After AlignAtt's z-normalisation, median filter and head
 * average the box's first frame is the most-attended one, as long as boxes of different tokens do not overlap
 * partially (tests keep scripted frames at least {@value #BOX} apart, or equal).
 *
 * <p>It records what the policy asked: every encode call's audio length and every decoder feed, per step.
 */
final class ScriptedAlignAttModel implements AlignAttModel {
    static final int BOX = SpeechEmulation.ATTENTION_BOX;
    private final List<byte[]> vocab = new ArrayList<>();
    private final Map<String, Integer> ids = new HashMap<>();
    private final int eot;
    private final Deque<Step> script = new ArrayDeque<>();
    /** Audio lengths (samples) of the encode calls. */
    final List<Integer> encodedLengths = new ArrayList<>();
    /** Per decoding step, the token arrays fed, in order. */
    final List<List<int[]>> feeds = new ArrayList<>();

    /** One token of a script: its id and the frame it attends to. */
    record Emit(int token, int frame) {
    }

    /**
     * One step's script: the tokens in order (then end-of-text), and whether the window sounds like no speech; or,
     * when {@code tree} is set, a branching script for beam search (see {@link #thenTree()}).
     */
    record Step(List<Emit> tokens, boolean noSpeech, Map<String, Branch> tree) {
    }

    /** A node of a branching script: logits of the next tokens (others get {@value #UNSCRIPTED_LOGIT}) and the frame. */
    record Branch(Map<Integer, Float> logits, int frame) {
    }

    /** Logit of every token a branch does not name: unlikely, but finite. */
    static final float UNSCRIPTED_LOGIT = -10;

    /**
     * A branching script for the next step. Each node is keyed by the path of this step's tokens that leads to it
     * (their texts concatenated, "" for the first token) and gives the logits of the next tokens and the frame the
     * row predicting them attends to; a path without a node predicts end-of-text.
     */
    final class Tree {
        private final Map<String, Branch> nodes = new HashMap<>();

        /** The node after {@code path}: attention at {@code frame}, then pairs word, logit, word, logit, ... */
        Tree at(String path, int frame, Object... wordLogitPairs) {
            Map<Integer, Float> logits = new HashMap<>();
            for (int i = 0; i < wordLogitPairs.length; i += 2) {
                String w = (String) wordLogitPairs[i];
                logits.put(w.equals("<eot>") ? eot : id(w), ((Number) wordLogitPairs[i + 1]).floatValue());
            }
            nodes.put(path, new Branch(logits, frame));
            return this;
        }

        /** Adds the tree as the next step's script. */
        ScriptedAlignAttModel done() {
            script.add(new Step(List.of(), false, Map.copyOf(nodes)));
            return ScriptedAlignAttModel.this;
        }
    }

    /** Starts a branching script for the next step; {@link Tree#done()} adds it. */
    Tree thenTree() {
        return new Tree();
    }

    /** A vocabulary of these text tokens (e.g. " hello"); byte tokens can be added with {@link #byteToken}. */
    ScriptedAlignAttModel(String... words) {
        for (String w : words) {
            add(w.getBytes(StandardCharsets.UTF_8), w);
        }
        add(new byte[] {(byte) 0xC3}, "<0xc3>");
        add(new byte[] {(byte) 0xA9}, "<0xa9>");
        eot = vocab.size();
    }

    private void add(byte[] bytes, String name) {
        ids.put(name, vocab.size());
        vocab.add(bytes);
    }

    /** Id of a word token. */
    int id(String word) {
        Integer id = ids.get(word);
        if (id == null) {
            throw new IllegalArgumentException("not in the vocabulary: '" + word + "'");
        }
        return id;
    }

    /** Id of the single-byte token {@code b} (0xC3 and 0xA9 exist: "é" split in two). */
    int byteToken(int b) {
        return id("<0x" + Integer.toHexString(b) + ">");
    }

    /** Scripts the next step from pairs word, frame, word, frame, ... (word: a vocabulary entry or a byte name). */
    ScriptedAlignAttModel then(Object... wordFramePairs) {
        List<Emit> tokens = new ArrayList<>();
        for (int i = 0; i < wordFramePairs.length; i += 2) {
            Object w = wordFramePairs[i];
            int token = w instanceof Integer b ? byteToken(b) : id((String) w);
            tokens.add(new Emit(token, (Integer) wordFramePairs[i + 1]));
        }
        script.add(new Step(tokens, false, null));
        return this;
    }

    /** Scripts a step whose window is silence (no-speech probability near 1) but which would decode {@code words}. */
    ScriptedAlignAttModel thenNoSpeech(Object... wordFramePairs) {
        then(wordFramePairs);
        Step s = script.removeLast();
        script.add(new Step(s.tokens(), true, null));
        return this;
    }

    /** Steps scripted but not yet decoded. */
    int stepsLeft() {
        return script.size();
    }

    int langEn() {
        return eot + 5;
    }

    int transcribeToken() {
        return eot + 6;
    }

    int noTimestamps() {
        return eot + 4;
    }

    int vocabSize() {
        return eot + 7;
    }

    @Override
    public int contextSize() {
        return 448;
    }

    @Override
    public int eot() {
        return eot;
    }

    @Override
    public int sot() {
        return eot + 1;
    }

    @Override
    public int startOfPrev() {
        return eot + 2;
    }

    @Override
    public int noSpeech() {
        return eot + 3;
    }

    @Override
    public boolean multilingual() {
        return true;
    }

    @Override
    public int[] taskTokens(String language, Task task) {
        return new int[] {langEn(), transcribeToken(), noTimestamps()};
    }

    @Override
    public String detectLanguage(float[] logitsAfterSot) {
        return "en";
    }

    @Override
    public int[] encodeText(String text) {
        List<Integer> out = new ArrayList<>();
        for (String w : text.strip().split(" +")) {
            out.add(id(" " + w));
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public byte[] tokenBytes(int token) {
        return token < eot ? vocab.get(token).clone() : new byte[0];
    }

    @Override
    public void suppress(float[] logits, boolean firstToken) {
        for (int t = eot + 1; t < vocabSize(); t++) {
            logits[t] = Float.NEGATIVE_INFINITY;
        }
        if (firstToken) {
            logits[eot] = Float.NEGATIVE_INFINITY;
        }
    }

    @Override
    public int alignmentHeads() {
        return 2;
    }

    @Override
    public EncodedAudio encode(float[] samples16k, int length, boolean fullWindow, EncodedAudio reuse) {
        encodedLengths.add(length);
        int frames = fullWindow ? 1500 : LogMelSpectrogram.encoderFrames(LogMelSpectrogram.shrunkMelFrames(length));
        return () -> frames;
    }

    @Override
    public Decoder newDecoder() {
        return new ScriptedDecoder();
    }

    /** Follows the script of the step its audio started; forks continue the same script. */
    private final class ScriptedDecoder implements Decoder {
        private int frames;
        private Step step;
        private int emitted;
        private int position;
        private int lastRows;
        private int lastFrame = -1;
        /** Branching scripts: whether the window was fed, and this step's tokens since. */
        private boolean windowFed;
        private String path = "";

        @Override
        public void setAudio(EncodedAudio audio) {
            windowFed = false;
            path = "";
            frames = audio.frames();
            step = script.isEmpty() ? new Step(List.of(), false, null) : script.poll();
            emitted = 0;
            position = 0;
            feeds.add(new ArrayList<>());
        }

        @Override
        public float[] feed(int[] tokens) {
            feeds.getLast().add(tokens.clone());
            position += tokens.length;
            lastRows = tokens.length;
            float[] logits = new float[vocabSize()];
            if (tokens[tokens.length - 1] == sot()) {
                lastFrame = -1;
                if (step.noSpeech()) {
                    logits[noSpeech()] = 30;
                }
                return logits;
            }
            if (step.tree() != null) {
                if (windowFed) {
                    path += new String(vocab.get(tokens[0]), StandardCharsets.ISO_8859_1);
                }
                windowFed = true;
                Branch b = step.tree().get(path);
                Arrays.fill(logits, UNSCRIPTED_LOGIT);
                if (b == null) {
                    logits[eot] = 10;
                    lastFrame = -1;
                } else {
                    b.logits().forEach((t, v) -> logits[t] = v);
                    lastFrame = b.frame();
                }
                return logits;
            }
            if (emitted < step.tokens().size()) {
                Emit e = step.tokens().get(emitted++);
                logits[e.token()] = 10;
                lastFrame = e.frame();
            } else {
                logits[eot] = 10;
                lastFrame = -1;
            }
            return logits;
        }

        @Override
        public void attention(int head, int row, float[] into, int count) {
            SpeechEmulation.scriptedAttention(into, count, frames, row == lastRows - 1 ? lastFrame : -1);
        }

        @Override
        public int position() {
            return position;
        }

        @Override
        public void copyFrom(Decoder other) {
            ScriptedDecoder o = (ScriptedDecoder) other;
            frames = o.frames;
            step = o.step;
            emitted = o.emitted;
            position = o.position;
            windowFed = o.windowFed;
            path = o.path;
            lastRows = 0;
            lastFrame = -1;
        }

        @Override
        public void releaseAudio() {
            frames = 0;
            step = null;
            position = 0;
        }
    }
}
