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

    /** Stops {@link #run} soon; safe from any thread. */
    @Override
    void close();
}
