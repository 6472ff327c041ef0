package dev.steno.engine.session;

import java.util.Arrays;
import java.util.Objects;

/**
 * Lets only speech reach the recogniser, driven by voice-activity events, while keeping every timestamp on the
 * stream's absolute clock.
 *
 * <p>Audio arrives in any chunk size; a detector (Silero through {@code dev.steno.engine.vad}) reports speech start
 * and end at exact absolute sample offsets, some time after the audio itself. The gate therefore keeps the audio it
 * has not yet decided on, plus {@code preRoll} seconds, and tells its {@link Target}:
 * <ul>
 *   <li>speech audio, from {@code preRoll} before a start until its end;</li>
 *   <li>a pause shorter than {@code resetPauseSeconds} between utterances as that many samples of silence, so the
 *   recogniser's window keeps its timing;</li>
 *   <li>a longer pause as a jump: the recogniser's window restarts at the new absolute offset;</li>
 *   <li>a pause longer than {@code silenceLineSeconds} as a silence line;</li>
 *   <li>the end of each utterance, so the policy can finalise it.</li>
 * </ul>
 * Not thread-safe: the session that owns it calls it.
 */
public final class SpeechGate {
    /** What the gate drives; the transcription session implements it. */
    public interface Target {
        /** Speech (or pre-roll) audio to transcribe. */
        void speech(float[] samples, int offset, int length);

        /** A short pause, fed to the recogniser as silence. */
        void silence(int samples);

        /** The recogniser's window restarts at this absolute sample offset (a long pause was skipped). */
        void jumpTo(long absoluteSample);

        /** An utterance ended: finalise it. */
        void utteranceEnd();

        /** A pause long enough to show as a line, from start to end (absolute samples). */
        void silenceLine(long startSample, long endSample);
    }

    /** Feeds the detector that reports speech boundaries back through {@link #speechStarted}/{@link #speechEnded}. */
    public interface Detector {
        void accept(float[] samples, int offset, int length);

        void end();

        /** Frees what the detector holds (native model state); called once the session is done. */
        default void close() {
        }
    }

    private final Target target;
    private final int preRollSamples;
    private final long resetPauseSamples;
    private final long silenceLineSamples;
    private final int holdbackSamples;
    private Detector detector;

    /** Undecided and pre-roll audio: samples [bufferStart, received). */
    private float[] buffer = new float[16000 * 4];
    private long bufferStart;
    private long received;
    /** Where the target's clock stands: everything before was handed over as speech or silence, or jumped over. */
    private long targetAt;
    private boolean speaking;
    /** Where the current utterance's voice starts (after its pre-roll). */
    private long voicedFrom;
    /** End of the previous utterance (0 before the first). */
    private long lastSpeechEnd;

    /**
     * @param sampleRate         samples per second of the audio (16 kHz for Whisper)
     * @param preRollSeconds     audio kept before a detected start (WLK/ufal: 1 s)
     * @param resetPauseSeconds  pauses at least this long restart the recogniser's window (5 s)
     * @param silenceLineSeconds pauses longer than this become silence lines ({@code --pause-segmentation-seconds})
     * @param holdbackSeconds    speech audio younger than this is held back, so that an utterance ends exactly where
     *                           the detector says even though it says so late; must cover the detector's decision
     *                           delay (minimum silence plus one window), or the end falls where the audio was
     */
    public SpeechGate(Target target, int sampleRate, double preRollSeconds, double resetPauseSeconds,
                      double silenceLineSeconds, double holdbackSeconds) {
        this.target = Objects.requireNonNull(target, "target");
        this.holdbackSamples = (int) Math.round(holdbackSeconds * sampleRate);
        this.preRollSamples = (int) Math.round(preRollSeconds * sampleRate);
        this.resetPauseSamples = Math.round(resetPauseSeconds * sampleRate);
        this.silenceLineSamples = Math.round(silenceLineSeconds * sampleRate);
    }

    /** Connects the detector; it must call back into this gate synchronously from its own accept/end. */
    public void attach(Detector d) {
        this.detector = Objects.requireNonNull(d, "detector");
    }

    /** True between a speech start and its end. */
    public boolean speaking() {
        return speaking;
    }

    /** Takes the next audio; events the detector raises are applied before the audio is passed on. */
    public void accept(float[] samples, int offset, int length) {
        append(samples, offset, length);
        detector.accept(samples, offset, length);
        // hand over nothing until some voice is past the hold-back: pre-roll and the detector's start pad alone
        // would make a step transcribe silence
        if (speaking && received - holdbackSamples > voicedFrom + holdbackSamples) {
            emitSpeech(received - holdbackSamples);
        }
        trim();
    }

    /** End of the stream: the detector closes an open utterance. */
    public void end() {
        detector.end();
        if (speaking) {
            speechEnded(received);
        }
    }

    /** Called by the detector: speech starts at this absolute sample. */
    public void speechStarted(long sample) {
        if (speaking) {
            return;
        }
        long from = Math.max(Math.max(bufferStart, targetAt), sample - preRollSamples);
        if (sample - lastSpeechEnd > silenceLineSamples) {
            target.silenceLine(lastSpeechEnd, sample);
        }
        long gap = from - targetAt;
        if (gap >= resetPauseSamples) {
            target.jumpTo(from);
        } else if (gap > 0) {
            target.silence((int) gap);
        }
        targetAt = from;
        voicedFrom = sample;
        speaking = true;
    }

    /** Called by the detector: speech ends at this absolute sample. */
    public void speechEnded(long sample) {
        if (!speaking) {
            return;
        }
        long end = Math.min(Math.max(sample, targetAt), received);
        emitSpeech(end);
        speaking = false;
        lastSpeechEnd = end;
        target.utteranceEnd();
    }

    private void emitSpeech(long upTo) {
        if (upTo <= targetAt) {
            return;
        }
        target.speech(buffer, (int) (targetAt - bufferStart), (int) (upTo - targetAt));
        targetAt = upTo;
    }

    private void append(float[] samples, int offset, int length) {
        int used = (int) (received - bufferStart);
        if (used + length > buffer.length) {
            trim();
            used = (int) (received - bufferStart);
            if (used + length > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, used + length));
            }
        }
        System.arraycopy(samples, offset, buffer, used, length);
        received += length;
    }

    /** Drops audio nothing can ask for again: handed over, or older than the pre-roll while nobody speaks. */
    private void trim() {
        // while silent, a start may still be reported up to the hold-back in the past, and needs its pre-roll
        long keepFrom = speaking ? targetAt : received - preRollSamples - holdbackSamples;
        keepFrom = Math.max(keepFrom, bufferStart);
        int drop = (int) (keepFrom - bufferStart);
        if (drop > 0 && drop >= buffer.length / 4) {
            int used = (int) (received - bufferStart);
            System.arraycopy(buffer, drop, buffer, 0, used - drop);
            bufferStart = keepFrom;
        }
    }

    /** Frees the detector. */
    public void close() {
        if (detector != null) {
            detector.close();
        }
    }

    /** Absolute samples received. */
    public long received() {
        return received;
    }
}
