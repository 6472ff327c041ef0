package dev.steno.engine.diarization;

/**
 * One configured diarization backend: holds what all its streams share (a loaded model, thresholds) and makes one
 * {@link Diarizer} per stream. Thread-safe; closing it frees the shared model once no stream uses it any more is the
 * caller's duty.
 */
public interface DiarizerFactory extends AutoCloseable {
    /** The backend's name as the command line spells it ({@code baseline}, {@code sortformer}, {@code diart}). */
    String name();

    /** A fresh diarizer for one stream. */
    Diarizer newDiarizer();

    /** Frees the shared model; the default holds none. */
    @Override
    default void close() {
    }
}
