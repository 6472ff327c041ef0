package dev.steno.engine.session;

import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.policy.PolicyStep;
import dev.steno.engine.policy.StreamingPolicy;
import dev.steno.engine.transcript.LagFigures;
import dev.steno.engine.transcript.LineAssembler;
import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.engine.transcript.Word;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * One live stream's pipeline: 16 kHz audio in, transcript updates out, through a streaming policy.
 *
 * <p>Not thread-safe: one owner feeds audio and runs steps (a scheduler, the command line). The policy's recogniser
 * may be shared with other sessions.
 *
 * <p>Time is measured on two clocks. Stream time is seconds of audio since the session started; the session clock
 * ({@code clockSeconds}) is wall time since the session started in live use, or a simulated clock when a file is fed
 * faster than real time. Lag figures compare the two.
 */
public final class TranscriptionSession implements AutoCloseable {
    private final StreamingPolicy policy;
    private final Consumer<TranscriptUpdate> sink;
    private final DoubleSupplier clockSeconds;
    private final LineAssembler lines;
    private final List<Word> committed = new ArrayList<>();
    private long receivedSamples;
    private long processedSamples;
    private List<Word> tentative = List.of();
    private boolean finished;
    /** Null without voice-activity gating: then every sample reaches the policy. */
    private SpeechGate gate;
    /** Speech reached the policy since its last step: a step without it would only transcribe silence. */
    private boolean speechSinceStep;
    private static final float[] ZEROS = new float[1600];

    /**
     * @param policy       the streaming policy; owned by this session from now on
     * @param speaker      speaker number for the lines ({@link TranscriptLine#UNKNOWN_SPEAKER} without attribution)
     * @param sink         receives every update, on the thread that runs the step
     * @param clockSeconds the session clock, see the class comment
     */
    public TranscriptionSession(StreamingPolicy policy, int speaker, Consumer<TranscriptUpdate> sink,
                                DoubleSupplier clockSeconds) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clockSeconds = Objects.requireNonNull(clockSeconds, "clockSeconds");
        this.lines = new LineAssembler(speaker);
    }

    /**
     * Puts a voice-activity gate in front of the policy: only speech (with pre-roll) is transcribed, utterances are
     * finalised when speech ends, long pauses restart the window and become silence lines. Call before any audio.
     *
     * @param detectorFactory builds the detector that reports speech boundaries back into the given gate
     */
    public void gateWith(double preRollSeconds, double resetPauseSeconds, double silenceLineSeconds,
                         double holdbackSeconds,
                         java.util.function.Function<SpeechGate, SpeechGate.Detector> detectorFactory) {
        if (receivedSamples > 0) {
            throw new IllegalStateException("the gate must be set before audio arrives");
        }
        gate = new SpeechGate(new GateTarget(), SpeechRecognizer.SAMPLE_RATE, preRollSeconds, resetPauseSeconds,
                silenceLineSeconds, holdbackSeconds);
        gate.attach(detectorFactory.apply(gate));
    }

    /** Appends 16 kHz mono audio. */
    public void addAudio(float[] samples, int offset, int length) {
        if (finished) {
            throw new IllegalStateException("the session has finished; start a new one");
        }
        Objects.checkFromIndexSize(offset, length, samples.length);
        receivedSamples += length;
        if (gate == null) {
            policy.insertAudio(samples, offset, length);
            speechSinceStep = true;
        } else {
            gate.accept(samples, offset, length);
        }
    }

    /** Applies the gate's decisions to the policy and the lines. */
    private final class GateTarget implements SpeechGate.Target {
        @Override
        public void speech(float[] samples, int offset, int length) {
            policy.insertAudio(samples, offset, length);
            speechSinceStep = true;
        }

        @Override
        public void silence(int samples) {
            for (int left = samples; left > 0; left -= ZEROS.length) {
                policy.insertAudio(ZEROS, 0, Math.min(left, ZEROS.length));
            }
        }

        @Override
        public void jumpTo(long absoluteSample) {
            policy.reset(absoluteSample / (double) SpeechRecognizer.SAMPLE_RATE);
        }

        @Override
        public void utteranceEnd() {
            // transcribe what the last step has not seen yet, then commit the utterance's tentative tail
            List<Word> words = new ArrayList<>();
            if (speechSinceStep) {
                words.addAll(policy.process().committed());
                speechSinceStep = false;
            }
            words.addAll(policy.finish().committed());
            lines.add(words);
            lines.closeOpenLine();
            committed.addAll(words);
            tentative = List.of();
            if (!words.isEmpty()) {
                publishNow(words, false);
            }
        }

        @Override
        public void silenceLine(long startSample, long endSample) {
            lines.addSilence(startSample / (double) SpeechRecognizer.SAMPLE_RATE,
                    endSample / (double) SpeechRecognizer.SAMPLE_RATE);
        }
    }

    /** Seconds of audio received but not yet processed by a step. */
    public double pendingSeconds() {
        return (receivedSamples - processedSamples) / (double) SpeechRecognizer.SAMPLE_RATE;
    }

    /** Seconds of audio received so far. */
    public double receivedSeconds() {
        return receivedSamples / (double) SpeechRecognizer.SAMPLE_RATE;
    }

    /** Runs one policy step over the audio received so far and publishes the update. */
    public TranscriptUpdate step() {
        if (finished) {
            throw new IllegalStateException("the session has finished");
        }
        processedSamples = receivedSamples;
        if (!speechSinceStep) {
            // nothing but silence since the last step: never ask the recogniser to transcribe it
            return publish(new PolicyStep(List.of(), tentative), false);
        }
        speechSinceStep = false;
        PolicyStep result = policy.process();
        return publish(result, false);
    }

    /** Ends the stream: the policy commits its tentative tail and the final update is published. */
    public TranscriptUpdate finish() {
        if (finished) {
            throw new IllegalStateException("the session has already finished");
        }
        processedSamples = receivedSamples;
        if (gate != null) {
            gate.end();
        }
        PolicyStep result = policy.finish();
        finished = true;
        return publish(result, true);
    }

    /** Frees what the session holds outside the heap (the voice-activity detector's model state). */
    @Override
    public void close() {
        if (gate != null) {
            gate.close();
        }
    }

    /** All words committed so far, in order. */
    public List<Word> committedWords() {
        return List.copyOf(committed);
    }

    /** All committed lines so far. */
    public List<TranscriptLine> lines() {
        return lines.lines();
    }

    private TranscriptUpdate publish(PolicyStep result, boolean last) {
        committed.addAll(result.committed());
        lines.add(result.committed());
        if (last) {
            lines.closeOpenLine();
        }
        tentative = last ? List.of() : result.tentative();
        return publishNow(result.committed(), last);
    }

    private TranscriptUpdate publishNow(List<Word> newlyCommitted, boolean last) {
        double received = receivedSeconds();
        double committedEnd = committed.isEmpty() ? 0 : committed.get(committed.size() - 1).end();
        double processedEnd = processedSamples / (double) SpeechRecognizer.SAMPLE_RATE;
        double transcribedEnd = tentative.isEmpty() ? committedEnd : tentative.get(tentative.size() - 1).end();
        LagFigures lag = new LagFigures(
                Math.max(0, clockSeconds.getAsDouble() - Math.max(committedEnd, transcribedEnd)),
                Math.max(0, received - processedEnd),
                Math.max(0, processedEnd - committedEnd));
        TranscriptUpdate update = new TranscriptUpdate(lines.lines(), newlyCommitted, tentative, last, lag);
        sink.accept(update);
        return update;
    }
}
