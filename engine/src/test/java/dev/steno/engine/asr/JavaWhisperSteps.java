package dev.steno.engine.asr;

import java.nio.file.Path;
import java.util.concurrent.ForkJoinPool;

/**
 * Test-side access to how many greedy steps the Java Whisper takes on some audio (as whisper.cpp takes the same
 * steps when the two decode the same text, see JavaWhisperEquivalenceTest): lets a benchmark turn whisper.cpp's
 * whole-call times into a cost per decoded token.
 */
public final class JavaWhisperSteps {
    private JavaWhisperSteps() {
    }

    /** The decoded text and the number of greedy decisions (tokens, end-of-text included). */
    public record Decoded(String text, int steps) {
    }

    /** Decodes English {@code audio} greedily with whisper.cpp's default filters off, as the equivalence test does. */
    public static Decoded decode(Path model, float[] audio) throws Exception {
        try (JavaWhisperRecognizer r = JavaWhisperRecognizer.load(model,
                new JavaWhisperRecognizer.JavaWhisperConfig(false, false), ForkJoinPool.commonPool())) {
            JavaWhisperRecognizer.Report report = r.transcribeReported(RecognitionRequest.of(audio, "en"));
            String text = String.join("", report.recognition().segments().stream().map(Segment::text).toList())
                    .strip();
            return new Decoded(text, report.margins().length);
        }
    }
}
