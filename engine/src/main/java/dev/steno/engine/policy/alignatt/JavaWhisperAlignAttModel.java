package dev.steno.engine.policy.alignatt;

import dev.steno.engine.asr.JavaWhisperRecognizer;
import dev.steno.engine.asr.WhisperModelParts;
import dev.steno.engine.asr.Task;
import dev.steno.engine.asr.WhisperLanguages;
import dev.steno.engine.whisper.AudioEncoder;
import dev.steno.engine.whisper.ComputeGate;
import dev.steno.engine.whisper.CrossKeysValues;
import dev.steno.engine.whisper.DecoderBatcher;
import dev.steno.engine.whisper.DecoderState;
import dev.steno.engine.whisper.LogMelSpectrogram;
import dev.steno.engine.whisper.WhisperDecoder;
import dev.steno.engine.whisper.WhisperTokenizer;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * {@link AlignAttModel} over the Java Whisper: log-mel and encoder (the window shrunk to the audio unless asked for
 * the full 30 s), a {@link DecoderState} per stream with the alignment heads' cross-attention recorded, and
 * whisper.cpp's logit rules for decoding without timestamps.
 *
 * <p>Thread-safe: the parts are shared (the encoder serves as many calls at once as it was built for), each decoder
 * is one stream's.
 *
 * <p><b>Streams together.</b> Every heavy call of every stream runs in a slot of one {@link ComputeGate} (as many
 * slots as the machine has inference workers), and single-token feeds of all streams go through one
 * {@link DecoderBatcher}: streams decoding at the same moment, and the beams of one stream, share one pass over the
 * decoder's weights per token. Results are bit for bit those of each stream decoding alone.
 */
public final class JavaWhisperAlignAttModel implements AlignAttModel {
    private final AudioEncoder encoder;
    private final WhisperDecoder decoder;
    private final WhisperTokenizer tokenizer;
    private final LogMelSpectrogram mel;
    private final int[][] heads;
    private final boolean multilingual;
    private final int[] nonSpeech;
    private final int spaceToken;
    private final ComputeGate gate;
    private final DecoderBatcher batcher;
    /** Encoded windows of finished steps, reused by the next encode of any stream. */
    private final ConcurrentLinkedQueue<Encoded> idleEncoded = new ConcurrentLinkedQueue<>();

    /** Most decoder steps in one batch: past this the multiply-adds, not the weight reads, bound a batch. */
    public static final int MAX_BATCH_ROWS = 16;

    /** The model of a loaded Java recogniser, sharing its weights, with one compute slot. */
    public JavaWhisperAlignAttModel(JavaWhisperRecognizer recognizer) {
        this(recognizer.parts());
    }

    /** A model over these parts with one compute slot. */
    public JavaWhisperAlignAttModel(WhisperModelParts parts) {
        this(parts, 1);
    }

    /**
     * A model over these parts whose streams share {@code computeSlots} slots (the inference workers of the machine's
     * plan): at most that many heavy calls run at once, however many streams are in flight.
     */
    public JavaWhisperAlignAttModel(WhisperModelParts parts, int computeSlots) {
        Objects.requireNonNull(parts, "parts");
        this.encoder = parts.encoder();
        this.decoder = parts.decoder();
        this.tokenizer = parts.tokenizer();
        this.mel = parts.mel();
        this.heads = parts.alignmentHeads().clone();
        this.multilingual = parts.multilingual();
        this.nonSpeech = tokenizer.nonSpeechTokens();
        int[] space = tokenizer.encode(" ");
        this.spaceToken = space.length == 1 ? space[0] : -1;
        this.gate = new ComputeGate(computeSlots);
        this.batcher = new DecoderBatcher(decoder, gate, MAX_BATCH_ROWS);
    }

    /** Decoder batches run so far and the rows they stepped. */
    public DecoderBatcher.Counts batchCounts() {
        return batcher.counts();
    }

    @Override
    public int contextSize() {
        return decoder.contextSize();
    }

    @Override
    public int eot() {
        return tokenizer.eot();
    }

    @Override
    public int sot() {
        return tokenizer.sot();
    }

    @Override
    public int startOfPrev() {
        return tokenizer.startOfPrev();
    }

    @Override
    public int noSpeech() {
        return tokenizer.noSpeech();
    }

    @Override
    public boolean multilingual() {
        return multilingual;
    }

    @Override
    public int[] taskTokens(String language, Task task) {
        if (!multilingual) {
            return new int[] {tokenizer.noTimestamps()};
        }
        return new int[] {tokenizer.languageToken(language == null ? "en" : language),
                task == Task.TRANSLATE ? tokenizer.translate() : tokenizer.transcribe(), tokenizer.noTimestamps()};
    }

    @Override
    public String detectLanguage(float[] logitsAfterSot) {
        int best = -1;
        float bestLogit = Float.NEGATIVE_INFINITY;
        for (String code : WhisperLanguages.CODES) {
            int id;
            try {
                id = tokenizer.languageToken(code);
            } catch (IllegalArgumentException notInThisVocabulary) {
                continue;
            }
            if (logitsAfterSot[id] > bestLogit) {
                bestLogit = logitsAfterSot[id];
                best = id;
            }
        }
        return best < 0 ? "en" : tokenizer.languageOf(best);
    }

    @Override
    public int[] encodeText(String text) {
        return tokenizer.encode(text);
    }

    @Override
    public byte[] tokenBytes(int token) {
        return tokenizer.isSpecial(token) ? new byte[0] : tokenizer.tokenBytes(token);
    }

