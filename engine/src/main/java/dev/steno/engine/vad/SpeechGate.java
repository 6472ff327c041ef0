package dev.steno.engine.vad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Lets only speech reach the recogniser, driven by voice-activity events, while keeping every timestamp on the
 * stream's absolute clock.
 *
 * <p>Audio arrives in any chunk size together with the {@link VadEvent}s a {@link VoiceActivityController} decided
 * on it; a detector reports speech start and end at exact absolute sample offsets, some time after the audio itself.
 * The gate therefore keeps the audio it has not yet decided on, plus {@code preRoll} seconds, and answers each call
 * with {@link GateAction}s, in stream order:
 * <ul>
 *   <li>{@link GateAction.Speech}: speech audio, from {@code preRoll} before a start until its end;</li>
 *   <li>{@link GateAction.Silence}: a pause shorter than {@code resetPauseSeconds} between utterances, so the
 *   recogniser's window keeps its timing;</li>
 *   <li>{@link GateAction.Jump}: a longer pause; the recogniser's window restarts at the new absolute offset;</li>
 *   <li>{@link GateAction.SilenceLine}: a pause longer than {@code silenceLineSeconds};</li>
 *   <li>{@link GateAction.UtteranceEnd}: the end of each utterance, so the policy can finalise it.</li>
 * </ul>
 * Not thread-safe: the stream that owns it calls it.
 */
public final class SpeechGate {
    private final int preRollSamples;
    private final long resetPauseSamples;
    private final long silenceLineSamples;
    private final int holdbackSamples;
    /** The actions of the current call; handed out, then cleared at the start of the next call. */
    private final List<GateAction> actions = new ArrayList<>();
    private final List<GateAction> actionsView = Collections.unmodifiableList(actions);

    /** Undecided and pre-roll audio: samples [bufferStart, received). */
    private float[] buffer = new float[16000 * 4];
    private long bufferStart;
    private long received;
    /** Where the recogniser's clock stands: everything before was handed over as speech or silence, or jumped over. */
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
    public SpeechGate(int sampleRate, double preRollSeconds, double resetPauseSeconds, double silenceLineSeconds,
                      double holdbackSeconds) {
        this.holdbackSamples = (int) Math.round(holdbackSeconds * sampleRate);
        this.preRollSamples = (int) Math.round(preRollSeconds * sampleRate);
        this.resetPauseSamples = Math.round(resetPauseSeconds * sampleRate);
        this.silenceLineSamples = Math.round(silenceLineSeconds * sampleRate);
    }

    /** True between a speech start and its end. */
    public boolean speaking() {
        return speaking;
    }

    /**
     * Takes the next audio and the events the detector decided on it (those of the same call; they may point back
     * into earlier audio, within the hold-back).
     *
     * @return what to do, in stream order; a read-only view valid until the next call
     */
    public List<GateAction> accept(float[] samples, int offset, int length, List<VadEvent> events) {
        actions.clear();
        append(samples, offset, length);
        apply(events);
        // hand over nothing until some voice is past the hold-back: pre-roll and the detector's start pad alone
        // would make a step transcribe silence
        if (speaking && received - holdbackSamples > voicedFrom + holdbackSamples) {
            emitSpeech(received - holdbackSamples);
        }
        trim();
        return actionsView;
    }

    /**
     * End of the stream: applies the detector's last events (those of its own end) and closes an open utterance.
     *
     * @return what to do, in stream order; a read-only view valid until the next call
     */
    public List<GateAction> end(List<VadEvent> events) {
        actions.clear();
        apply(events);
        if (speaking) {
            speechEnded(received);
        }
        return actionsView;
    }

    private void apply(List<VadEvent> events) {
        for (VadEvent e : events) {
            if (e.isStart()) {
                speechStarted(e.sample());
            } else {
                speechEnded(e.sample());
            }
        }
    }

    /** Speech starts at this absolute sample. */
    private void speechStarted(long sample) {
        if (speaking) {
            return;
        }
        long from = Math.max(Math.max(bufferStart, targetAt), sample - preRollSamples);
        if (sample - lastSpeechEnd > silenceLineSamples) {
            actions.add(new GateAction.SilenceLine(lastSpeechEnd, sample));
        }
        long gap = from - targetAt;
        if (gap >= resetPauseSamples) {
            actions.add(new GateAction.Jump(from));
        } else if (gap > 0) {
            actions.add(new GateAction.Silence((int) gap));
        }
        targetAt = from;
        voicedFrom = sample;
        speaking = true;
    }

    /** Speech ends at this absolute sample. */
    private void speechEnded(long sample) {
        if (!speaking) {
            return;
        }
        long end = Math.min(Math.max(sample, targetAt), received);
        emitSpeech(end);
        speaking = false;
        lastSpeechEnd = end;
        actions.add(new GateAction.UtteranceEnd(end));
    }

    private void emitSpeech(long upTo) {
        if (upTo <= targetAt) {
            return;
        }
        int from = (int) (targetAt - bufferStart);
        actions.add(new GateAction.Speech(Arrays.copyOfRange(buffer, from, from + (int) (upTo - targetAt))));
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

    /** Absolute samples received. */
    public long received() {
        return received;
    }
}
