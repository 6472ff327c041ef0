package dev.steno.jitsi.rtp;

import dev.steno.engine.audio.PcmAudio;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.testing.SharedFixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/** Shared speech, at 48 kHz for the encoder. */
final class SpeechFixture {
    private SpeechFixture() {
    }

    static Path jfk() {
        return SharedFixtures.file("audio/jfk.wav");
    }

    static Path librispeech() {
        return SharedFixtures.file("audio/librispeech/6930-75918-0000.wav");
    }

    /** The first {@code seconds} of a fixture at 48 kHz mono. */
    static float[] at48k(Path wav, double seconds) throws IOException {
        PcmAudio a = WavReader.read(wav).resampledTo(48_000);
        return Arrays.copyOf(a.samples(), (int) Math.min(a.samples().length, seconds * 48_000));
    }
}