    @Override
    public void suppress(float[] logits, boolean firstToken) {
        float neg = Float.NEGATIVE_INFINITY;
        logits[tokenizer.noTimestamps()] = neg;
        logits[tokenizer.sot()] = neg;
        logits[tokenizer.noSpeech()] = neg;
        logits[tokenizer.translate()] = neg;
        logits[tokenizer.transcribe()] = neg;
        logits[tokenizer.startOfPrev()] = neg;
        logits[tokenizer.startOfLm()] = neg;
        for (int id = tokenizer.sot() + 1; id < tokenizer.translate(); id++) {
            logits[id] = neg; // language tokens
        }
        Arrays.fill(logits, tokenizer.timestampBegin(), Math.min(logits.length, tokenizer.vocabSize()), neg);
        if (firstToken) {
            if (spaceToken >= 0) {
                logits[spaceToken] = neg;
            }
            logits[tokenizer.eot()] = neg;
        }
        for (int id : nonSpeech) {
            logits[id] = neg;
        }
    }

    @Override
    public int alignmentHeads() {
        return heads.length;
    }

    @Override
    public void beginStep() {
        gate.join();
    }

    @Override
    public void endStep() {
        gate.leave();
    }

    @Override
    public EncodedAudio encode(float[] samples16k, int length, boolean fullWindow, EncodedAudio reuse) {
        int melFrames = fullWindow ? LogMelSpectrogram.CHUNK_FRAMES : LogMelSpectrogram.shrunkMelFrames(length);
        int frames = LogMelSpectrogram.encoderFrames(melFrames);
        Encoded e = reuse instanceof Encoded r ? r : idleEncoded.poll();
        if (e == null) {
            e = new Encoded();
        }
        // a streaming window grows every step: grow by half at least (up to the 30 s window), not to each new size
        if (e.spectrogram.length < mel.nMels() * melFrames) {
            e.spectrogram = new float[mel.nMels() * grown(melFrames, e.spectrogram.length / mel.nMels(),
                    LogMelSpectrogram.CHUNK_FRAMES)];
        }
        if (e.output.length < frames * encoder.width()) {
            e.output = new float[encoder.width() * grown(frames, e.output.length / encoder.width(),
                    LogMelSpectrogram.encoderFrames(LogMelSpectrogram.CHUNK_FRAMES))];
        }
        gate.acquire(ComputeGate.Kind.PREPARE);
        try {
            mel.computeWindowFlat(samples16k, length, melFrames, e.spectrogram);
            CrossKeysValues cross = e.cross != null ? e.cross : decoder.borrowCrossKeysValues();
            if (encoder.encode(e.spectrogram, frames, e.output, cross)) {
                e.cross = cross;
            } else {
                e.cross = null;
                decoder.returnCrossKeysValues(cross);
            }
        } finally {
            gate.release();
        }
        e.frames = frames;
        return e;
    }

    private static int grown(int needed, int current, int max) {
        return Math.max(needed, Math.min(max, current + current / 2));
    }

    @Override
    public void recycle(EncodedAudio encoded) {
        if (encoded instanceof Encoded e) {
            idleEncoded.add(e);
        }
    }

    @Override
    public Decoder newDecoder() {
        return new JavaDecoder(decoder, decoder.newState(), heads, gate, batcher);
    }

    @Override
    public void feedEach(Decoder[] decoders, int[] tokens, int n, float[][] logits) {
        DecoderState[] states = new DecoderState[n];
        for (int i = 0; i < n; i++) {
            states[i] = ((JavaDecoder) decoders[i]).state;
        }
        batcher.stepAll(states, tokens, n);
        for (int i = 0; i < n; i++) {
            logits[i] = states[i].logits();
        }
    }

    /** A window's log-mel and encoder output; buffers of the largest window seen, reused by the next encode. */
    private static final class Encoded implements EncodedAudio {
        private float[] spectrogram = new float[0];
        private float[] output = new float[0];
        private int frames;
        /**
         * The decoder's cross-attention keys and values when the encoder computed them, borrowed from the decoder
         * until {@link JavaDecoder#setAudio} copies them; else null.
         */
        private CrossKeysValues cross;

        @Override
        public int frames() {
            return frames;
        }
    }

    private static final class JavaDecoder implements Decoder {
        private final DecoderState state;
        private final int[][] heads;
        private final ComputeGate gate;
        private final DecoderBatcher batcher;
        /** Lends the buffers of ready-made cross-attention keys and values, which {@link #setAudio} gives back. */
        private final WhisperDecoder owner;

        JavaDecoder(WhisperDecoder owner, DecoderState state, int[][] heads, ComputeGate gate,
                    DecoderBatcher batcher) {
            this.owner = owner;
            this.state = state;
            this.heads = heads;
            this.gate = gate;
            this.batcher = batcher;
            state.recordCrossAttention(heads);
        }

        @Override
        public void setAudio(EncodedAudio audio) {
            Encoded e = (Encoded) audio;
            gate.acquire(ComputeGate.Kind.PREPARE);
            try {
                state.setAudio(e.output, e.frames, e.cross);
                if (e.cross != null) {
                    owner.returnCrossKeysValues(e.cross);
                    e.cross = null;
                }
            } finally {
                gate.release();
            }
        }

        @Override
        public float[] feed(int[] tokens) {
            if (tokens.length == 1) {
                return batcher.step(state, tokens[0]);
            }
            gate.acquire(ComputeGate.Kind.PREPARE);
            try {
                return state.prefill(tokens);
            } finally {
                gate.release();
            }
        }

        @Override
        public void attention(int head, int row, float[] into, int frames) {
            state.crossAttention(heads[head][0], heads[head][1], row, into, frames);
        }

        @Override
        public int position() {
            return state.position();
        }

        @Override
        public void copyFrom(Decoder other) {
            state.copyFrom(((JavaDecoder) other).state);
        }

        @Override
        public void releaseAudio() {
            state.releaseAudio();
        }
    }
}
