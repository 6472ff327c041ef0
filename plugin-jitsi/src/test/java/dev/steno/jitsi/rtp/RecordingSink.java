package dev.steno.jitsi.rtp;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Keeps each participant's audio, counts losses and ends; checks that calls for a participant never overlap. */
public final class RecordingSink implements ParticipantAudioSink {
    /** One participant's recording. */
    public static final class Track {
        float[] samples = new float[16_000];
        public int length;
        public int losses;
        public boolean started;
        public boolean ended;
        boolean inCall;
        public String error;

        /** The audio so far. */
        public synchronized float[] audio() {
            return Arrays.copyOf(samples, length);
        }
    }

    public final Map<String, Track> tracks = new ConcurrentHashMap<>();
    private final CountDownLatch ends;

    public RecordingSink(int expectedEnds) {
        ends = new CountDownLatch(expectedEnds);
    }

    Track track(String participant) {
        return tracks.computeIfAbsent(participant, k -> new Track());
    }

    @Override
    public void start(RtpParticipant p) {
        track(p.participantId()).started = true;
    }

    @Override
    public void audio(RtpParticipant p, float[] pcm, int off, int len) {
        Track t = track(p.participantId());
        synchronized (t) {
            if (t.inCall || t.ended) {
                t.error = "overlapping or late audio call";
            }
            t.inCall = true;
            if (t.length + len > t.samples.length) {
                t.samples = Arrays.copyOf(t.samples, Math.max(t.samples.length * 2, t.length + len));
            }
            System.arraycopy(pcm, off, t.samples, t.length, len);
            t.length += len;
            t.inCall = false;
        }
    }

    @Override
    public void loss(RtpParticipant p, int lostPackets) {
        Track t = track(p.participantId());
        synchronized (t) {
            t.losses += lostPackets;
        }
    }

    @Override
    public void end(RtpParticipant p) {
        Track t = track(p.participantId());
        synchronized (t) {
            t.ended = true;
        }
        ends.countDown();
    }

    public boolean awaitEnds(long seconds) throws InterruptedException {
        return ends.await(seconds, TimeUnit.SECONDS);
    }

    /** RMS per 20 ms frame. */
    public static double[] envelope(float[] s) {
        double[] e = new double[s.length / 320];
        for (int f = 0; f < e.length; f++) {
            double sum = 0;
            for (int i = 0; i < 320; i++) {
                sum += s[f * 320 + i] * s[f * 320 + i];
            }
            e[f] = Math.sqrt(sum / 320);
        }
        return e;
    }

    /** Pearson correlation over the common length. */
    public static double correlation(double[] a, double[] b) {
        int n = Math.min(a.length, b.length);
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= n;
        mb /= n;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < n; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }
}
