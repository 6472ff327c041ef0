package dev.steno.engine.diarization;

import dev.steno.engine.vad.VadEvent;
import java.util.List;

/**
 * Decides who speaks when in one stream, as the audio arrives.
 *
 * <p>The contract is append-only: a segment, once returned, is never changed or withdrawn, and no later segment
 * starts before the {@link #coverage()} in force when it was returned. Segments of different speakers may overlap
 * each other (overlapped speech). Time in {@code [0, coverage())} is decided: any speech there has been
 * returned; silence there has no segment.
 *
 * <p>Not thread-safe: one stream calls it from one thread at a time. One diarizer per stream; what streams share
 * (models, sessions) belongs to the {@link DiarizerFactory}.
 */
public interface Diarizer extends AutoCloseable {
    /**
     * Hears the stream's next 16 kHz mono audio.
     *
     * @param voiceActivity the voice-activity events decided on this audio (they may point back a little); empty
     *                      when the stream runs without voice-activity detection, in which case the diarizer
     *                      decides for itself what is speech
     * @return the segments decided by this call, in order of start
     */
    List<SpeakerSegment> accept(float[] samples16k, int offset, int length, List<VadEvent> voiceActivity);

    /** End of the stream: decides the rest of the audio and returns the last segments; coverage reaches the end. */
    List<SpeakerSegment> finish();

    /** Seconds from the stream's start up to which everything is decided. */
    double coverage();

    /** Frees per-stream state held outside the heap; the default holds none. */
    @Override
    default void close() {
    }
}
