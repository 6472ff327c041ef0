package dev.steno.engine.speaker;

import dev.steno.engine.transcript.SpokenWord;
import dev.steno.engine.transcript.Word;
import dev.steno.engine.vad.VadEvent;
import java.util.List;

/**
 * The stream pipeline's speaker stage: attributes committed words to speakers, between the streaming policy and the
 * line assembly.
 *
 * <p>It hears the same audio, on the same clock (16 kHz samples from the stream's start), as the policy, with the
 * voice-activity events decided on it; and it may lag the policy: a word whose speaker is not known yet is held and
 * returned by a later call. Words come back in the order they went in, each exactly once, and a returned word's
 * speaker never changes.
 *
 * <p>Not thread-safe: the stream that owns it calls it from one thread at a time.
 */
public interface SpeakerStage extends AutoCloseable {
    /**
     * Hears the stream's next audio.
     *
     * @param voiceActivity the speech start and end events decided on this audio (may point back a little); empty
     *                      when the stream runs without voice-activity detection
     */
    default void accept(float[] samples16k, int offset, int length, List<VadEvent> voiceActivity) {
    }

    /**
     * Takes newly committed words and returns those whose speaker is now known, in order: held words first, then
     * any of these.
     */
    List<SpokenWord> attribute(List<Word> committed);

    /** End of the stream: every held word, attributed as well as the stage can. */
    List<SpokenWord> flush();

    /**
     * Seconds of the stream up to which speakers are decided ({@code remaining_time_diarization} is the transcript's
     * end minus this); infinite for stages that know at once.
     */
    default double coverageSeconds() {
        return Double.POSITIVE_INFINITY;
    }

    /** Frees what the stage holds outside the heap; the default holds nothing. */
    @Override
    default void close() {
    }
}
