package dev.steno.engine.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.corrections.CorrectionRules;
import dev.steno.engine.corrections.Corrector;
import dev.steno.engine.policy.PolicyStep;
import dev.steno.engine.policy.StreamingPolicy;
import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.engine.transcript.Word;
import dev.steno.engine.transcript.Words;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A stream with term corrections: listeners, lines and the stream's own words all carry the corrected text. */
class CorrectedStreamTest {
    private static final Corrector TERMS = Corrector.of(CorrectionRules.parse("terms", """
            cubernetes => Kubernetes
            jitsy meet => Jitsi
            """));

    /** Hands out scripted steps, one per process(), then commits its tentative words on finish(). */
    static final class ScriptedPolicy implements StreamingPolicy {
        final ArrayDeque<PolicyStep> steps = new ArrayDeque<>();
        List<Word> tentative = List.of();

        @Override
        public void insertAudio(float[] samples16k, int offset, int length) {
        }

        @Override
        public PolicyStep process() {
            PolicyStep s = steps.isEmpty() ? new PolicyStep(List.of(), tentative) : steps.poll();
            tentative = s.tentative();
            return s;
        }

        @Override
        public PolicyStep finish() {
            PolicyStep s = new PolicyStep(tentative, List.of());
            tentative = List.of();
            return s;
        }

        @Override
        public double bufferedSeconds() {
            return 0;
        }

        @Override
        public double bufferStartSeconds() {
            return 0;
        }

        @Override
        public double committedEndSeconds() {
            return 0;
        }

        @Override
        public void reset(double newOffsetSeconds) {
        }
    }

    @Test
    void listenersAndLinesSeeCorrectedWordsWithTheirTimes() {
        ScriptedPolicy policy = new ScriptedPolicy();
        policy.steps.add(new PolicyStep(
                List.of(new Word(" we", 0.0, 0.3), new Word(" deploy", 0.3, 0.8), new Word(" cubernetes,", 0.8, 1.5)),
                List.of(new Word(" on", 1.5, 1.7), new Word(" jitsy", 1.7, 2.0))));
        policy.steps.add(new PolicyStep(
                List.of(new Word(" on", 1.5, 1.7), new Word(" jitsy", 1.7, 2.0), new Word(" meet.", 2.0, 2.4)),
                List.of(new Word(" Cubernetes", 2.5, 3.0))));
        List<TranscriptUpdate> updates = new ArrayList<>();
        try (TranscriptionStream stream = StreamBuilder.withPolicy(policy).corrections(TERMS).clock(() -> 0)
                .listener(updates::add).build()) {
            float[] audio = new float[8000];
            stream.accept(audio, 0, audio.length);
            TranscriptUpdate first = stream.stepAndGet();
            assertEquals(List.of(new Word(" we", 0.0, 0.3), new Word(" deploy", 0.3, 0.8),
                    new Word(" Kubernetes,", 0.8, 1.5)), first.newlyCommitted());
            assertEquals(" on jitsy", first.tentativeText(), "half a phrase stays as recognised");

            stream.accept(audio, 0, audio.length);
            TranscriptUpdate second = stream.stepAndGet();
            assertEquals(List.of(new Word(" on", 1.5, 1.7), new Word(" Jitsi.", 1.7, 2.4)),
                    second.newlyCommitted(), "two words merged into one that spans their times");
            assertEquals(" Kubernetes", second.tentativeText(), "tentative words are corrected too");

            TranscriptUpdate last = stream.finishAndGet();
            assertEquals(List.of(new Word(" Kubernetes", 2.5, 3.0)), last.newlyCommitted());
            assertEquals("we deploy Kubernetes, on Jitsi. Kubernetes",
                    Words.text(stream.committedWords()));
            String lines = String.join("|", stream.lines().stream().map(TranscriptLine::text).toList());
            assertTrue(lines.contains("Kubernetes, on Jitsi."), lines);
            assertTrue(!lines.contains("cubernetes") && !lines.contains("jitsy"), lines);
            assertEquals(lines, String.join("|", last.lines().stream().map(TranscriptLine::text).toList()));
            assertEquals(3, updates.size());
        }
    }

    @Test
    void withoutCorrectionsWordsPassUnchanged() {
        ScriptedPolicy policy = new ScriptedPolicy();
        policy.steps.add(new PolicyStep(List.of(new Word(" cubernetes", 0, 1)), List.of()));
        try (TranscriptionStream stream = StreamBuilder.withPolicy(policy).clock(() -> 0).build()) {
            stream.accept(new float[1600], 0, 1600);
            assertEquals(" cubernetes", Words.rawText(stream.stepAndGet().newlyCommitted()));
        }
    }
}
