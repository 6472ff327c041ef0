package dev.steno.engine.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.steno.engine.asr.Recognition;
import dev.steno.engine.asr.RecognitionException;
import dev.steno.engine.asr.RecognitionRequest;
import dev.steno.engine.asr.Segment;
import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.asr.Task;
import dev.steno.engine.policy.LocalAgreementConfig.BufferTrimming;
import dev.steno.engine.policy.ScriptedRecognizer.RefWord;
import dev.steno.engine.transcript.Word;
import dev.steno.engine.transcript.Words;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LocalAgreementPolicyTest {
    private static final int SR = SpeechRecognizer.SAMPLE_RATE;
    /** Scripted jitter plus rounding of cut points to a sample. */
    private static final double TIME_TOLERANCE = ScriptedRecognizer.JITTER + 1e-4;

    /** What a run over a script produced. */
    static final class Run {
        final List<RefWord> ref;
        final List<Word> committed = new ArrayList<>();
        final List<Integer> commitStep = new ArrayList<>();
        final List<Double> cuts = new ArrayList<>();
        int steps;
        double maxBuffered;
        double maxRequestSeconds;
        PolicyStep lastFinish;

        Run(List<RefWord> ref) {
            this.ref = ref;
        }

        List<String> texts() {
            return committed.stream().map(Word::text).toList();
        }
    }

    /**
     * Feeds the ramp from {@code fromSeconds} to {@code toSeconds} in chunks, calling process() after each and
     * finish() at the end, checking after every step that the committed words are a prefix of the reference and
     * that the prompt was the tail of the scrolled-out committed text.
     */
    private static Run drive(LocalAgreementPolicy policy, ScriptedRecognizer recognizer, Run run, double fromSeconds,
                             double toSeconds, double chunkSeconds) {
        long pos = Math.round(fromSeconds * SR);
        long end = Math.round(toSeconds * SR);
        int chunk = (int) Math.round(chunkSeconds * SR);
        List<String> refTexts = run.ref.stream().map(RefWord::text).toList();
        int maxChars = policy.config().initPromptMaxChars();
        while (pos < end) {
            int n = (int) Math.min(chunk, end - pos);
            policy.insertAudio(ScriptedRecognizer.ramp(pos, n));
            pos += n;
            run.maxBuffered = Math.max(run.maxBuffered, policy.bufferedSeconds());
            double startBefore = policy.bufferStartSeconds();
            List<Word> scrolled = run.committed.stream().filter(w -> w.end() <= startBefore + 1e-4).toList();

            PolicyStep step = policy.process();
            run.steps++;

            RecognitionRequest request = recognizer.requests().getLast();
            run.maxRequestSeconds = Math.max(run.maxRequestSeconds, request.durationSeconds());
            assertPromptIsScrolledTail(request.prompt(), scrolled, maxChars);
            if (policy.bufferStartSeconds() != startBefore) {
                run.cuts.add(policy.bufferStartSeconds());
            }
            for (Word w : step.committed()) {
                run.committed.add(w);
                run.commitStep.add(run.steps);
            }
            List<String> texts = run.texts();
            assertEquals(refTexts.subList(0, Math.min(texts.size(), refTexts.size())), texts,
                    "committed words must be a prefix of the reference after step " + run.steps);
            if (!run.committed.isEmpty() && !step.tentative().isEmpty()) {
                assertTrue(step.tentative().getFirst().start() > run.committed.getLast().end() - 0.1,
                        "tentative words follow the committed ones");
            }
        }
        PolicyStep fin = policy.finish();
        run.lastFinish = fin;
        assertEquals(List.of(), fin.tentative());
        run.committed.addAll(fin.committed());
        fin.committed().forEach(w -> run.commitStep.add(run.steps + 1));
        return run;
    }

    private static Run run(List<RefWord> ref, LocalAgreementConfig config, double chunkSeconds, long seed) {
        AtomicReference<LocalAgreementPolicy> holder = new AtomicReference<>();
        ScriptedRecognizer recognizer = new ScriptedRecognizer(ref, seed, () -> holder.get().bufferStartSeconds());
        LocalAgreementPolicy policy = new LocalAgreementPolicy(recognizer, config);
        holder.set(policy);
        return drive(policy, recognizer, new Run(ref), 0, Scripts.streamSeconds(ref), chunkSeconds);
    }

    /** The prompt is the longest whole-word tail of the scrolled-out committed text that fits in maxChars. */
    private static void assertPromptIsScrolledTail(String prompt, List<Word> scrolled, int maxChars) {
        assertTrue(prompt.length() <= maxChars, () -> "prompt longer than " + maxChars + ": " + prompt);
        int n = scrolled.size();
        for (int k = n; k >= 0; k--) {
            if (Words.text(scrolled.subList(k, n)).equals(prompt)) {
                if (k > 0) {
                    assertTrue(Words.text(scrolled.subList(k - 1, n)).length() > maxChars,
                            () -> "prompt '" + prompt + "' could hold one more scrolled-out word");
                }
                return;
            }
        }
        fail("prompt '" + prompt + "' is not a tail of the scrolled-out text '" + Words.text(scrolled) + "'");
    }

    /** Same words, timings within the scripted jitter, timestamps never going back. */
    private static void assertMatchesReference(Run run) {
        assertEquals(run.ref.stream().map(RefWord::text).toList(), run.texts(), "no word lost or duplicated");
        for (int i = 0; i < run.committed.size(); i++) {
            Word w = run.committed.get(i);
            RefWord r = run.ref.get(i);
            assertEquals(r.start(), w.start(), TIME_TOLERANCE, () -> "start of " + w);
            assertEquals(r.end(), w.end(), TIME_TOLERANCE, () -> "end of " + w);
            if (i > 0) {
                Word prev = run.committed.get(i - 1);
                assertTrue(w.start() >= prev.start() && w.end() >= prev.end(),
                        () -> "timestamps go back from " + prev + " to " + w);
            }
        }
    }

    private static void assertCutsAtSentenceEnds(Run run) {
        List<Double> sentenceEnds = run.ref.stream().filter(r -> LocalAgreementPolicy.endsSentence(r.text()))
                .map(RefWord::end).toList();
        for (double cut : run.cuts) {
            assertTrue(sentenceEnds.stream().anyMatch(e -> Math.abs(e - cut) <= TIME_TOLERANCE),
                    () -> "cut at " + cut + " is not at a sentence end");
        }
    }

    static Stream<Arguments> jfkCases() {
        List<Arguments> cases = new ArrayList<>();
        for (double chunk : new double[] {1.0, 0.5}) {
            for (long seed = 1; seed <= 5; seed++) {
                cases.add(Arguments.of(chunk, seed));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "chunk {0} s, seed {1}")
    @MethodSource("jfkCases")
    void jfkCommitsTheReferenceExactly(double chunk, long seed) {
        Run run = run(Scripts.jfk(0), LocalAgreementConfig.defaults(), chunk, seed);
        assertEquals(Scripts.JFK_TEXT, Words.text(run.committed));
        assertMatchesReference(run);
        assertTrue(run.cuts.isEmpty(), "11 s never reaches the 15 s trimming threshold");
    }

    @Test
    void jfkWithoutNoiseCommitsEachWordOneStepAfterItIsHeard() {
        List<RefWord> ref = Scripts.jfk(0);
        AtomicReference<LocalAgreementPolicy> holder = new AtomicReference<>();
        ScriptedRecognizer recognizer = new ScriptedRecognizer(ref, 0, () -> holder.get().bufferStartSeconds())
                .withoutNoise();
        LocalAgreementPolicy policy = new LocalAgreementPolicy(recognizer, LocalAgreementConfig.defaults());
        holder.set(policy);
        Run run = drive(policy, recognizer, new Run(ref), 0, Scripts.JFK_SECONDS, 1.0);
        assertMatchesReference(run);
        for (int i = 0; i < ref.size(); i++) {
            // heard in the step whose buffer end first reaches the word's end, agreed on in the next one
            int heardAt = (int) Math.ceil(ref.get(i).end() - 1e-9);
            assertEquals(Math.min(heardAt + 1, 12), run.commitStep.get(i), "commit step of " + ref.get(i));
        }
        assertEquals(Scripts.JFK_SECONDS, policy.committedEndSeconds(), 1e-9);
        assertEquals(Scripts.JFK_SECONDS, policy.bufferStartSeconds(), 1e-9);
        assertEquals(0, policy.bufferedSeconds());
    }

    static Stream<Arguments> dialogueCases() {
        List<Arguments> cases = new ArrayList<>();
        for (BufferTrimming mode : BufferTrimming.values()) {
            for (double chunk : new double[] {1.0, 0.5}) {
                for (long seed = 1; seed <= 3; seed++) {
                    cases.add(Arguments.of(mode, chunk, seed));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, chunk {1} s, seed {2}")
    @MethodSource("dialogueCases")
    void dialogueCommitsTheReferenceExactly(BufferTrimming mode, double chunk, long seed) {
        LocalAgreementConfig config = LocalAgreementConfig.builder().bufferTrimming(mode).build();
        Run run = run(Scripts.dialogue(1), config, chunk, seed);
        assertEquals(Scripts.dialogueText(1), Words.text(run.committed));
        assertMatchesReference(run);
        assertCutsAtSentenceEnds(run);
    }

    @ParameterizedTest(name = "{0}, chunk {1} s, seed {2}")
    @MethodSource("dialogueCases")
    void threeMinutesStayBoundedInBothTrimmingModes(BufferTrimming mode, double chunk, long seed) {
        List<RefWord> ref = Scripts.dialogue(7);
        assertTrue(Scripts.streamSeconds(ref) > 175);
        LocalAgreementConfig config = LocalAgreementConfig.builder().bufferTrimming(mode).build();
        Run run = run(ref, config, chunk, seed);
        assertEquals(Scripts.dialogueText(7), Words.text(run.committed));
        assertMatchesReference(run);
        assertCutsAtSentenceEnds(run);
        assertTrue(run.cuts.size() >= 10, "trimmed " + run.cuts.size() + " times");
        // SEGMENT cuts in the first step past the threshold. SENTENCE also waits for a step that commits something
        // and for a second sentence to have begun in the buffer, which costs up to a couple of steps more.
        double margin = mode == BufferTrimming.SEGMENT ? 0.25 : 2.0;
        double bound = config.bufferTrimmingSec() + chunk + margin;
        assertTrue(run.maxBuffered <= bound, "buffer reached " + run.maxBuffered + " s, bound " + bound);
        assertTrue(run.maxRequestSeconds <= bound);
    }

    @Test
    void shorterTrimmingKeepsTheBufferShorter() {
        LocalAgreementConfig config = LocalAgreementConfig.builder().bufferTrimmingSec(6).build();
        Run run = run(Scripts.dialogue(3), config, 1.0, 7);
        assertEquals(Scripts.dialogueText(3), Words.text(run.committed));
        assertMatchesReference(run);
        assertCutsAtSentenceEnds(run);
        assertTrue(run.maxBuffered <= 6 + 1.0 + 1.0, "buffer reached " + run.maxBuffered);
    }

    @Test
    void promptIsTheFullScrolledOutTextUntilItExceeds200Characters() {
        List<RefWord> ref = Scripts.dialogue(2);
        AtomicReference<LocalAgreementPolicy> holder = new AtomicReference<>();
        ScriptedRecognizer recognizer = new ScriptedRecognizer(ref, 3, () -> holder.get().bufferStartSeconds());
        LocalAgreementPolicy policy = new LocalAgreementPolicy(recognizer,
                LocalAgreementConfig.builder().bufferTrimmingSec(5).build());
        holder.set(policy);
        Run run = drive(policy, recognizer, new Run(ref), 0, Scripts.streamSeconds(ref), 1.0);
        assertMatchesReference(run);
        List<String> prompts = recognizer.requests().stream().map(RecognitionRequest::prompt).toList();
        assertEquals("", prompts.getFirst());
        assertTrue(prompts.stream().anyMatch(p -> p.length() > 150), "the prompt fills up to the limit");
        assertTrue(prompts.stream().allMatch(p -> p.length() <= 200));
        // After the second turn scrolled out completely the prompt starts with the first words.
        assertTrue(prompts.stream().anyMatch(p -> p.startsWith("Good morning everyone, thanks for joining")));
    }

    @Test
    void staticPromptComesFirstAndDoesNotCountAgainstTheLimit() {
        List<Recognition> script = new ArrayList<>();
        List<RecognitionRequest> seen = new ArrayList<>();
        SpeechRecognizer rec = fixed(seen, script);
        LocalAgreementPolicy policy = new LocalAgreementPolicy(rec, LocalAgreementConfig.builder()
                .staticPrompt("  Steno, LocalAgreement. ").initPromptMaxChars(11).language("de")
                .task(Task.TRANSLATE).build());
        script.add(recognition(new Word(" Hallo", 0.0, 0.5), new Word(" Welt.", 0.5, 1.0)));
        policy.insertAudio(new float[SR]);
        policy.process();
        policy.finish();
        policy.insertAudio(new float[SR]);
        policy.process();
        assertEquals("Steno, LocalAgreement.", seen.get(0).prompt());
        assertEquals("Steno, LocalAgreement. Hallo Welt.", seen.get(1).prompt());
        assertEquals("de", seen.get(1).language());
        assertEquals(Task.TRANSLATE, seen.get(1).task());
        assertEquals(SR, seen.get(1).audio().length);
    }

    @Test
    void promptKeepsWholeWordsOnly() {
        List<Recognition> script = new ArrayList<>();
        List<RecognitionRequest> seen = new ArrayList<>();
        LocalAgreementPolicy policy = new LocalAgreementPolicy(fixed(seen, script),
                LocalAgreementConfig.builder().initPromptMaxChars(11).build());
        script.add(recognition(new Word(" ask", 0.0, 0.3), new Word(" not", 0.3, 0.6), new Word(" what", 0.6, 0.9)));
        policy.insertAudio(new float[SR]);
        policy.process();
        policy.finish();
        policy.insertAudio(new float[SR]);
        policy.process();
        assertEquals("not what", seen.get(1).prompt());
    }

    @Test
    void confidenceValidationCommitsAConfidentWordOneStepEarlier() {
        Recognition hyp = recognition(new Word(" Hello", 0.0, 0.5, 0.99), new Word(" world", 0.5, 1.0, 0.6));
        for (boolean validation : new boolean[] {false, true}) {
            LocalAgreementPolicy policy = new LocalAgreementPolicy(fixed(new ArrayList<>(), List.of(hyp, hyp)),
                    LocalAgreementConfig.builder().confidenceValidation(validation).build());
            policy.insertAudio(new float[SR]);
            PolicyStep first = policy.process();
            assertEquals(validation ? 0.5 : 0.0, policy.committedEndSeconds());
            policy.insertAudio(new float[SR]);
            PolicyStep second = policy.process();
            if (validation) {
                assertEquals(List.of(" Hello"), first.committed().stream().map(Word::text).toList());
                assertEquals(List.of(" world"), first.tentative().stream().map(Word::text).toList());
                assertEquals(List.of(" world"), second.committed().stream().map(Word::text).toList());
            } else {
                assertEquals(List.of(), first.committed());
                assertEquals(List.of(" Hello", " world"), second.committed().stream().map(Word::text).toList());
            }
        }
    }

    @Test
    void confidenceValidationCommitsSettledWordsEarlierOverAWholeDialogue() {
        List<RefWord> ref = Scripts.dialogue(1);
        int[] sums = new int[2];
        for (int v = 0; v < 2; v++) {
            AtomicReference<LocalAgreementPolicy> holder = new AtomicReference<>();
            ScriptedRecognizer recognizer = new ScriptedRecognizer(ref, 11, () -> holder.get().bufferStartSeconds())
                    .withProbabilities();
            LocalAgreementPolicy policy = new LocalAgreementPolicy(recognizer,
                    LocalAgreementConfig.builder().confidenceValidation(v == 1).build());
            holder.set(policy);
            Run run = drive(policy, recognizer, new Run(ref), 0, Scripts.streamSeconds(ref), 1.0);
            assertEquals(Scripts.dialogueText(1), Words.text(run.committed));
            assertMatchesReference(run);
            sums[v] = run.commitStep.stream().mapToInt(Integer::intValue).sum();
        }
        assertTrue(sums[1] < sums[0], "validated commits at steps summing to " + sums[1] + " vs " + sums[0]);
    }

    @Test
    void aFollowingUtteranceContinuesInAbsoluteTimeWithThePreviousTextAsPrompt() {
        List<RefWord> ref = new ArrayList<>(Scripts.jfk(0));
        ref.addAll(Scripts.jfk(Scripts.JFK_SECONDS));
        AtomicReference<LocalAgreementPolicy> holder = new AtomicReference<>();
        ScriptedRecognizer recognizer = new ScriptedRecognizer(ref, 5, () -> holder.get().bufferStartSeconds());
        LocalAgreementPolicy policy = new LocalAgreementPolicy(recognizer, LocalAgreementConfig.defaults());
        holder.set(policy);
        Run run = new Run(ref);
        drive(policy, recognizer, run, 0, Scripts.JFK_SECONDS, 1.0);
        int firstRequests = recognizer.requests().size();
        assertEquals(Scripts.JFK_SECONDS, policy.bufferStartSeconds(), 1e-9);
        drive(policy, recognizer, run, Scripts.JFK_SECONDS, 2 * Scripts.JFK_SECONDS, 1.0);
        assertMatchesReference(run);
        assertEquals(Scripts.JFK_TEXT, recognizer.requests().get(firstRequests).prompt());
        assertEquals(Scripts.JFK_TEXT + " " + Scripts.JFK_TEXT, Words.text(run.committed));
        assertEquals(2 * Scripts.JFK_SECONDS, policy.committedEndSeconds(), 1e-9);
    }

    @Test
    void resetStartsAFreshWindowAtANewOffsetKeepingThePrompt() {
        double pauseEnd = 40.0;
        List<RefWord> ref = new ArrayList<>(Scripts.jfk(0));
        ref.addAll(Scripts.jfk(pauseEnd));
        AtomicReference<LocalAgreementPolicy> holder = new AtomicReference<>();
        ScriptedRecognizer recognizer = new ScriptedRecognizer(ref, 9, () -> holder.get().bufferStartSeconds());
        LocalAgreementPolicy policy = new LocalAgreementPolicy(recognizer, LocalAgreementConfig.defaults());
        holder.set(policy);
        Run run = new Run(ref);
        drive(policy, recognizer, run, 0, Scripts.JFK_SECONDS, 0.5);
        int firstRequests = recognizer.requests().size();
        policy.reset(pauseEnd);
        assertEquals(pauseEnd, policy.bufferStartSeconds(), 1e-9);
        assertEquals(pauseEnd, policy.committedEndSeconds(), 1e-9);
        drive(policy, recognizer, run, pauseEnd, pauseEnd + Scripts.JFK_SECONDS, 0.5);
        assertMatchesReference(run);
        assertEquals(Scripts.JFK_TEXT, recognizer.requests().get(firstRequests).prompt());
        assertEquals(40.3, run.committed.get(22).start(), TIME_TOLERANCE);
    }

    @Test
    void resetDiscardsTentativeWords() {
        Recognition hyp = recognition(new Word(" maybe", 0.0, 0.5));
        LocalAgreementPolicy policy = new LocalAgreementPolicy(fixed(new ArrayList<>(), List.of(hyp)),
                LocalAgreementConfig.defaults());
        policy.insertAudio(new float[SR]);
        assertEquals(1, policy.process().tentative().size());
        policy.reset(5.0);
        assertEquals(PolicyStep.EMPTY, policy.finish());
        assertEquals(5.0, policy.committedEndSeconds());
        assertThrows(IllegalArgumentException.class, () -> policy.reset(-1));
    }

    @Test
    void reTranscribedCommittedWordWithDriftedTimestampIsNotCommittedTwice() {
        Recognition first = recognition(new Word(" ask", 0.0, 0.3), new Word(" not", 0.3, 0.6));
        // Next call: " not" re-transcribed starting 0.05 s before the committed end, which passes the 0.1 s filter.
        Recognition second = recognition(new Word(" ask", 0.0, 0.3), new Word(" not", 0.55, 0.62),
                new Word(" what", 0.62, 0.9));
        Recognition third = recognition(new Word(" ask", 0.0, 0.3), new Word(" not", 0.55, 0.62),
                new Word(" what", 0.62, 0.9), new Word(" your", 0.9, 1.2));
        LocalAgreementPolicy policy = new LocalAgreementPolicy(
                fixed(new ArrayList<>(), List.of(first, first, second, third)), LocalAgreementConfig.defaults());
        List<Word> committed = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            policy.insertAudio(new float[SR / 2]);
            committed.addAll(policy.process().committed());
        }
        committed.addAll(policy.finish().committed());
        assertEquals(List.of(" ask", " not", " what", " your"), committed.stream().map(Word::text).toList());
    }

    @Test
    void aRecogniserThatNeverAgreesCannotGrowTheBufferPastTheSafeguard() {
        int[] calls = {0};
        double[] longest = {0};
        SpeechRecognizer rec = new StubRecognizer(request -> {
            longest[0] = Math.max(longest[0], request.durationSeconds());
            int c = calls[0]++;
            return recognition(new Word(" noise" + c, 0.0, Math.min(0.5, request.durationSeconds())));
        });
        LocalAgreementPolicy policy = new LocalAgreementPolicy(rec, LocalAgreementConfig.defaults());
        for (int i = 0; i < 60; i++) {
            policy.insertAudio(new float[SR]);
            PolicyStep step = policy.process();
            assertEquals(List.of(), step.committed());
            assertTrue(policy.bufferedSeconds() <= 30.0 + 1e-9, "buffered " + policy.bufferedSeconds());
        }
        assertEquals(31.0, longest[0], 1e-9);
        assertEquals(60.0 - 30.0, policy.bufferStartSeconds(), 1e-9);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void anUnpunctuatedMonologueIsCutAtCommittedWordsBeyondThirtySeconds(BufferTrimming mode) {
        List<RefWord> ref = Scripts.unpunctuated(Scripts.dialogue(3));
        LocalAgreementConfig config = LocalAgreementConfig.builder().bufferTrimming(mode).build();
        Run run = run(ref, config, 1.0, 4);
        assertMatchesReference(run);
        assertTrue(run.maxBuffered <= config.maxBufferSeconds() + 1.0, "buffered " + run.maxBuffered);
        assertTrue(run.cuts.size() >= 2, "cut " + run.cuts.size() + " times");
        List<Double> wordEnds = run.committed.stream().map(Word::end).toList();
        for (double cut : run.cuts) {
            assertTrue(wordEnds.stream().anyMatch(e -> Math.abs(e - cut) < 1e-4), "cut at a committed word end");
        }
    }

    static Stream<BufferTrimming> modes() {
        return Stream.of(BufferTrimming.values());
    }

    @Test
    void processWithoutAudioDoesNotCallTheRecogniser() {
        LocalAgreementPolicy policy = new LocalAgreementPolicy(new StubRecognizer(r -> {
            throw new AssertionError("called");
        }), LocalAgreementConfig.defaults());
        assertEquals(PolicyStep.EMPTY, policy.process());
        assertEquals(PolicyStep.EMPTY, policy.finish());
        assertEquals(0, policy.bufferStartSeconds());
    }

    @Test
    void aFailedRecogniserCallKeepsTheAudioForARetry() {
        boolean[] fail = {true};
        List<RecognitionRequest> seen = new ArrayList<>();
        LocalAgreementPolicy policy = new LocalAgreementPolicy(new StubRecognizer(r -> {
            seen.add(r);
            if (fail[0]) {
                throw new RecognitionException("backend down");
            }
            return recognition(new Word(" hi", 0, 0.4));
        }), LocalAgreementConfig.defaults());
        policy.insertAudio(new float[SR]);
        assertThrows(RecognitionException.class, policy::process);
        assertEquals(1.0, policy.bufferedSeconds());
        fail[0] = false;
        assertEquals(List.of(" hi"), policy.process().tentative().stream().map(Word::text).toList());
        assertEquals(SR, seen.getLast().audio().length);
    }

    @Test
    void insertAudioCopiesTheRequestedRange() {
        List<RecognitionRequest> seen = new ArrayList<>();
        LocalAgreementPolicy policy = new LocalAgreementPolicy(new StubRecognizer(r -> {
            seen.add(r);
            return new Recognition(List.of(), Optional.empty());
        }), LocalAgreementConfig.defaults());
        float[] samples = {0.1f, 0.2f, 0.3f, 0.4f};
        policy.insertAudio(samples, 1, 2);
        samples[1] = 9f;
        policy.insertAudio(samples, 3, 1);
        policy.process();
        assertEquals(List.of(0.2f, 0.3f, 0.4f), boxed(seen.getFirst().audio()));
        assertEquals(3.0 / SR, policy.bufferedSeconds(), 1e-12);
        assertThrows(IndexOutOfBoundsException.class, () -> policy.insertAudio(samples, 3, 2));
    }

    @Test
    void sentenceEndsAreRecognisedByFinalPunctuation() {
        for (String end : List.of(" country.", " you?", " stop!", " so...", " Mr.", " said.\"", " (end.)", "好。",
                " 吗？", " 啊！", " well…")) {
            assertTrue(LocalAgreementPolicy.endsSentence(end), end);
        }
        for (String not : List.of(" Americans,", " what", " 3:", "", " \"", " 好，")) {
            assertTrue(!LocalAgreementPolicy.endsSentence(not), not);
        }
    }

    @Test
    void configDefaultsAndValidation() {
        LocalAgreementConfig d = LocalAgreementConfig.defaults();
        assertEquals(new LocalAgreementConfig(null, Task.TRANSCRIBE, BufferTrimming.SEGMENT, 15, false, 200, "", 30),
                d);
        assertEquals(d, d.toBuilder().build());
        assertEquals(null, LocalAgreementConfig.builder().language("auto").build().language());
        assertThrows(IllegalArgumentException.class, () -> LocalAgreementConfig.builder().bufferTrimmingSec(0).build());
        assertThrows(IllegalArgumentException.class,
                () -> LocalAgreementConfig.builder().bufferTrimmingSec(20).maxBufferSeconds(10).build());
        assertThrows(IllegalArgumentException.class, () -> LocalAgreementConfig.builder().initPromptMaxChars(-1).build());
    }

    private static List<Float> boxed(float[] a) {
        List<Float> l = new ArrayList<>();
        for (float f : a) {
            l.add(f);
        }
        return l;
    }

    private static Recognition recognition(Word... words) {
        return new Recognition(List.of(new Segment(words[0].start(), words[words.length - 1].end(),
                Words.rawText(List.of(words)), List.of(words))), Optional.of("en"));
    }

    /** Replays the given recognitions in order, the last one again once they run out; records the requests. */
    private static SpeechRecognizer fixed(List<RecognitionRequest> seen, List<Recognition> script) {
        int[] i = {0};
        return new StubRecognizer(r -> {
            seen.add(r);
            return script.get(Math.min(i[0]++, script.size() - 1));
        });
    }

    private record StubRecognizer(java.util.function.Function<RecognitionRequest, Recognition> fn)
            implements SpeechRecognizer {
        @Override
        public Recognition transcribe(RecognitionRequest request) {
            return fn.apply(request);
        }

        @Override
        public String backendName() {
            return "stub";
        }

        @Override
        public boolean multilingual() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
