package dev.steno.cli;

import dev.steno.engine.audio.WavReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * What the bench commands stream over {@code /asr}: a recording as 16 kHz mono s16le PCM, the format the web UI's
 * AudioWorklet sends (in 100 ms frames, {@link #FRAME_BYTES}).
 */
final class BenchAudio {
    /** Samples per second of the PCM sent. */
    static final int RATE = 16_000;
    /** One 100 ms frame, as the web UI's worklet posts them. */
    static final int FRAME_BYTES = RATE / 10 * 2;

    private BenchAudio() {
    }

    /** {@code seconds} of the recording, looped from its start as often as needed, as s16le PCM. */
    static byte[] pcm(Path wav, double seconds) throws IOException {
        return pcm(read(wav), (int) (seconds * RATE));
    }

    /** The recording as an endless run of 100 ms frames, for clients that stream it for as long as a run lasts. */
    static Loop loop(Path wav) throws IOException {
        float[] clip = read(wav);
        // the recording once and then its first frame again, so that every frame, the wrapping one too, is one slice
        return new Loop(pcm(clip, clip.length + FRAME_BYTES / 2), clip.length * 2);
    }

    private static float[] read(Path wav) throws IOException {
        float[] clip = WavReader.read(wav).resampledTo(RATE).samples();
        if (clip.length == 0) {
            throw new IOException(wav + " holds no audio");
        }
        return clip;
    }

    private static byte[] pcm(float[] clip, int samples) {
        byte[] pcm = new byte[samples * 2];
        for (int i = 0; i < samples; i++) {
            int v = Math.round(Math.clamp(clip[i % clip.length], -1f, 1f) * 32767);
            pcm[2 * i] = (byte) v;
            pcm[2 * i + 1] = (byte) (v >> 8);
        }
        return pcm;
    }

    /**
     * A recording to be streamed in 100 ms frames over and over.
     *
     * @param bytes  the recording's PCM followed by its first frame
     * @param period the recording's own length in bytes
     */
    record Loop(byte[] bytes, int period) {
        /** Seconds of the recording. */
        double seconds() {
            return period / 2.0 / RATE;
        }

        /** Frame {@code k} of the endless stream (read-only; shared by every client). */
        ByteBuffer frame(long k) {
            int off = (int) (k * FRAME_BYTES % period);
            return ByteBuffer.wrap(bytes, off, FRAME_BYTES).asReadOnlyBuffer();
        }
    }
}
