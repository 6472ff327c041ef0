package dev.steno.jitsi.webrtc;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.audio.WavReader;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.jitsi.rtp.RecordingSink;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How well received audio follows a source that a fake microphone looped from an unknown point: the best envelope
 * correlation ({@link RecordingSink#envelope}, {@link RecordingSink#correlation}) over every start frame of the
 * looped source.
 */
final class EnvelopeMatch {
    private EnvelopeMatch() {
    }

    /**
     * Asserts that a publisher's decoded audio is the WAV it sent: envelope correlation above 0.8 with it, and 0.3
     * above the correlation with another recording (the control, so the check can tell). Prints the figures.
     *
     * @param who names the publisher in the printed line
     */
    static void assertFollows(RecordingSink.Track track, Path wav, String who) throws IOException {
        assertNull(track.error);
        float[] source = WavReader.read(wav).resampledTo(16_000).samples();
        float[] other = WavReader.read(SharedFixtures.file("audio/librispeech/6930-75918-0000.wav"))
                .resampledTo(16_000).samples();
        double own = best(track.audio(), source);
        double control = best(track.audio(), other);
        System.out.printf(Locale.ROOT, "WHIP from %s: %d samples, %d lost; envelope correlation with the source "
                + "%.3f, with another recording %.3f%n", who, track.length, track.losses, own, control);
        assertTrue(own > 0.8, "the decoded audio follows the sent file: " + own);
        assertTrue(own > control + 0.3, "and not another recording: " + control);
    }

    static double best(float[] received, float[] source) {
        double[] r = RecordingSink.envelope(received);
        double[] s = RecordingSink.envelope(source);
        double best = -1;
        for (int lag = 0; lag < s.length; lag++) {
            double[] looped = new double[r.length];
            for (int i = 0; i < r.length; i++) {
                looped[i] = s[(lag + i) % s.length];
            }
            best = Math.max(best, RecordingSink.correlation(r, looped));
        }
        return best;
    }
}
