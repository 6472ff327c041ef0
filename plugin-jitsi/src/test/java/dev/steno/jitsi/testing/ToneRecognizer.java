package dev.steno.jitsi.testing;

import dev.steno.engine.asr.Recognition;
import dev.steno.engine.asr.RecognitionRequest;
import dev.steno.engine.asr.Segment;
import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.transcript.Word;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A recogniser test double that really listens: every tone burst in the audio becomes one word, named after the
 * tone's pitch (measured by zero crossings): about 300 Hz is "alpha", 700 Hz "bravo", 1100 Hz "charlie", 1500 Hz
 * "delta". Words carry the burst's times. So a test that sends participant A 300 Hz bursts and participant B 700 Hz
 * bursts knows exactly which words each participant's transcript must hold, and that routing mixed nothing up.
 *
 * <p>Leave more than a second between bursts of the same pitch: the streaming policy (rightly) drops a word that
 * repeats the last committed word within a second, as Whisper's re-decoded overlap.
 */
public final class ToneRecognizer implements SpeechRecognizer {
    private static final int FRAME = 320; // 20 ms
    private static final double THRESHOLD = 0.05;
    private static final int[] PITCH = {300, 700, 1100, 1500};
    private static final String[] NAME = {"alpha", "bravo", "charlie", "delta"};

    /** Calls so far (to check that audio reached the recogniser). */
    public final AtomicInteger calls = new AtomicInteger();

    @Override
    public Recognition transcribe(RecognitionRequest request) {
        calls.incrementAndGet();
        float[] a = request.audio();
        List<Word> words = new ArrayList<>();
        int frames = a.length / FRAME;
        int burstStart = -1;
        int quiet = 0;
        for (int f = 0; f <= frames; f++) {
            boolean active = f < frames && rms(a, f * FRAME, FRAME) > THRESHOLD;
            if (active) {
                if (burstStart < 0) {
                    burstStart = f;
                }
                quiet = 0;
            } else if (burstStart >= 0 && (++quiet >= 3 || f == frames)) {
                int endFrame = f - quiet + 1;
                if (endFrame - burstStart >= 5) {
                    int from = burstStart * FRAME;
                    int to = endFrame * FRAME;
                    words.add(new Word(" " + name(pitch(a, from, to)), from / 16000.0, to / 16000.0, 0.9));
                }
                burstStart = -1;
                quiet = 0;
            }
        }
        List<Segment> segments = words.isEmpty() ? List.of()
                : List.of(new Segment(words.getFirst().start(), words.getLast().end(),
                        String.join("", words.stream().map(Word::text).toList()), words));
        return new Recognition(segments, Optional.of("en"));
    }

    private static double rms(float[] a, int off, int n) {
        double s = 0;
        for (int i = off; i < off + n; i++) {
            s += a[i] * a[i];
        }
        return Math.sqrt(s / n);
    }

    private static double pitch(float[] a, int from, int to) {
        int crossings = 0;
        for (int i = from + 1; i < to; i++) {
            if ((a[i - 1] < 0) != (a[i] < 0)) {
                crossings++;
            }
        }
        return crossings / 2.0 / ((to - from) / 16000.0);
    }

    private static String name(double hz) {
        int best = 0;
        for (int i = 1; i < PITCH.length; i++) {
            if (Math.abs(PITCH[i] - hz) < Math.abs(PITCH[best] - hz)) {
                best = i;
            }
        }
        return NAME[best];
    }

    @Override
    public String backendName() {
        return "tones";
    }

    @Override
    public boolean multilingual() {
        return false;
    }

    @Override
    public void close() {
    }
}
