package dev.steno.cli.failover;

import dev.steno.jitsi.testing.Audio;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

/**
 * One participant of the failover test: it says one word (a tone burst the tone recogniser names after its pitch)
 * every {@value #PERIOD} seconds, in real time, for as long as the test runs. The client sends its audio in ticks of
 * {@value #TICK_MILLIS} ms; a burst counts as said on a connection when all of it went out on that connection, and
 * the moment its first sample went out places it on the meeting clock, so that stored words can be matched to it.
 */
final class Speaker {
    static final double PERIOD = 1.7;
    static final double TONE = 0.5;
    static final int TICK_MILLIS = 100;
    /** Longest test run: the audio loops after it. */
    static final int BURSTS = 80;
    private static final long TICK_SAMPLES = 16L * TICK_MILLIS;
    private static final long PERIOD_SAMPLES = Math.round(PERIOD * 16_000);
    private static final long TONE_SAMPLES = Math.round(TONE * 16_000);

    final String id;
    final double pitch;
    /** The whole run at 16 kHz; the 48 kHz Opus packets of it when the client sends Opus. */
    final float[] pcm16k;
    final List<byte[]> opus48k;
    /** Burst number to the burst as sent. */
    final Map<Integer, SentBurst> sent = new ConcurrentHashMap<>();

    /**
     * A burst: its start (epoch ms) as it went out, on which connection of the client it began and on which it ended
     * (0: while disconnected), and whether all of it went out on one connection.
     */
    record SentBurst(int burst, long startMillis, int epoch, int lastEpoch, boolean whole) {
        /** True when part of the burst went out on connection {@code e}. */
        boolean on(int e) {
            return e > 0 && (epoch == e || lastEpoch == e);
        }
    }

    Speaker(String id, double pitch, boolean opus) {
        this.id = id;
        this.pitch = pitch;
        this.pcm16k = Audio.bursts(16_000, pitch, BURSTS, TONE, PERIOD - TONE);
        this.opus48k = opus ? Audio.opus(Audio.bursts(48_000, pitch, BURSTS, TONE, PERIOD - TONE)) : List.of();
    }


    /**
     * Notes which bursts the tick {@code tick} carried: sent on connection {@code epoch} (0: not sent, the client
     * was disconnected), whose first tick, {@code epochTick}, went out at {@code epochMillis}. A burst's moment is
     * where the server puts it: the connection's start plus the audio sent on it before the burst.
     */
    void account(long tick, int epoch, long epochTick, long epochMillis) {
        long from = tick * TICK_SAMPLES;
        long to = from + TICK_SAMPLES;
        for (long k = from / PERIOD_SAMPLES; k * PERIOD_SAMPLES < to; k++) {
            long start = k * PERIOD_SAMPLES;
            if (start + TONE_SAMPLES <= from || k >= BURSTS) {
                continue;
            }
            int burst = (int) k;
            SentBurst previous = sent.get(burst);
            if (start >= from) { // the burst begins in this tick
                long startMillis = epochMillis + (start - epochTick * TICK_SAMPLES) / 16;
                sent.put(burst, new SentBurst(burst, startMillis, epoch, epoch, epoch > 0));
            } else if (previous != null && previous.lastEpoch() != epoch) {
                sent.put(burst, new SentBurst(burst, previous.startMillis(), previous.epoch(),
                        epoch > 0 ? epoch : previous.lastEpoch(), false));
            }
        }
    }

    /** 16 kHz samples of tick {@code tick} (looping after the run). */
    float[] tick16k(long tick) {
        int n = (int) TICK_SAMPLES;
        float[] out = new float[n];
        int from = (int) ((tick * n) % pcm16k.length);
        for (int i = 0; i < n; i++) {
            out[i] = pcm16k[(from + i) % pcm16k.length];
        }
        return out;
    }

    /** The Opus packets (20 ms each) of tick {@code tick}. */
    List<byte[]> tickOpus(long tick) {
        int per = TICK_MILLIS / 20;
        int from = (int) ((tick * per) % opus48k.size());
        return opus48k.subList(from, Math.min(opus48k.size(), from + per));
    }
}
