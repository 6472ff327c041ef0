package dev.steno.engine.asr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.audio.WavReader;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.transcript.Word;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** whisper.cpp through whisper-jni on a random-weight model with the true tiny shape. */
class WhisperCppRecognizerTest {
    @TempDir
    static Path dir;
    static WhisperCppRecognizer recognizer;
    static float[] jfk;

    @BeforeAll
    static void load() throws Exception {
        Path model = RandomGgmlWhisper.write(dir.resolve("ggml-tiny-random.bin"), RandomGgmlWhisper.Config.TINY, 7);
        // greedy without temperature fallback: deterministic, so parallel and sequential calls can be compared
        WhisperCppConfig cfg = new WhisperCppConfig(1, 2, 1, false, true);
        recognizer = WhisperCppRecognizer.load(model, cfg);
        jfk = WavReader.read(SharedFixtures.file("audio/jfk.wav")).samples();
    }

    @AfterAll
    static void close() {
        if (recognizer != null) {
            recognizer.close();
        }
    }

    @Test
    void transcribesIntoSegmentsWithWordsInsideTheAudio() {
        Recognition r = recognizer.transcribe(RecognitionRequest.of(jfk, "en"));
        assertTrue(recognizer.multilingual());
        assertFalse(r.segments().isEmpty(), "random weights still decode some tokens");
        double duration = jfk.length / 16000.0;
        double last = 0;
        for (Segment s : r.segments()) {
            assertTrue(s.start() >= 0 && s.end() <= duration + 1e-9 && s.end() >= s.start(), s.toString());
            assertFalse(s.words().isEmpty(), s.toString());
            for (Word w : s.words()) {
                assertTrue(w.start() >= s.start() - 1e-9 && w.end() <= s.end() + 1e-9, w + " in " + s);
                assertTrue(w.start() >= last - 1e-9, "word times are monotone");
                last = w.start();
            }
            assertEquals(s.text().strip(), String.join("", s.words().stream().map(Word::text).toList()).strip());
        }
        assertEquals("en", r.detectedLanguage().orElseThrow());
    }

    @Test
    void padsAudioShorterThanOneSecond() {
        float[] half = Arrays.copyOf(jfk, 8000);
        Recognition r = recognizer.transcribe(RecognitionRequest.of(half, "en"));
        for (Word w : r.words()) {
            assertTrue(w.end() <= 0.5 + 1e-9, "timings clamped to the real 0.5 s: " + w);
        }
        assertTrue(recognizer.transcribe(RecognitionRequest.of(new float[0], "en")).segments().isEmpty());
    }

    @Test
    void parallelCallsGiveTheSameResultsAsSequentialOnes() throws Exception {
        float[] a = Arrays.copyOfRange(jfk, 0, 16000 * 4);
        float[] b = Arrays.copyOfRange(jfk, 16000 * 4, 16000 * 9);
        List<Word> seqA = recognizer.transcribe(RecognitionRequest.of(a, "en")).words();
        List<Word> seqB = recognizer.transcribe(RecognitionRequest.of(b, "en")).words();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<List<Word>> fa = pool.submit(() -> recognizer.transcribe(RecognitionRequest.of(a, "en")).words());
            Future<List<Word>> fb = pool.submit(() -> recognizer.transcribe(RecognitionRequest.of(b, "en")).words());
            Future<List<Word>> fa2 = pool.submit(() -> recognizer.transcribe(RecognitionRequest.of(a, "en")).words());
            assertEquals(seqA, fa.get());
            assertEquals(seqB, fb.get());
            assertEquals(seqA, fa2.get());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void encoderWindowCoversTheAudio() {
        assertEquals(50 + 64, WhisperCppRecognizer.audioContextFor(16000));
        assertEquals(1500, WhisperCppRecognizer.audioContextFor(16000 * 30));
    }
}
