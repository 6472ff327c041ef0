package dev.steno.obs.source;

import dev.steno.engine.audio.AudioSink;
import java.io.IOException;

/** Live audio for the bridge: 16 kHz mono samples pushed to a sink until the source ends or is closed. */
public interface AudioSource extends AutoCloseable {
    /** A short description for logs ("microphone 'USB Audio'", "stdin"). */
    String describe();

    /**
     * Reads until the audio ends (end of input) or {@link #close()} is called, pushing 16 kHz mono samples to
     * {@code sink} on the calling thread.
     *
     * @throws IOException when the device or stream fails
     */
    void run(AudioSink sink) throws IOException;

    /**
     * As {@link #run(AudioSink)}, also running {@code breakInAudio} when the audio stops and may resume much later
     * (a relay whose publisher disconnected), so that the words heard so far are committed instead of waiting for
     * more speech. Sources without such breaks ignore it.
     */
    default void run(AudioSink sink, Runnable breakInAudio) throws IOException {
        run(sink);
    }

    /** Stops {@link #run} soon; safe from any thread. */
    @Override
    void close();
}
