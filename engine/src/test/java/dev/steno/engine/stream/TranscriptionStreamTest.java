package dev.steno.engine.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.audio.WavReader;
import dev.steno.engine.diarization.baseline.BaselineDiarizer;
import dev.steno.engine.policy.PolicyStep;
import dev.steno.engine.policy.StreamingPolicy;
import dev.steno.engine.speaker.DiarizedSpeaker;
import dev.steno.engine.speaker.FixedSpeaker;
import dev.steno.engine.speaker.SpeakerStage;
import dev.steno.engine.speaker.UnknownSpeaker;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.transcript.SpokenWord;
import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.engine.transcript.Word;
import dev.steno.engine.transcript.Words;
import dev.steno.engine.vad.SileroVadModel;
import dev.steno.engine.vad.VadConfig;
import dev.steno.engine.vad.VadEvent;
import dev.steno.engine.vad.VoiceGating;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleToIntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pipeline's speaker stage: lines carry its speakers, and a stage that lags holds words back without loss. */
class TranscriptionStreamTest {
    private static final int SR = 16_000;
    static SileroVadModel vad;

    @BeforeAll
    static void load() throws Exception {
        vad = SileroVadModel.load(SharedFixtures.file("models/silero/silero_vad_v6.onnx"));
    }

    @AfterAll
    static void close() {
        vad.close();
    }

    /**
     * One word per half second of audio on the absolute clock, committed a second after it ends, the rest when the
     * utterance finishes.
     */
    static final class HalfSecondWords implements StreamingPolicy {
        long clock;
        long windowStart;
        int emitted;
        final List<Word> pending = new ArrayList<>();

        @Override
        public void insertAudio(float[] s, int off, int len) {
            clock += len;
            while ((clock - windowStart) / (SR / 2) > emitted) {
                double start = (windowStart + (long) emitted * (SR / 2)) / (double) SR;
                pending.add(new Word(" w" + Math.round(start * 10), start, start + 0.5));
                emitted++;
            }
        }

        @Override
        public PolicyStep process() {
            List<Word> commit = new ArrayList<>();
            while (!pending.isEmpty() && pending.getFirst().end() <= clock / (double) SR - 1.0 + 1e-9) {
                commit.add(pending.removeFirst());
            }
            return new PolicyStep(commit, pending);
        }

        @Override
        public PolicyStep finish() {
            List<Word> rest = new ArrayList<>(pending);
            pending.clear();
            windowStart = clock;
            emitted = 0;
            return new PolicyStep(rest, List.of());
        }

        @Override
        public double bufferedSeconds() {
            return (clock - windowStart) / (double) SR;
        }

        @Override
        public double bufferStartSeconds() {
            return windowStart / (double) SR;
        }

        @Override
        public double committedEndSeconds() {
            return windowStart / (double) SR;
        }

        @Override
        public void reset(double newOffsetSeconds) {
            pending.clear();
            clock = Math.round(newOffsetSeconds * SR);
            windowStart = clock;
            emitted = 0;
        }
    }

    /**
     * A stage that knows a word's speaker only once it has heard {@code holdSeconds} of audio past the word's end,
     * as a diarizer with a look-ahead would.
     */
    static final class LookAheadSpeaker implements SpeakerStage {
        final double holdSeconds;
        final DoubleToIntFunction speakerAt;
        final ArrayDeque<Word> held = new ArrayDeque<>();
        long heard;
        int voiceEvents;

        LookAheadSpeaker(double holdSeconds, DoubleToIntFunction speakerAt) {
            this.holdSeconds = holdSeconds;
            this.speakerAt = speakerAt;
        }

        @Override
        public void accept(float[] samples16k, int offset, int length, List<VadEvent> voiceActivity) {
            heard += length;
            voiceEvents += voiceActivity.size();
        }

        @Override
        public List<SpokenWord> attribute(List<Word> committed) {
            held.addAll(committed);
            List<SpokenWord> known = new ArrayList<>();
            while (!held.isEmpty() && held.peek().end() + holdSeconds <= heard / (double) SR) {
                Word w = held.poll();
                known.add(new SpokenWord(w, speakerAt.applyAsInt(w.start())));
            }
            return known;
        }

