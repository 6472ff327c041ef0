package dev.steno.engine.policy;

import dev.steno.engine.asr.SpeechRecognizer;
import java.util.Arrays;
import java.util.Objects;

/**
 * The 16 kHz audio a streaming policy still works on, and where it starts in the stream: appended at the end, cut at
 * the front as text is committed, emptied at the end of an utterance.
 *
 * <p>The start is kept in whole samples, so that repeated cuts cannot drift away from the audio. The samples live in
 * one array that grows (at least doubling) when an append does not fit and is never shrunk, so a stream in steady
 * state appends and cuts without allocating; {@link #samples()} hands it out without copying. Not thread-safe.
 */
public final class AudioWindow {
    /** Samples per second. */
    public static final int SAMPLE_RATE = SpeechRecognizer.SAMPLE_RATE;

    private float[] audio;
    private int length;
    private long startSample;

    /** An empty window at stream time 0 with room for {@code initialCapacity} samples. */
    public AudioWindow(int initialCapacity) {
        this.audio = new float[initialCapacity];
    }

    /** Appends {@code samples[offset, offset + count)}. */
    public void append(float[] samples, int offset, int count) {
        Objects.checkFromIndexSize(offset, count, samples.length);
        if (length + count > audio.length) {
            audio = Arrays.copyOf(audio, Math.max(audio.length * 2, length + count));
        }
        System.arraycopy(samples, offset, audio, length, count);
        length += count;
    }

    /**
     * Drops the first {@code count} samples (at most all of them); the start moves on by as many.
     *
     * @return the samples dropped
     */
    public int dropFront(int count) {
        int drop = Math.clamp(count, 0, length);
        if (drop > 0) {
            System.arraycopy(audio, drop, audio, 0, length - drop);
            length -= drop;
            startSample += drop;
        }
        return drop;
    }

    /**
     * Drops the audio before {@code seconds} of stream time (rounded to the nearest sample, at most all of it).
     *
     * @return whether anything was dropped: false when {@code seconds} is at or before the start
     */
    public boolean cutAt(double seconds) {
        long target = Math.min(Math.round(seconds * SAMPLE_RATE), startSample + length);
        return target > startSample && dropFront((int) (target - startSample)) > 0;
    }

    /** Empties the window; the start moves to where its audio ended. */
    public void consumeAll() {
        startSample += length;
        length = 0;
    }

    /** Empties the window and moves its start to {@code seconds} of stream time (rounded to the nearest sample). */
    public void reset(double seconds) {
        length = 0;
        startSample = Math.round(seconds * SAMPLE_RATE);
    }

    /** The backing array: samples {@code [0, length())} are the window; the rest is spare room. Do not keep it. */
    public float[] samples() {
        return audio;
    }

    /** A copy of the window's samples. */
    public float[] copy() {
        return Arrays.copyOf(audio, length);
    }

    /** Samples in the window. */
    public int length() {
        return length;
    }

    /** Stream sample at which the window starts. */
    public long startSample() {
        return startSample;
    }

    /** Stream time at which the window starts. */
    public double startSeconds() {
        return startSample / (double) SAMPLE_RATE;
    }

    /** Length of the window in seconds. */
    public double seconds() {
        return length / (double) SAMPLE_RATE;
    }
}
