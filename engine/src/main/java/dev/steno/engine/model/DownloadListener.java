package dev.steno.engine.model;

import java.nio.file.Path;

/**
 * Hears how a model download goes. Calls come on the downloading thread, in order: one {@link #started}, any number
 * of {@link #progress}, then {@link #finished} when the file passed its checks or {@link #failed} when it did not.
 * A download that fails before the server answers calls nothing. Every method does nothing by default.
 */
public interface DownloadListener {
    /** A listener that ignores everything. */
    DownloadListener NONE = new DownloadListener() {
    };

    /**
     * The server answered and bytes are about to flow.
     *
     * @param totalBytes the complete file size, or -1 when the server did not say
     */
    default void started(WhisperModel model, long totalBytes) {
    }

    /**
     * More bytes are on disk.
     *
     * @param doneBytes  bytes of the file on disk so far, including any resumed from an earlier attempt
     * @param totalBytes the complete file size, or -1 when unknown
     */
    default void progress(long doneBytes, long totalBytes) {
    }

    /**
     * The file is complete, checked, and in place under its final name.
     *
     * @param sha256hex the SHA-256 of the file as lower-case hex, computed whether or not one was recorded
     */
    default void finished(Path path, String sha256hex) {
    }

    /**
     * The download failed after {@link #started}; the exception is about to be thrown to the caller. Lets a console
     * listener end its progress line so the error starts on a fresh one.
     */
    default void failed(ModelDownloadException error) {
    }
}