        @Override
        public double coverageSeconds() {
            return heard / (double) SR - holdSeconds;
        }

        @Override
        public List<SpokenWord> flush() {
            List<SpokenWord> all = new ArrayList<>();
            for (Word w : held) {
                all.add(new SpokenWord(w, speakerAt.applyAsInt(w.start())));
            }
            held.clear();
            return all;
        }
    }

    private static List<TranscriptUpdate> run(TranscriptionStream stream, float[] audio, int chunk) {
        List<TranscriptUpdate> updates = new ArrayList<>();
        for (int pos = 0; pos < audio.length; pos += chunk) {
            stream.accept(audio, pos, Math.min(chunk, audio.length - pos));
            updates.add(stream.stepAndGet());
        }
        updates.add(stream.finishAndGet());
        stream.close();
        return updates;
    }

    private static String text(List<TranscriptLine> lines) {
        StringBuilder b = new StringBuilder();
        lines.forEach(l -> b.append(l.text()));
        return b.toString();
    }

    @Test
    void aLaggingStageHoldsWordsBackAndLosesNone() {
        LookAheadSpeaker stage = new LookAheadSpeaker(1.5, t -> t < 2.5 ? 1 : 2);
        TranscriptionStream stream = StreamBuilder.withPolicy(new HalfSecondWords()).speaker(stage)
                .clock(() -> 0).build();
        List<TranscriptUpdate> updates = run(stream, new float[5 * SR], SR / 4);

        List<Word> joined = new ArrayList<>();
        boolean sawHeld = false;
        for (TranscriptUpdate u : updates) {
            joined.addAll(u.newlyCommitted());
            // every committed word is either in the lines or awaiting its speaker, never both, never neither
            List<Word> committedSoFar = new ArrayList<>(joined);
            committedSoFar.addAll(u.awaitingSpeaker());
            assertEquals(Words.rawText(committedSoFar), text(u.lines()) + u.awaitingSpeakerText());
            assertEquals(Words.rawText(joined), text(u.lines()));
            if (!u.awaitingSpeaker().isEmpty()) {
                sawHeld = true;
                assertTrue(u.lag().diarization() > 0, "held words show as diarization lag: " + u.lag());
                assertEquals(u.awaitingSpeakerText(), Words.rawText(u.awaitingSpeaker()));
            } else {
                // the decided time trails the audio by the look-ahead; nothing waits, but the lag is still bounded by it
                assertTrue(u.lag().diarization() >= 0 && u.lag().diarization() <= 1.5 + 0.25, "lag " + u.lag());
            }
        }
        assertTrue(sawHeld, "the stage held words back at some point");
        TranscriptUpdate last = updates.getLast();
        assertTrue(last.final_());
        assertTrue(last.awaitingSpeaker().isEmpty(), "the end flushes every held word");
        assertEquals(stream.committedWords(), joined, "each committed word joined the lines once, in order");
        assertEquals(10, joined.size());
        assertEquals(List.of(" w0 w5 w10 w15 w20", " w25 w30 w35 w40 w45"),
                last.lines().stream().map(TranscriptLine::text).toList(), "a speaker change starts a line");
        assertEquals(List.of(1, 2), last.lines().stream().map(TranscriptLine::speaker).toList());
        assertEquals(0, stage.voiceEvents, "without voice activity the stage hears no events");
    }

