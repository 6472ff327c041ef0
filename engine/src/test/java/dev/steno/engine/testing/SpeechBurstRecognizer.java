package dev.steno.engine.testing;

import dev.steno.engine.asr.Recognition;
import dev.steno.engine.asr.RecognitionRequest;
import dev.steno.engine.asr.Segment;
import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.transcript.Word;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A recogniser test double that hears where speech is: every loud stretch of the audio becomes words of
 * {@value #WORD_FRAMES} x 20 ms, with the stretch's real times. So words fall inside the turns of a dialogue, and a
 * test can check which speaker each one got without a trained model.
 *
 * <p>A word is named after its zero crossings ({@code " z123"}), a function of its samples alone: two hypotheses
 * over the same audio agree on it, so a LocalAgreement stream commits it.
 */
public final class SpeechBurstRecognizer implements SpeechRecognizer {
    private static final int FRAME = 320;
    private static final int WORD_FRAMES = 15;
    private static final double THRESHOLD = 0.02;

    @Override
    public Recognition transcribe(RecognitionRequest request) {
        float[] a = request.audio();
        List<Word> words = new ArrayList<>();
        int frames = a.length / FRAME;
        int runStart = -1;
        int quiet = 0;
        for (int f = 0; f <= frames; f++) {
            boolean loud = f < frames && rms(a, f * FRAME) > THRESHOLD;
            if (loud) {
                if (runStart < 0) {
                    runStart = f;
                }
                quiet = 0;
            } else if (runStart >= 0 && (++quiet >= 10 || f == frames)) {
                int runEnd = f - quiet + 1;
                for (int w = runStart; w + 3 <= runEnd; w += WORD_FRAMES) {
                    int end = Math.min(runEnd, w + WORD_FRAMES);
                    words.add(new Word(" z" + crossings(a, w * FRAME, end * FRAME), w * FRAME / 16000.0,
                            end * FRAME / 16000.0, 0.9));
                }
                runStart = -1;
                quiet = 0;
            }
        }
        List<Segment> segments = words.isEmpty() ? List.of()
                : List.of(new Segment(words.getFirst().start(), words.getLast().end(),
                        String.join("", words.stream().map(Word::text).toList()), words));
        return new Recognition(segments, Optional.of("en"));
    }

    private static double rms(float[] a, int off) {
        double s = 0;
        for (int i = off; i < off + FRAME; i++) {
            s += a[i] * a[i];
        }
        return Math.sqrt(s / FRAME);
    }

    private static int crossings(float[] a, int from, int to) {
        int n = 0;
        for (int i = from + 1; i < to; i++) {
            if ((a[i - 1] < 0) != (a[i] < 0)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public String backendName() {
        return "speech-bursts";
    }

    @Override
    public boolean multilingual() {
        return false;
    }

    @Override
    public void close() {
    }
}
