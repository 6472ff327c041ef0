package dev.steno.engine.asr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.audio.WavReader;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.transcript.Word;
import dev.steno.engine.whisper.DecoderState;
import dev.steno.engine.whisper.LogMelSpectrogram;
import dev.steno.engine.whisper.WhisperTokenizer;
import dev.steno.engine.whisper.decode.BeamSearch;
import dev.steno.engine.whisper.decode.DecodedSequence;
import dev.steno.engine.whisper.decode.DecodingOptions;
import dev.steno.engine.whisper.decode.KvDecodingState;
import dev.steno.engine.whisper.decode.LogProbs;
import dev.steno.engine.whisper.decode.LogitFilters;
import dev.steno.engine.whisper.decode.SamplingDecoder;
import dev.steno.engine.whisper.decode.TemperatureFallback;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The decoding features on real logits of random-weight models (MICRO: one 64-wide layer, the real vocabulary; and
 * the true tiny shape): beam search, KV-cache forks, timestamps, fallback, language detection, no-speech.
 */
class JavaWhisperDecodingTest {
    static final int MAX_TOKENS = 40;
    @TempDir
    static Path dir;
    static Path micro;
    static Path tiny;
    static float[] jfk;
    static float[] libri;

    @BeforeAll
    static void models() throws Exception {
        micro = RandomGgmlWhisper.write(dir.resolve("micro.bin"), RandomGgmlWhisper.Config.MICRO, 21);
        tiny = RandomGgmlWhisper.write(dir.resolve("ggml-tiny.bin"), RandomGgmlWhisper.Config.TINY, 4);
        jfk = WavReader.read(SharedFixtures.file("audio/jfk.wav")).resampledTo(16000).samples();
        libri = WavReader.read(SharedFixtures.file("audio/librispeech/7902-96591-0000.wav")).resampledTo(16000)
                .samples();
    }

    static JavaWhisperRecognizer load(Path model, DecodingOptions options) throws Exception {
        return JavaWhisperRecognizer.load(model, new JavaWhisperRecognizer.JavaWhisperConfig(true, false, options),
                null);
    }

    /** A window ready to decode: a state holding the prompt and the logits after it. */
    record Window(JavaWhisperRecognizer r, DecoderState state, int[] prompt, float[] logits) {
        KvDecodingState root() {
            return new KvDecodingState(state, r.contextSize());
        }

        KvDecodingState fresh() {
            return new KvDecodingState(r.stateFor(new float[16000]), r.contextSize());
        }
    }

    static Window window(JavaWhisperRecognizer r, float[] audio, boolean timestamps) {
        DecoderState s = r.stateFor(audio);
        int[] prompt = r.prompt(RecognitionRequest.of(audio, "en"), "en", timestamps);
        return new Window(r, s, prompt, s.prefill(prompt).clone());
    }

