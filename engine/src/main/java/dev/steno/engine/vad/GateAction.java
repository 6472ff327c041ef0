package dev.steno.engine.vad;

import java.util.Objects;

/**
 * What a {@link SpeechGate} decided the recogniser's side should do with the audio, in stream order. Sample
 * offsets are absolute: the first sample of the stream is 0.
 */
public sealed interface GateAction {
    /** Speech (or its pre-roll) to transcribe; the samples are the action's own copy. */
    record Speech(float[] samples) implements GateAction {
        public Speech {
            Objects.requireNonNull(samples, "samples");
        }
    }

    /** A short pause between utterances, to be fed to the recogniser as this many samples of silence. */
    record Silence(int samples) implements GateAction {
    }

    /** A long pause was skipped: the recogniser's window restarts at this absolute sample. */
    record Jump(long sample) implements GateAction {
    }

    /** An utterance ended at this absolute sample: finalise it. */
    record UtteranceEnd(long sample) implements GateAction {
    }

    /** A pause long enough to show as its own line, from start to end (absolute samples). */
    record SilenceLine(long startSample, long endSample) implements GateAction {
    }
}
