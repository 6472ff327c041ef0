package dev.steno.jitsi.webrtc;

import dev.steno.jitsi.rtp.RecordingSink;

/**
 * How well received audio follows a source that a fake microphone looped from an unknown point: the best envelope
 * correlation ({@link RecordingSink#envelope}, {@link RecordingSink#correlation}) over every start frame of the
 * looped source.
 */
final class EnvelopeMatch {
    private EnvelopeMatch() {
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