    /** Sum of the filtered log-probabilities of {@code tokens} (+ end-of-text if it ended), on a fresh state. */
    static double replay(Window w, LogitFilters filters, DecodedSequence seq) {
        WhisperTokenizer tok = w.r().tokenizer();
        DecoderState s = w.r().stateFor(new float[1]);
        s.copyFrom(w.state());
        s.rewind(w.prompt().length);
        float[] logits = w.logits().clone();
        int[] t = seq.tokens();
        double sum = 0;
        for (int i = 0; i <= t.length; i++) {
            filters.apply(logits, t, i);
            int next = i < t.length ? t[i] : tok.eot();
            if (i == t.length && !seq.ended()) {
                break;
            }
            sum += logits[next] - LogProbs.logSumExp(logits);
            if (i < t.length) {
                logits = s.step(next);
            }
        }
        return sum;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"micro-jfk", "micro-libri", "tiny-jfk5s"})
    void beamOfOneIsGreedyAndABeamOfFiveNeverScoresLower(String input) throws Exception {
        Path model = input.startsWith("micro") ? micro : tiny;
        float[] audio = input.endsWith("libri") ? libri : input.endsWith("5s") ? Arrays.copyOf(jfk, 80000) : jfk;
        DecodingOptions o = DecodingOptions.greedy();
        try (JavaWhisperRecognizer r = load(model, o)) {
            LogitFilters filters = LogitFilters.forTokenizer(r.tokenizer(), o, false);
            int eot = r.tokenizer().eot();
            Window w = window(r, audio, false);
            DecodedSequence greedy = new SamplingDecoder(filters, eot, MAX_TOKENS)
                    .decode(w.root(), w.logits(), 0, null, null);
            w.state().rewind(w.prompt().length);
            DecodedSequence beam1 = new BeamSearch(filters, eot, MAX_TOKENS, 1, 1.0, Double.NaN)
                    .search(w.root(), w.logits(), w::fresh);
            assertArrayEquals(greedy.tokens(), beam1.tokens());
            // same tokens; the sums agree up to the kernels' float rounding between two runs of the same steps
            assertEquals(greedy.sumLogprob(), beam1.sumLogprob(), 1e-4);

            w.state().rewind(w.prompt().length);
            DecodedSequence beam5 = new BeamSearch(filters, eot, MAX_TOKENS, 5, 1.0, Double.NaN)
                    .search(w.root(), w.logits(), w::fresh);
            System.out.printf("%s: greedy %d tokens sum %.4f score %.4f; beam 5 %d tokens sum %.4f score %.4f%n",
                    input, greedy.length(), greedy.sumLogprob(), greedy.score(Double.NaN), beam5.length(),
                    beam5.sumLogprob(), beam5.score(Double.NaN));
            assertTrue(beam5.score(Double.NaN) >= greedy.score(Double.NaN) - 1e-6, "beam 5 ranks no lower");
            if (beam5.length() == greedy.length()) {
                assertTrue(beam5.sumLogprob() >= greedy.sumLogprob() - 1e-6, "same length: total no lower");
            }
            // the beams ran on forked KV caches: replaying the winner on an unforked cache gives the same sum
            assertEquals(replay(w, filters, beam5), beam5.sumLogprob(), 1e-3);

            // the recogniser steps its beams as one batch: the same search that way finds the same sequence
            w.state().rewind(w.prompt().length);
            DecodedSequence batched = new BeamSearch(filters, eot, MAX_TOKENS, 5, 1.0, Double.NaN)
                    .search(w.root(), w.logits(), w::fresh, KvDecodingState.batched(r.parts().decoder().newBatch()));
            assertArrayEquals(beam5.tokens(), batched.tokens(), "beams stepped as one batch");
            assertEquals(beam5.sumLogprob(), batched.sumLogprob(), 1e-3);
        }
    }

    @Test
    void aForkedStateContinuesExactlyAsTheOriginal() throws Exception {
        try (JavaWhisperRecognizer r = load(micro, DecodingOptions.greedy())) {
            Window w = window(r, jfk, false);
            DecoderState copy = r.stateFor(new float[16000]);
            copy.copyFrom(w.state());
            assertEquals(w.state().position(), copy.position());
            float[] a = w.state().step(500).clone();
            float[] b = copy.step(500).clone();
            assertArrayEquals(a, b, "same cache, same logits");
            float[] a2 = w.state().step(700).clone();
            copy.step(900); // diverge: the copy's cache is its own
            DecoderState again = r.stateFor(new float[16000]);
            again.copyFrom(w.state());
            again.rewind(w.state().position() - 1);
            assertArrayEquals(a2, again.step(700), "the original's cache was not touched by the copy");
        }
    }

    /** Encoder output of {@code audio} with a shrunk window, as {@code stateFor} computes it. */
    private static float[] encode(JavaWhisperRecognizer r, float[] audio) {
        WhisperModelParts p = r.parts();
        int melFrames = LogMelSpectrogram.shrunkMelFrames(audio.length);
        return p.encoder().encode(p.mel().computeWindowFlat(audio, melFrames), LogMelSpectrogram.encoderFrames(melFrames));
    }

    @Test
    void forksShareCrossBuffersUntilReleasedThenTheOriginalReusesThem() throws Exception {
        try (JavaWhisperRecognizer r = load(micro, DecodingOptions.greedy())) {
            float[] first = Arrays.copyOf(jfk, 16000 * 8);
            float[] second = Arrays.copyOfRange(jfk, 16000 * 4, 16000 * 10);
            int secondFrames = LogMelSpectrogram.encoderFrames(LogMelSpectrogram.shrunkMelFrames(second.length));
            float[] secondEncoded = encode(r, second);
            float[] expectedFirst = r.stateFor(first).step(r.tokenizer().sot()).clone();
            float[] expectedSecond = r.stateFor(second).step(r.tokenizer().sot()).clone();

            // a fork that still holds the buffers keeps its audio when the original switches
            DecoderState origin = r.stateFor(first);
            DecoderState holder = r.stateFor(new float[16000]);
            holder.copyFrom(origin);
            origin.setAudio(secondEncoded, secondFrames);
            // (two encodes of the same audio agree up to the parallel kernels' float rounding)
            assertArrayEquals(expectedSecond, origin.step(r.tokenizer().sot()), 1e-4f);
            assertArrayEquals(expectedFirst, holder.step(r.tokenizer().sot()), 1e-4f, "the fork still sees the first audio");

            // once every fork released them, the original overwrites its buffers in place
            DecoderState reuser = r.stateFor(first);
            DecoderState fork = r.stateFor(new float[16000]);
            fork.copyFrom(reuser);
            fork.releaseAudio();
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            reuser.setAudio(secondEncoded, secondFrames);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            long crossBytes = 2L * secondFrames * 64 * Short.BYTES; // MICRO: 1 layer of 64 channels, keys and values
            assertTrue(allocated < crossBytes / 4, "reused the cross buffers: allocated " + allocated + " B");
            assertArrayEquals(expectedSecond, reuser.step(r.tokenizer().sot()), 1e-4f);
            assertThrows(IllegalStateException.class, () -> fork.step(r.tokenizer().sot()), "released: no audio");
        }
    }

    @Test
    void kernelWorkersKeepTheirScratchBuffersBetweenCalls() throws Exception {
        // the recogniser's own workers (no pool given): a window encoded again and again allocates next to nothing on
        // any thread; on the common pool, whose workers erase thread-locals, every call reallocated the scratch
        try (JavaWhisperRecognizer r = load(tiny, DecodingOptions.greedy())) {
            float[] audio = Arrays.copyOf(jfk, 16000 * 10);
            WhisperModelParts p = r.parts();
            int melFrames = LogMelSpectrogram.shrunkMelFrames(audio.length);
            int frames = LogMelSpectrogram.encoderFrames(melFrames);
            float[] spectrogram = p.mel().computeWindowFlat(audio, melFrames);
            float[] out = new float[frames * p.encoder().width()];
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            for (int i = 0; i < 30; i++) { // until the kernels are compiled (before, vectors are boxed objects)
                p.encoder().encode(spectrogram, frames, out);
            }
            long perCall = Long.MAX_VALUE; // the quietest of four windows: other threads allocate now and then
            for (int window = 0; window < 4; window++) {
                long before = threads.getTotalThreadAllocatedBytes();
                for (int i = 0; i < 5; i++) {
                    p.encoder().encode(spectrogram, frames, out);
                }
                perCall = Math.min(perCall, (threads.getTotalThreadAllocatedBytes() - before) / 5);
            }
            long activations = (long) frames * p.encoder().width() * Float.BYTES;
            System.out.println("encoder call: " + perCall + " B allocated on all threads");
            assertTrue(perCall < activations, "allocated " + perCall + " B per call");
        }
    }

    @Test
    void timestampsComeInMonotonePairsAndTimeTheSegments() throws Exception {
        float[] audio = Arrays.copyOf(jfk, 16000 * 8);
        for (DecodingOptions o : List.of(DecodingOptions.greedy().withTimestamps(true),
                DecodingOptions.greedy().withTimestamps(true).withBeamSize(3))) {
            try (JavaWhisperRecognizer r = load(micro, o)) {
                JavaWhisperRecognizer.Report report = r.transcribeReported(RecognitionRequest.of(audio, "en"));
                Recognition rec = report.recognition();
                int[] tokens = report.decoding().sequence().tokens();
                WhisperTokenizer tok = r.tokenizer();
                System.out.println("beam " + o.beamSize() + ": " + tok.decodeWithSpecials(tokens));
                assertTrue(tok.isTimestamp(tokens[0]), "starts with a timestamp");
                assertTrue(tok.timestampSeconds(tokens[0]) <= 1.0, "first timestamp <= max_initial_timestamp");
                int last = -1;
                int run = 0; // consecutive timestamps
                for (int i = 0; i < tokens.length; i++) {
                    if (tok.isTimestamp(tokens[i])) {
                        assertTrue(tokens[i] >= last, "monotone at " + i);
                        assertTrue(tok.timestampSeconds(tokens[i]) <= 8.0, "not after the audio's end at " + i);
                        run++;
                        assertTrue(run <= 2, "at most a pair at " + i);
                        last = tokens[i];
                    } else {
                        if (run == 1 && i > 1) { // a lone timestamp after text closes a segment
                            throw new AssertionError("text after a lone closing timestamp at " + i);
                        }
                        run = 0;
                    }
                }
                assertTrue(rec.segments().size() >= 2, "several segments");
                double previousEnd = 0;
                for (Segment s : rec.segments()) {
                    assertTrue(s.start() >= previousEnd - 1e-9 && s.end() >= s.start() && s.end() <= 8.0 + 1e-9,
                            s.start() + ".." + s.end());
                    assertFalse(s.text().isBlank());
                    assertEquals(s.text(), String.join("", s.words().stream().map(Word::text).toList()));
                    assertEquals(rec.avgLogprob(), s.avgLogprob());
                    previousEnd = s.end();
                }
            }
        }
    }

    @Test
    void aLoopingModelFallsBackToSampling() throws Exception {
        // the random model loops ("Mick Mick ..."): its text compresses far beyond 2.4, so the fallback samples
        DecodingOptions o = DecodingOptions.greedy().withTemperatures(DecodingOptions.FALLBACK_TEMPERATURES)
                .withBestOf(2).withThresholds(2.4, Double.NaN, Double.NaN).withSeed(5);
        try (JavaWhisperRecognizer r = load(micro, o)) {
            float[] audio = Arrays.copyOf(jfk, 16000 * 3);
            JavaWhisperRecognizer.Report report = r.transcribeReported(RecognitionRequest.of(audio, "en"));
            Recognition first = report.recognition();
            TemperatureFallback.Result res = report.decoding();
            assertTrue(res.attempts() > 1, "fell back");
            assertEquals(DecodingOptions.FALLBACK_TEMPERATURES.get(res.attempts() - 1), res.temperature());
            assertEquals(res.temperature(), first.temperature());
            Recognition second = r.transcribe(RecognitionRequest.of(audio, "en"));
            assertEquals(first.segments().stream().map(Segment::text).toList(),
                    second.segments().stream().map(Segment::text).toList(), "seeded: reproducible");
        }
    }

    @Test
    void detectsTheArgmaxLanguageToken() throws Exception {
        try (JavaWhisperRecognizer r = load(micro, DecodingOptions.greedy())) {
            for (float[] audio : new float[][] {jfk, libri}) {
                Recognition rec = r.transcribe(RecognitionRequest.of(audio, "auto"));
                float[] logits = r.stateFor(audio).prefill(new int[] {r.tokenizer().sot()});
                int best = -1;
                for (int t : r.tokenizer().languageTokens()) {
                    if (best < 0 || logits[t] > logits[best]) {
                        best = t;
                    }
                }
                assertEquals(r.tokenizer().languageOf(best), rec.detectedLanguage().orElseThrow());
            }
        }
    }

    @Test
    void noSpeechProbabilityIsReportedAndSilenceDropsTheText() throws Exception {
        float[] audio = Arrays.copyOf(jfk, 16000 * 3);
        try (JavaWhisperRecognizer r = load(micro, DecodingOptions.greedy())) {
            Recognition rec = r.transcribe(RecognitionRequest.of(audio, "en"));
            Window w = window(r, audio, false);
            double expected = Math.exp(w.logits()[r.tokenizer().noSpeech()] - LogProbs.logSumExp(w.logits()));
            assertEquals(expected, rec.noSpeechProbability(), 1e-9);
            assertFalse(rec.segments().isEmpty(), "p(no speech) " + expected + " is below 0.6: text kept");
            assertEquals(rec.noSpeechProbability(), rec.segments().get(0).noSpeechProbability());
        }
        // thresholds that call every window silent: no segments, the figures still say why
        DecodingOptions silent = DecodingOptions.greedy().withTemperatures(DecodingOptions.FALLBACK_TEMPERATURES)
                .withThresholds(2.4, 0.0, 0.0);
        try (JavaWhisperRecognizer r = load(micro, silent)) {
            JavaWhisperRecognizer.Report report = r.transcribeReported(RecognitionRequest.of(audio, "en"));
            Recognition rec = report.recognition();
            assertTrue(rec.segments().isEmpty());
            assertTrue(rec.noSpeechProbability() > 0 && rec.avgLogprob() < 0);
            assertEquals(1, report.decoding().attempts(), "silence is not retried at higher temperatures");
        }
    }

    @Test
    void reusedDecoderStatesGiveTheResultsOfFreshOnes() throws Exception {
        DecodingOptions beams = DecodingOptions.greedy().withBeamSize(3);
        float[] a = Arrays.copyOf(jfk, 16000 * 3);
        float[] b = Arrays.copyOf(libri, 16000 * 2); // another window length: other cross K/V shapes
        try (JavaWhisperRecognizer r = load(micro, beams); JavaWhisperRecognizer fresh = load(micro, beams)) {
            Recognition first = r.transcribe(RecognitionRequest.of(a, "en"));
            Recognition other = r.transcribe(RecognitionRequest.of(b, "en")); // on the states the first call left
            Recognition again = r.transcribe(RecognitionRequest.of(a, "en"));
            // the kernels' parallel sums round differently from run to run (1e-9): compare text, words, figures
            assertEquals(first.segments().stream().map(Segment::text).toList(),
                    again.segments().stream().map(Segment::text).toList());
            assertEquals(first.words(), again.words());
            assertEquals(first.avgLogprob(), again.avgLogprob(), 1e-6);
            assertEquals(first.noSpeechProbability(), again.noSpeechProbability(), 1e-9);
            Recognition otherFresh = fresh.transcribe(RecognitionRequest.of(b, "en"));
            assertEquals(otherFresh.segments().stream().map(Segment::text).toList(),
                    other.segments().stream().map(Segment::text).toList());
            assertEquals(otherFresh.avgLogprob(), other.avgLogprob(), 1e-4);
        }
    }
}