    @Test
    void utteranceBreaksAndSilenceLinesWaitForTheWordsBeforeThem() throws Exception {
        float[] dialogue = WavReader.read(SharedFixtures.file("audio/synthetic/dialogue-a.wav")).resampledTo(SR)
                .samples();
        // the dialogue, 8 s of silence (a silence line), the dialogue again
        float[] twice = new float[dialogue.length * 2 + 8 * SR];
        System.arraycopy(dialogue, 0, twice, 0, dialogue.length);
        System.arraycopy(dialogue, 0, twice, dialogue.length + 8 * SR, dialogue.length);
        VoiceGating gating = VoiceGating.of(vad, VadConfig.defaults(), 5.0);

        TranscriptUpdate direct = run(StreamBuilder.withPolicy(new HalfSecondWords()).voiceActivity(gating)
                .speaker(new UnknownSpeaker()).clock(() -> 0).build(), twice, SR).getLast();
        LookAheadSpeaker lagging = new LookAheadSpeaker(3.0, t -> 0);
        List<TranscriptUpdate> held = run(StreamBuilder.withPolicy(new HalfSecondWords()).voiceActivity(gating)
                .speaker(lagging).clock(() -> 0).build(), twice, SR);

        assertTrue(direct.lines().stream().filter(l -> !l.isSilence()).count() >= 8,
                "one line per utterance at least: " + direct.lines());
        assertEquals(1, direct.lines().stream().filter(TranscriptLine::isSilence).count(), direct.lines().toString());
        assertTrue(held.stream().anyMatch(u -> !u.awaitingSpeaker().isEmpty()), "the stage lagged");
        assertEquals(direct.lines(), held.getLast().lines(),
                "a lagging stage gives the same lines, breaks and silence line once it has caught up");
        assertTrue(lagging.voiceEvents >= 2 * 5 * 2, "the stage heard every speech start and end");
    }

    @Test
    void theBaselineDiarizerSplitsTheDialogueAtItsTurnsAndNeverRelabelsALine() throws Exception {
        float[] dialogue = WavReader.read(SharedFixtures.file("audio/synthetic/dialogue-a.wav")).resampledTo(SR)
                .samples();
        VoiceGating gating = VoiceGating.of(vad, VadConfig.defaults(), 5.0);
        List<TranscriptUpdate> updates = run(StreamBuilder.withPolicy(new HalfSecondWords()).voiceActivity(gating)
                .speaker(new DiarizedSpeaker(BaselineDiarizer.factory(8).newDiarizer())).clock(() -> 0).build(),
                dialogue, SR / 10);

        List<TranscriptLine> previous = List.of();
        boolean lagged = false;
        for (TranscriptUpdate u : updates) {
            List<TranscriptLine> lines = u.lines();
            for (int i = 0; i < previous.size() - 1; i++) {
                assertEquals(previous.get(i), lines.get(i), "a sent line never changes");
            }
            if (!previous.isEmpty()) {
                TranscriptLine open = previous.getLast();
                TranscriptLine now = lines.get(previous.size() - 1);
                assertEquals(open.speaker(), now.speaker(), "the open line keeps its speaker");
                assertTrue(now.text().startsWith(open.text()), "the open line only grows");
            }
            lagged |= u.lag().diarization() > 0;
            previous = lines;
        }
        assertTrue(lagged, "diarization lag is reported while the diarizer decides");
        // reference turns: m3 0.5-4.75, f2 5.35-10.16, m3 10.76-15.06, f2 15.66-20.03, m3 20.63-24.80
        double[][] turns = {{0.5, 4.75}, {5.35, 10.16}, {10.76, 15.06}, {15.66, 20.03}, {20.63, 24.80}};
        List<TranscriptLine> spoken = updates.getLast().lines().stream().filter(l -> !l.isSilence()).toList();
        int[] speakerOfTurn = new int[turns.length];
        for (int t = 0; t < turns.length; t++) {
            double start = turns[t][0];
            double end = turns[t][1];
            Map<Integer, Double> time = new HashMap<>();
            for (TranscriptLine l : spoken) {
                time.merge(l.speaker(), Math.max(0, Math.min(end, l.end()) - Math.max(start, l.start())), Double::sum);
            }
            speakerOfTurn[t] = time.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        }
        assertEquals(1, speakerOfTurn[0], "the first voice is speaker 1");
        assertEquals(2, speakerOfTurn[1], "the second voice is speaker 2");
        assertArrayEquals(new int[]{1, 2, 1, 2, 1}, speakerOfTurn, "turns alternate between the two voices");
    }

