package dev.steno.engine.stream;

import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.corrections.Corrector;
import dev.steno.engine.policy.PolicyStep;
import dev.steno.engine.policy.StreamingPolicy;
import dev.steno.engine.session.Steppable;
import dev.steno.engine.speaker.SpeakerStage;
import dev.steno.engine.transcript.LagFigures;
import dev.steno.engine.transcript.LineAssembler;
import dev.steno.engine.transcript.SpokenWord;
import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.engine.transcript.Word;
import dev.steno.engine.vad.GateAction;
import dev.steno.engine.vad.SpeechGate;
import dev.steno.engine.vad.VadEvent;
import dev.steno.engine.vad.VoiceActivityController;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * One live stream's pipeline, assembled by a {@link StreamBuilder}: 16 kHz audio in, transcript updates out.
 *
 * <pre>
 *   accept(audio) ─▶ voice activity (controller ─▶ gate) ─▶ queued gate actions ─┐
 *                 └▶ speaker stage hears the audio and the voice-activity events   │
 *   step()        ─▶ actions applied to the streaming policy (utterance ends finalised) ─▶ policy step
 *                 ─▶ term corrections (committed and tentative words)
 *                 ─▶ speaker stage attributes committed words ─▶ line assembly ─▶ listeners
 * </pre>
 *
 * <p>{@link #accept} only decides what the audio is (voice activity) and queues it; every recogniser call happens in
 * {@link #step()} or {@link #finish()}, which the owner runs (a scheduler worker, or the command line's simulated
 * stream). Data flows one way: no stage calls back into an earlier one.
 *
 * <p>Not thread-safe: one owner feeds audio and runs steps. The policy's recogniser may be shared with other
 * streams.
 *
 * <p>Time is measured on two clocks. Stream time is seconds of audio since the stream started; the stream clock
 * ({@code clockSeconds}) is wall time since the stream started in live use, or a simulated clock when a file is fed
 * faster than real time. Lag figures compare the two.
 */
public final class TranscriptionStream implements Steppable, AutoCloseable {
    private static final int SR = SpeechRecognizer.SAMPLE_RATE;
    private static final float[] ZEROS = new float[1600];

    private final StreamingPolicy policy;
    /** Both null without voice-activity gating: then every sample reaches the policy. */
    private final VoiceActivityController voiceActivity;
    private final SpeechGate gate;
    private final Corrector corrector;
    private final SpeakerStage speakers;
    private final List<StreamListener> listeners;
    private final DoubleSupplier clockSeconds;
    private final LineAssembler lines = new LineAssembler();
    /** Gate decisions not yet applied to the policy; applied in order by the next step. */
    private final ArrayDeque<GateAction> actions = new ArrayDeque<>();
    /** Every word the policy committed, in order; the first {@code attributed} of them are in the lines. */
    private final List<Word> committed = new ArrayList<>();
    private int attributed;
    /** Line breaks and silence lines waiting for the words before them to be attributed. */
    private final ArrayDeque<LineEvent> lineEvents = new ArrayDeque<>();
    private long receivedSamples;
    private long processedSamples;
    private List<Word> tentative = List.of();
    /** The language the recogniser last detected, null until it said. */
    private String detectedLanguage;
    private boolean finished;
    /** Speech reached the policy since its last step: a step without it would only transcribe silence. */
    private boolean speechSinceStep;
    /**
     * Stream clock reading when speech last reached the policy; written by the stepping thread, read by whoever asks
     * {@link #spokeWithin} (a server's metrics).
     */
    private volatile double lastSpeechClock = Double.NEGATIVE_INFINITY;

    /** Closes the open line, or adds a silence line, once {@code afterWords} committed words are in the lines. */
    private record LineEvent(int afterWords, TranscriptLine silence) {
    }

    TranscriptionStream(StreamingPolicy policy, VoiceActivityController voiceActivity, SpeechGate gate,
                        Corrector corrector, SpeakerStage speakers, List<StreamListener> listeners,
                        DoubleSupplier clockSeconds) {
        this.policy = Objects.requireNonNull(policy, "policy");
        if ((voiceActivity == null) != (gate == null)) {
            throw new IllegalArgumentException("voice activity needs both its controller and its gate");
        }
        this.voiceActivity = voiceActivity;
        this.gate = gate;
        this.corrector = Objects.requireNonNull(corrector, "corrector");
        this.speakers = Objects.requireNonNull(speakers, "speakers");
        this.listeners = List.copyOf(listeners);
        this.clockSeconds = Objects.requireNonNull(clockSeconds, "clockSeconds");
    }

    /** Appends 16 kHz mono audio: voice activity decides on it, the speaker stage hears it; no recogniser call. */
    @Override
    public void accept(float[] samples, int offset, int length) {
        if (finished) {
            throw new IllegalStateException("the stream has finished; start a new one");
        }
        Objects.checkFromIndexSize(offset, length, samples.length);
        receivedSamples += length;
        if (voiceActivity == null) {
            speakers.accept(samples, offset, length, List.of());
            // nothing is queued without a gate, so inserting now keeps the order; it only copies the samples
            policy.insertAudio(samples, offset, length);
            heardSpeech();
            return;
        }
        List<VadEvent> events = voiceActivity.accept(samples, offset, length);
        speakers.accept(samples, offset, length, events);
        actions.addAll(gate.accept(samples, offset, length, events));
    }

    /** Seconds of audio received but not yet processed by a step. */
    public double pendingSeconds() {
        return (receivedSamples - processedSamples) / (double) SR;
    }

    /**
     * True when speech reached the recogniser within the last {@code seconds} of the stream clock: with voice-activity
     * gating, audio the gate let through as speech; without it, any audio. Thread-safe, unlike the rest of the stream:
     * a server's metrics count the streams whose participants are speaking.
     */
    public boolean spokeWithin(double seconds) {
        return clockSeconds.getAsDouble() - lastSpeechClock <= seconds;
    }

    private void heardSpeech() {
        speechSinceStep = true;
        lastSpeechClock = clockSeconds.getAsDouble();
    }

    /** Seconds of audio received so far. */
    public double receivedSeconds() {
        return receivedSamples / (double) SR;
    }

    /** Runs one policy step over the audio received so far and publishes the update. */
    @Override
    public void step() {
        stepAndGet();
    }

    /** As {@link #step()}, returning the published update. */
    public TranscriptUpdate stepAndGet() {
        if (finished) {
            throw new IllegalStateException("the stream has finished");
        }
        processedSamples = receivedSamples;
        applyActions();
        if (!speechSinceStep) {
            // nothing but silence since the last step: never ask the recogniser to transcribe it
            return publish(List.of(), false);
        }
        speechSinceStep = false;
        PolicyStep result = policy.process();
        tentative = corrector.correct(result.tentative());
        if (result.language() != null) {
            detectedLanguage = result.language();
        }
        return publish(corrector.correct(result.committed()), false);
    }

    /** Ends the stream: the policy commits its tentative tail and the final update is published. */
    @Override
    public void finish() {
        finishAndGet();
    }

    /** As {@link #finish()}, returning the final update. */
    public TranscriptUpdate finishAndGet() {
        if (finished) {
            throw new IllegalStateException("the stream has already finished");
        }
        processedSamples = receivedSamples;
        if (gate != null) {
            actions.addAll(gate.end(voiceActivity.end()));
        }
        applyActions();
        PolicyStep result = policy.finish();
        finished = true;
        tentative = List.of();
        return publish(corrector.correct(result.committed()), true);
    }

    /**
     * Ends the current utterance now and keeps the stream open, as a client's "flush" asks: the audio received so far
     * is transcribed, the policy commits its tentative tail, and one update is published, always (empty when nothing
     * was pending), through {@link StreamListener#onUtteranceFinished}. Audio accepted afterwards starts the next
     * utterance. With voice-activity gating, audio the gate still holds back (its hang-over) is not part of it.
     */
    public void finishUtterance() {
        if (finished) {
            throw new IllegalStateException("the stream has finished");
        }
        processedSamples = receivedSamples;
        applyActions();
        publishNow(closeUtterance(), false, true);
    }

    /** Applies the queued gate decisions to the policy, finalising each utterance that ended. */
    private void applyActions() {
        for (GateAction action; (action = actions.poll()) != null; ) {
            switch (action) {
                case GateAction.Speech speech -> {
                    policy.insertAudio(speech.samples(), 0, speech.samples().length);
                    heardSpeech();
                }
                case GateAction.Silence silence -> {
                    for (int left = silence.samples(); left > 0; left -= ZEROS.length) {
                        policy.insertAudio(ZEROS, 0, Math.min(left, ZEROS.length));
                    }
                }
                case GateAction.Jump jump -> policy.reset(jump.sample() / (double) SR);
                case GateAction.UtteranceEnd end -> endUtterance();
                case GateAction.SilenceLine line -> lineEvents.add(new LineEvent(committed.size(),
                        new TranscriptLine(TranscriptLine.SILENCE, line.startSample() / (double) SR,
                                line.endSample() / (double) SR, "")));
            }
        }
    }

    /** Transcribes what the last step has not seen yet, then commits the utterance's tentative tail. */
    private void endUtterance() {
        List<Word> joined = closeUtterance();
        if (!joined.isEmpty()) {
            publishNow(joined, false, false);
        }
    }

    /** Transcribes what the last step has not seen yet, commits the tentative tail and closes the line. */
    private List<Word> closeUtterance() {
        List<Word> words = new ArrayList<>();
        if (speechSinceStep) {
            words.addAll(policy.process().committed());
            speechSinceStep = false;
        }
        words.addAll(policy.finish().committed());
        tentative = List.of();
        words = corrector.correct(words);
        commit(words);
        lineEvents.add(new LineEvent(committed.size(), null));
        return attribute(words, false);
    }

    /** Frees what the stream holds outside the heap: the voice-activity model state and the speaker stage's. */
    @Override
    public void close() {
        if (voiceActivity != null) {
            voiceActivity.close();
        }
        speakers.close();
    }

    /** All words committed so far, in order, attributed or not. */
    public List<Word> committedWords() {
        return List.copyOf(committed);
    }

    /** All lines so far. */
    public List<TranscriptLine> lines() {
        return lines.lines();
    }

    private void commit(List<Word> words) {
        committed.addAll(words);
    }

    /**
     * Passes newly committed words through the speaker stage and the words it releases into the lines, with the
     * line breaks and silence lines that wait for them.
     *
     * @return the words that joined the lines
     */
    private List<Word> attribute(List<Word> newlyCommitted, boolean last) {
        List<SpokenWord> released = new ArrayList<>(speakers.attribute(newlyCommitted));
        if (last) {
            released.addAll(speakers.flush());
        }
        List<Word> joined = new ArrayList<>(released.size());
        for (SpokenWord w : released) {
            applyLineEvents();
            if (attributed >= committed.size() || !committed.get(attributed).equals(w.word())) {
                throw new IllegalStateException("the speaker stage returned " + w.word()
                        + " out of order: words must come back in the order they were committed, each once");
            }
            lines.add(w);
            joined.add(w.word());
            attributed++;
        }
        applyLineEvents();
        return joined;
    }

    private void applyLineEvents() {
        while (!lineEvents.isEmpty() && lineEvents.peek().afterWords() <= attributed) {
            LineEvent e = lineEvents.poll();
            if (e.silence() == null) {
                lines.closeOpenLine();
            } else {
                lines.addSilence(e.silence().start(), e.silence().end());
            }
        }
    }

    private TranscriptUpdate publish(List<Word> newlyCommitted, boolean last) {
        commit(newlyCommitted);
        List<Word> joined = attribute(newlyCommitted, last);
        if (last) {
            lines.closeOpenLine();
        }
        return publishNow(joined, last, false);
    }

    /** How far the speaker stage's decided time trails the transcript; 0 for a stage that knows at once. */
    private double diarizationLag(double transcribedEnd) {
        double coverage = speakers.coverageSeconds();
        return Double.isInfinite(coverage) ? 0 : Math.max(0, transcribedEnd - coverage);
    }

    private TranscriptUpdate publishNow(List<Word> joined, boolean last, boolean utteranceFinished) {
        double received = receivedSeconds();
        double committedEnd = committed.isEmpty() ? 0 : committed.get(committed.size() - 1).end();
        double processedEnd = processedSamples / (double) SR;
        double transcribedEnd = tentative.isEmpty() ? committedEnd : tentative.get(tentative.size() - 1).end();
        LagFigures lag = new LagFigures(
                Math.max(0, clockSeconds.getAsDouble() - Math.max(committedEnd, transcribedEnd)),
                Math.max(0, received - processedEnd),
                Math.max(0, processedEnd - committedEnd),
                diarizationLag(Math.max(committedEnd, transcribedEnd)));
        List<Word> awaiting = committed.subList(attributed, committed.size());
        TranscriptUpdate update = new TranscriptUpdate(lines.lines(), joined, tentative, awaiting, last, lag,
                detectedLanguage);
        for (StreamListener l : listeners) {
            if (utteranceFinished) {
                l.onUtteranceFinished(update);
            } else {
                l.onUpdate(update);
            }
        }
        return update;
    }
}
