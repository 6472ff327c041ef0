package dev.steno.engine.asr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.audio.WavReader;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.transcript.Word;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaWhisperRecognizerTest {
    @TempDir
    static Path dir;

    @Test
    void wordsAreTimedFromCrossAttentionInsideTheAudio() throws Exception {
        Path model = RandomGgmlWhisper.write(dir.resolve("ggml-tiny.bin"), RandomGgmlWhisper.Config.TINY, 4);
        float[] audio = Arrays.copyOf(WavReader.read(SharedFixtures.file("audio/jfk.wav")).samples(), 16000 * 5);
        try (JavaWhisperRecognizer r = JavaWhisperRecognizer.load(model,
                new JavaWhisperRecognizer.JavaWhisperConfig(true, true), null)) {
            Recognition rec = r.transcribe(RecognitionRequest.of(audio, "en"));
            assertEquals(1, rec.segments().size());
            Segment s = rec.segments().get(0);
            assertFalse(s.words().isEmpty());
            assertEquals(s.text(), String.join("", s.words().stream().map(Word::text).toList()),
                    "words reproduce the text exactly");
            double previous = 0;
            for (Word w : s.words()) {
                assertTrue(w.start() >= previous - 1e-9, "monotone: " + w);
                assertTrue(w.end() <= 5.0 + 1e-9 && w.end() >= w.start(), "inside the 5 s: " + w);
                previous = w.start();
            }
            assertEquals("en", rec.detectedLanguage().orElseThrow());
        }
    }

    @Test
    void detectsALanguageWhenAskedTo() throws Exception {
        Path model = RandomGgmlWhisper.write(dir.resolve("micro.bin"), RandomGgmlWhisper.Config.MICRO, 4);
        float[] audio = Arrays.copyOf(WavReader.read(SharedFixtures.file("audio/jfk.wav")).samples(), 16000 * 2);
        try (JavaWhisperRecognizer r = JavaWhisperRecognizer.load(model,
                new JavaWhisperRecognizer.JavaWhisperConfig(true, true), null)) {
            Recognition rec = r.transcribe(RecognitionRequest.of(audio, null));
            String lang = rec.detectedLanguage().orElseThrow();
            assertTrue(WhisperLanguages.CODES.contains(lang), lang);
            assertTrue(r.transcribe(RecognitionRequest.of(new float[0], "en")).segments().isEmpty());
        }
    }

    @Test
    void runsOnTheThreadCountAskedForWithTheSameText() throws Exception {
        Path model = RandomGgmlWhisper.write(dir.resolve("micro-threads.bin"), RandomGgmlWhisper.Config.MICRO, 5);
        float[] audio = Arrays.copyOf(WavReader.read(SharedFixtures.file("audio/jfk.wav")).samples(), 16000 * 4);
        var config = new JavaWhisperRecognizer.JavaWhisperConfig(true, true);
        try (JavaWhisperRecognizer one = JavaWhisperRecognizer.load(model, config, 1);
             JavaWhisperRecognizer three = JavaWhisperRecognizer.load(model, config, 3);
             JavaWhisperRecognizer perCore = JavaWhisperRecognizer.load(model, config, 0)) {
            assertEquals(1, one.threads());
            assertEquals(3, three.threads());
            assertEquals(Runtime.getRuntime().availableProcessors(), perCore.threads());
            String serial = one.transcribe(RecognitionRequest.of(audio, "en")).segments().getFirst().text();
            assertEquals(serial, three.transcribe(RecognitionRequest.of(audio, "en")).segments().getFirst().text());
        }
        assertThrows(IllegalArgumentException.class, () -> JavaWhisperRecognizer.load(model,
                new JavaWhisperRecognizer.JavaWhisperConfig(true, true), -1));
    }

    @Test
    void closingWhileCallsRunEndsThemWithAnExceptionAndUnmapsTheModel() throws Exception {
        Path model = RandomGgmlWhisper.write(dir.resolve("micro-close.bin"), RandomGgmlWhisper.Config.MICRO, 6);
        float[] audio = Arrays.copyOf(WavReader.read(SharedFixtures.file("audio/jfk.wav")).samples(), 16000 * 2);
        // one thread: no worker pool whose shutdown would refuse the next call first; only the unmapping stops it
        JavaWhisperRecognizer r = JavaWhisperRecognizer.load(model,
                new JavaWhisperRecognizer.JavaWhisperConfig(true, true), 1);
        CountDownLatch oneDone = new CountDownLatch(1);
        AtomicReference<Throwable> ended = new AtomicReference<>();
        // calls back to back, so that close lands in one (the weights are unmapped under it)
        Thread caller = new Thread(() -> {
            try {
                while (true) {
                    r.transcribe(RecognitionRequest.of(audio, "en"));
                    oneDone.countDown();
                }
            } catch (Throwable t) {
                ended.set(t);
            }
        });
        caller.start();
        assertTrue(oneDone.await(2, TimeUnit.MINUTES));
        r.close();
        caller.join(TimeUnit.MINUTES.toMillis(2));
        assertFalse(caller.isAlive(), "calls stop once the recogniser is closed");
        assertInstanceOf(IllegalStateException.class, ended.get(), "the call reading the unmapped weights fails, "
                + "the JVM stays");
        r.close();
    }

    @Test
    void aCallAfterCloseFailsWithAnIllegalStateExceptionThatSaysSo() throws Exception {
        Path model = RandomGgmlWhisper.write(dir.resolve("micro-closed.bin"), RandomGgmlWhisper.Config.MICRO, 7);
        float[] audio = Arrays.copyOf(WavReader.read(SharedFixtures.file("audio/jfk.wav")).samples(), 16000);
        var config = new JavaWhisperRecognizer.JavaWhisperConfig(true, true);
        // serial, and with its own workers (whose shutdown must not be what the caller sees)
        for (int threads : new int[] {1, 2}) {
            JavaWhisperRecognizer r = JavaWhisperRecognizer.load(model, config, threads);
            r.transcribe(RecognitionRequest.of(audio, "en"));
            r.close();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> r.transcribe(RecognitionRequest.of(audio, "en")));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertThrows(IllegalStateException.class, r::parts);
            r.close();
        }
    }
}