    @Test
    void fixedAndUnknownSpeakersLabelEveryLine() {
        TranscriptUpdate fixed = run(StreamBuilder.withPolicy(new HalfSecondWords()).speaker(new FixedSpeaker(3))
                .clock(() -> 0).build(), new float[4 * SR], SR).getLast();
        assertFalse(fixed.lines().isEmpty());
        assertTrue(fixed.lines().stream().allMatch(l -> l.speaker() == 3), fixed.lines().toString());
        TranscriptUpdate unknown = run(StreamBuilder.withPolicy(new HalfSecondWords()).clock(() -> 0).build(),
                new float[4 * SR], SR).getLast();
        assertTrue(unknown.lines().stream().allMatch(l -> l.speaker() == TranscriptLine.UNKNOWN_SPEAKER));
        assertEquals(text(fixed.lines()), text(unknown.lines()));
        assertThrows(IllegalArgumentException.class, () -> new FixedSpeaker(0));
    }

    @Test
    void aStageThatReordersWordsIsRefused() {
        SpeakerStage reversing = new SpeakerStage() {
            @Override
            public List<SpokenWord> attribute(List<Word> committed) {
                return committed.reversed().stream().map(w -> new SpokenWord(w, 1)).toList();
            }

            @Override
            public List<SpokenWord> flush() {
                return List.of();
            }
        };
        TranscriptionStream stream = StreamBuilder.withPolicy(new HalfSecondWords()).speaker(reversing)
                .clock(() -> 0).build();
        stream.accept(new float[4 * SR], 0, 4 * SR);
        IllegalStateException e = assertThrows(IllegalStateException.class, stream::step);
        assertTrue(e.getMessage().contains("out of order"), e.getMessage());
    }

    @Test
    void audioAfterTheEndIsRefused() {
        TranscriptionStream stream = StreamBuilder.withPolicy(new HalfSecondWords()).clock(() -> 0).build();
        stream.finish();
        assertThrows(IllegalStateException.class, () -> stream.accept(new float[1], 0, 1));
        assertThrows(IllegalStateException.class, stream::finish);
    }

    @Test
    void finishingAnUtteranceCommitsItsTailOnceAndTheStreamGoesOn() {
        List<TranscriptUpdate> ordinary = new ArrayList<>();
        List<TranscriptUpdate> finished = new ArrayList<>();
        StreamListener listener = new StreamListener() {
            @Override
            public void onUpdate(TranscriptUpdate update) {
                ordinary.add(update);
            }

            @Override
            public void onUtteranceFinished(TranscriptUpdate update) {
                finished.add(update);
            }
        };
        TranscriptionStream stream = StreamBuilder.withPolicy(new HalfSecondWords()).listener(listener)
                .clock(() -> 0).build();
        stream.accept(new float[3 * SR], 0, 3 * SR);
        stream.step();
        // 3 s: words up to 2 s are committed by the step, the last two are still tentative
        assertEquals(4, ordinary.getLast().newlyCommitted().size());
        assertEquals(2, ordinary.getLast().tentative().size());
        stream.finishUtterance();
        assertEquals(1, finished.size());
        assertEquals(List.of(2.0, 2.5), finished.getFirst().newlyCommitted().stream().map(Word::start).toList());
        assertTrue(finished.getFirst().tentative().isEmpty());
        stream.finishUtterance();
        assertEquals(2, finished.size(), "a flush with nothing pending still answers");
        assertTrue(finished.getLast().newlyCommitted().isEmpty());
        stream.accept(new float[2 * SR], 0, 2 * SR);
        TranscriptUpdate last = stream.finishAndGet();
        List<Word> all = stream.committedWords();
        assertEquals(10, all.size(), "5 s of words, none lost or repeated: " + all);
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i).start() >= all.get(i - 1).end() - 1e-9, all.toString());
        }
        assertTrue(last.final_());
        assertEquals(2, last.lines().size(), "the flushed utterance closed its line");
    }
}
