package dev.steno.engine.testing;

import dev.steno.engine.whisper.GgmlType;
import dev.steno.engine.whisper.GgmlWhisperFile;
import dev.steno.engine.whisper.WhisperHyperParams;
import dev.steno.engine.whisper.WhisperTensorLayout;
import dev.steno.engine.whisper.WhisperVocabulary;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes valid ggml Whisper model files with random weights, in the layout of whisper.cpp's converter (the same as
 * {@code shared/tools/gen_ggml_whisper.py}): f16 matrices and convolution kernels, f32 vectors, convolution biases
 * and positional embeddings; layer norms at weight 1 and bias 0, biases 0, weights about N(0, 0.02).
 *
 * <p>By default the real mel filters and tokenizer vocabulary are copied from the shared vocabulary-only files, so a
 * model decodes to real-looking text; a {@link Vocab#SYNTHETIC} model reads nothing from the shared folder. No real
 * weights can be had on build machines; these files exercise loaders and the inference plumbing, not accuracy.
 */
public final class RandomGgmlWhisper {
    private RandomGgmlWhisper() {
    }

    /** Where the written vocabulary comes from. */
    public enum Vocab {
        /** The real tokenizer vocabulary from the shared for-tests file (English-only for n_vocab 51864). */
        REAL,
        /**
         * The Python generator's synthetic vocabulary: 256 byte tokens, then unique {@code " xxxx"} base-26 words,
         * then an empty token; every non-byte token is one word, so decoded tokens can be counted from the text.
         * The mel filters are computed ({@link RandomGgmlWhisper#slaneyMelFilters}), so such a model is written
         * without the shared folder (dev tools on machines that lack it).
         */
        SYNTHETIC
    }

    /**
     * What to write.
     *
     * @param nVocab    vocabulary size (51864, 51865 or 51866)
     * @param nAudioCtx encoder positions (keep 1500: whisper.cpp assumes a 30 s window)
     * @param nState    width of encoder and decoder
     * @param nHead     attention heads
     * @param nLayer    encoder and decoder blocks
     * @param nTextCtx  decoder positions (keep 448)
     * @param nMels     mel bands (80, or 128 like large-v3)
     * @param eotMode   make greedy decoding emit end-of-text at once (the Python's {@code --eot}): the decoder's
     *                  final layer norm outputs a constant vector aligned with the end-of-text embedding row, so
     *                  a transcription costs about mel + encoder + one decoder pass. Decode without timestamps:
     *                  whisper.cpp forces a timestamp first otherwise
     * @param vocab     vocabulary source
     */
    public record Config(int nVocab, int nAudioCtx, int nState, int nHead, int nLayer, int nTextCtx, int nMels,
                         boolean eotMode, Vocab vocab, int ftype) {
        /** An f16 model (ftype 1), as the official files. */
        public Config(int nVocab, int nAudioCtx, int nState, int nHead, int nLayer, int nTextCtx, int nMels,
                      boolean eotMode, Vocab vocab) {
            this(nVocab, nAudioCtx, nState, nHead, nLayer, nTextCtx, nMels, eotMode, vocab, 1);
        }

        /** OpenAI tiny's true shape (multilingual, 80 mels); about 77 MB. */
        public static final Config TINY = new Config(51865, 1500, 384, 6, 4, 448, 80, false, Vocab.REAL);
        /** OpenAI base's true shape; about 148 MB. */
        public static final Config BASE = new Config(51865, 1500, 512, 8, 6, 448, 80, false, Vocab.REAL);
        /** OpenAI small's true shape; about 490 MB, so for benchmarks and dev tools, not tests. */
        public static final Config SMALL = new Config(51865, 1500, 768, 12, 12, 448, 80, false, Vocab.REAL);
        /**
         * A very small model with standard vocabulary, contexts and mels, for fast tests: width 64, 2 heads, one
         * block each side; about 8 MB, most of it the token embedding.
         */
        public static final Config MICRO = new Config(51865, 1500, 64, 2, 1, 448, 80, false, Vocab.REAL);

        /**
         * The config of a size name: {@code micro}, {@code tiny}, {@code base} or {@code small}.
         *
         * @throws IllegalArgumentException naming the sizes known
         */
        public static Config named(String size) {
            return switch (size) {
                case "micro" -> MICRO;
                case "tiny" -> TINY;
                case "base" -> BASE;
                case "small" -> SMALL;
                default -> throw new IllegalArgumentException("size must be micro, tiny, base or small: " + size);
            };
        }

        /** This config with end-of-text mode set as given. */
        public Config withEotMode(boolean eot) {
            return new Config(nVocab, nAudioCtx, nState, nHead, nLayer, nTextCtx, nMels, eot, vocab, ftype);
        }

        /** This config with another vocabulary source. */
        public Config withVocab(Vocab v) {
            return new Config(nVocab, nAudioCtx, nState, nHead, nLayer, nTextCtx, nMels, eotMode, v, ftype);
        }

        /** This config with another vocabulary size (51864 English-only, 51866 large-v3). */
        public Config withVocabSize(int n) {
            return new Config(n, nAudioCtx, nState, nHead, nLayer, nTextCtx, nMels, eotMode, vocab, ftype);
        }

        /** This config with another number of mel bands. */
        public Config withMels(int mels) {
            return new Config(nVocab, nAudioCtx, nState, nHead, nLayer, nTextCtx, mels, eotMode, vocab, ftype);
        }

        /**
         * This config with another weight type: ggml's ftype, 1 (f16), 0 (f32) or 7 (q8_0: the 2-D weights in blocks
         * of 32 int8 with an f16 scale, convolutions f16, as whisper.cpp's quantize tool writes them).
         */
        public Config withFtype(int f) {
            if (f != 0 && f != 1 && f != 7) {
                throw new IllegalArgumentException("the generator writes ftype 0, 1 or 7, not " + f);
            }
            return new Config(nVocab, nAudioCtx, nState, nHead, nLayer, nTextCtx, nMels, eotMode, vocab, f);
        }

        /** The hyper-parameters written to the file. */
        public WhisperHyperParams hparams() {
            return new WhisperHyperParams(nVocab, nAudioCtx, nState, nHead, nLayer, nTextCtx, nState, nHead, nLayer,
                    nMels, ftype);
        }
    }

    private static final int FILE_TOKENS = 50257;
    private static final int BUFFER_BYTES = 8 << 20;
    private static final Map<String, List<byte[]>> REAL_VOCABS = new ConcurrentHashMap<>();

    /**
     * Writes a model to {@code out} (replacing it) and returns {@code out}. The same config and seed give the same
     * bytes.
     */
    public static Path write(Path out, Config cfg, long seed) throws IOException {
        WhisperHyperParams hp = cfg.hparams();
        SplittableRandom rng = new SplittableRandom(seed);
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            Sink s = new Sink(ch);
            s.putInt(GgmlWhisperFile.MAGIC);
            for (int v : new int[] {hp.nVocab(), hp.nAudioCtx(), hp.nAudioState(), hp.nAudioHead(),
                    hp.nAudioLayer(), hp.nTextCtx(), hp.nTextState(), hp.nTextHead(), hp.nTextLayer(), hp.nMels(),
                    hp.ftype()}) {
                s.putInt(v);
            }
            float[] filters = melFilters(cfg.nMels(), cfg.vocab());
            s.putInt(cfg.nMels());
            s.putInt(GgmlWhisperFile.WHISPER_N_FFT_BINS);
            for (float f : filters) {
                s.putFloat(f);
            }
            List<byte[]> tokens = cfg.vocab() == Vocab.REAL ? realVocab(cfg.nVocab()) : syntheticVocab();
            s.putInt(tokens.size());
            for (byte[] t : tokens) {
                s.putInt(t.length);
                s.put(t);
            }
            int eot = WhisperVocabulary.SpecialTokens.forVocabSize(cfg.nVocab()).eot();
            for (WhisperTensorLayout.Expected e : WhisperTensorLayout.expected(hp)) {
                long[] ne = e.shape();
                byte[] name = e.name().getBytes(StandardCharsets.US_ASCII);
                s.putInt(ne.length);
                s.putInt(name.length);
                s.putInt(e.type().id());
                for (long d : ne) {
                    s.putInt((int) d);
                }
                s.put(name);
                writeData(s, e, cfg, eot, rng);
            }
            s.flush();
        }
        return out;
    }

    /** Copies the first {@code bytes} bytes of {@code src} to {@code dst} (replacing it) and returns {@code dst}. */
    public static Path truncatedCopy(Path src, Path dst, long bytes) throws IOException {
        try (FileChannel in = FileChannel.open(src, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(dst, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            if (bytes > in.size()) {
                throw new IllegalArgumentException(src + " has only " + in.size() + " bytes, not " + bytes);
            }
            long done = 0;
            while (done < bytes) {
                done += in.transferTo(done, bytes - done, out);
            }
        }
        return dst;
    }

    /** Copies {@code src} to {@code dst} with {@code patch} written over it at {@code offset}; returns {@code dst}. */
    public static Path patchedCopy(Path src, Path dst, long offset, byte[] patch) throws IOException {
        Files.copy(src, dst, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel ch = FileChannel.open(dst, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(patch);
            while (b.hasRemaining()) {
                ch.write(b, offset + b.position());
            }
        }
        return dst;
    }

    /** A little-endian int32 as 4 bytes, for {@link #patchedCopy}. */
    public static byte[] int32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /**
     * Whisper's slaney-normalised mel filterbank for a 400-point FFT at 16 kHz ({@code nMels x 201}, row-major), as
     * librosa computes it; the same arithmetic as the Python generator.
     */
    public static float[] slaneyMelFilters(int nMels) {
        int nFreq = GgmlWhisperFile.WHISPER_N_FFT_BINS;
        double sr = 16000;
        double[] fft = new double[nFreq];
        for (int i = 0; i < nFreq; i++) {
            fft[i] = (sr / 2) * i / (nFreq - 1);
        }
        double minMel = hzToMel(0);
        double maxMel = hzToMel(sr / 2);
        double[] melF = new double[nMels + 2];
        for (int i = 0; i < melF.length; i++) {
            melF[i] = melToHz(minMel + (maxMel - minMel) * i / (nMels + 1));
        }
        float[] w = new float[nMels * nFreq];
        for (int m = 0; m < nMels; m++) {
            double enorm = 2.0 / (melF[m + 2] - melF[m]);
            for (int k = 0; k < nFreq; k++) {
                double lower = (fft[k] - melF[m]) / (melF[m + 1] - melF[m]);
                double upper = (melF[m + 2] - fft[k]) / (melF[m + 2] - melF[m + 1]);
                w[m * nFreq + k] = (float) (Math.max(0, Math.min(lower, upper)) * enorm);
            }
        }
        return w;
    }

    private static final double F_SP = 200.0 / 3;
    private static final double MIN_LOG_HZ = 1000.0;
    private static final double MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
    private static final double LOGSTEP = Math.log(6.4) / 27.0;

    private static double hzToMel(double f) {
        return f >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(Math.max(f, 1e-10) / MIN_LOG_HZ) / LOGSTEP : f / F_SP;
    }

    private static double melToHz(double m) {
        return m >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOGSTEP * (m - MIN_LOG_MEL)) : F_SP * m;
    }

    private static float[] melFilters(int nMels, Vocab vocab) throws IOException {
        if (nMels == 80 && vocab == Vocab.REAL) {
            // The real filters from whisper.cpp's converter; computing them agrees to float rounding.
            return GgmlWhisperFile.readHeaderOnly(SharedFixtures.file("models/whisper-vocab/for-tests-ggml-tiny.bin"))
                    .melFilters().data();
        }
        return slaneyMelFilters(nMels);
    }

    private static List<byte[]> realVocab(int nVocab) {
        String file = nVocab == WhisperHyperParams.VOCAB_ENGLISH
                ? "models/whisper-vocab/for-tests-ggml-tiny.en.bin"
                : "models/whisper-vocab/for-tests-ggml-tiny.bin";
        return REAL_VOCABS.computeIfAbsent(file, f -> {
            try {
                WhisperVocabulary v = GgmlWhisperFile.readHeaderOnly(SharedFixtures.file(f)).vocabulary();
                List<byte[]> out = new ArrayList<>(v.fileTokenCount());
                for (int i = 0; i < v.fileTokenCount(); i++) {
                    out.add(v.tokenBytes(i));
                }
                return List.copyOf(out);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** The Python generator's synthetic vocabulary (50257 tokens). */
    public static List<byte[]> syntheticVocab() {
        List<byte[]> toks = new ArrayList<>(FILE_TOKENS);
        for (int b = 0; b < 256; b++) {
            toks.add(new byte[] {(byte) b});
        }
        // " " + base-26 letters (least significant first) is never a single byte, so no duplicates arise.
        for (int i = 0; toks.size() < FILE_TOKENS - 1; i++) {
            StringBuilder sb = new StringBuilder(" ");
            int n = i;
            do {
                sb.append((char) ('a' + n % 26));
                n /= 26;
            } while (n != 0);
            toks.add(sb.toString().getBytes(StandardCharsets.US_ASCII));
        }
        toks.add(new byte[0]);
        return toks;
    }

    private enum Init { ZEROS, ONES, RANDOM }

    private static void writeData(Sink s, WhisperTensorLayout.Expected e, Config cfg, int eot, SplittableRandom rng)
            throws IOException {
        String name = e.name();
        boolean finalLn = name.startsWith("decoder.ln.");
        Init init;
        if (cfg.eotMode() && finalLn) {
            // Weight 0, bias 1: the final layer norm's output no longer depends on its input.
            init = name.endsWith("weight") ? Init.ZEROS : Init.ONES;
        } else if (name.endsWith("bias")) {
            init = Init.ZEROS;
        } else if (name.endsWith("ln.weight") || name.endsWith("ln_post.weight")) {
            init = Init.ONES;
        } else {
            init = Init.RANDOM;
        }
        double scale = switch (name) {
            case "encoder.positional_embedding" -> 0.1;
            case "decoder.positional_embedding" -> 0.01;
            default -> 0.02;
        };
        long n = e.elements();
        long eotFrom = -1;
        long eotTo = -1;
        float eotValue = 0;
        if (cfg.eotMode() && name.equals("decoder.token_embedding.weight")) {
            long width = e.shape()[0];
            eotFrom = eot * width;
            eotTo = eotFrom + width;
            // logit(eot) = width * eotValue must beat log(n_vocab) ~ 11 by a wide margin, or whisper.cpp finds the
            // end-of-text's log-probability below its threshold and retries at higher temperature: 0.05 (the
            // Python's value) suffices from width 384 on, narrow models need more.
            eotValue = (float) Math.max(0.05, 20.0 / width);
        }
        boolean f16 = e.type() == GgmlType.F16;
        boolean q8 = e.type() == GgmlType.Q8_0;
        if (e.type() != GgmlType.F16 && e.type() != GgmlType.F32 && !q8) {
            throw new IllegalStateException("generator writes only f32/f16/q8_0, not " + e.type());
        }
        float[] block = new float[Q8_BLOCK];
        // Sum of four 16-bit uniforms: mean 131070, standard deviation 65536/sqrt(3).
        double k = scale / (65536.0 / Math.sqrt(3.0));
        for (long i = 0; i < n; i++) {
            float v;
            if (i >= eotFrom && i < eotTo) {
                v = eotValue;
            } else if (init == Init.RANDOM) {
                long r = rng.nextLong();
                long sum = (r & 0xFFFF) + ((r >>> 16) & 0xFFFF) + ((r >>> 32) & 0xFFFF) + (r >>> 48);
                v = (float) ((sum - 131070) * k);
            } else {
                v = init == Init.ONES ? 1f : 0f;
            }
            if (q8) {
                block[(int) (i % Q8_BLOCK)] = v;
                if (i % Q8_BLOCK == Q8_BLOCK - 1) {
                    putQ8Block(s, block);
                }
            } else if (f16) {
                s.putShort(Float.floatToFloat16(v));
            } else {
                s.putFloat(v);
            }
        }
    }

    private static final int Q8_BLOCK = 32;

    /**
     * One q8_0 block as ggml quantises it: scale {@code d = max|x| / 127} stored as f16, then
     * {@code round(x / d)} as 32 signed bytes.
     */
    private static void putQ8Block(Sink s, float[] x) throws IOException {
        float amax = 0f;
        for (float v : x) {
            amax = Math.max(amax, Math.abs(v));
        }
        float d = amax / 127f;
        float id = d != 0f ? 1f / d : 0f;
        s.putShort(Float.floatToFloat16(d));
        byte[] q = new byte[x.length];
        for (int i = 0; i < x.length; i++) {
            q[i] = (byte) Math.round(x[i] * id);
        }
        s.put(q);
    }

    /** A large buffer in front of a file channel. */
    private static final class Sink {
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);

        Sink(FileChannel ch) {
            this.ch = ch;
        }

        void room(int n) throws IOException {
            if (buf.remaining() < n) {
                flush();
            }
        }

        void putInt(int v) throws IOException {
            room(4);
            buf.putInt(v);
        }

        void putShort(short v) throws IOException {
            room(2);
            buf.putShort(v);
        }

        void putFloat(float v) throws IOException {
            room(4);
            buf.putFloat(v);
        }

        void put(byte[] b) throws IOException {
            room(b.length);
            buf.put(b);
        }

        void flush() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            buf.clear();
        }
    }
}
