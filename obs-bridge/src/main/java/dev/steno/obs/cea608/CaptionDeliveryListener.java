package dev.steno.obs.cea608;

import dev.steno.engine.transcript.Word;

/**
 * Hears what became of each committed word. Called on the thread that pulls pairs, with the sink's lock held:
 * keep it short.
 */
public interface CaptionDeliveryListener {
    /**
     * The word is on the wire: for roll-up, its last character's pair left in {@code sentFrame}; for pop-on, the
     * end-of-caption that shows it did.
     */
    default void sent(Word word, long queuedFrame, long sentFrame) {
    }

    /** The word was dropped unsent because speech outran the channel. */
    default void dropped(Word word, long queuedFrame, long frame) {
    }
}
