package dev.steno.jitsi.rtp;

import dev.steno.engine.vad.SileroVadModel;
import dev.steno.engine.vad.VadStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Ingest capacity: how many participant streams (RTP parsing, jitter buffer, Opus decoding, 48 to 16 kHz resampling
 * and, optionally, Silero VAD on every 32 ms window; no ASR) this machine keeps up with in real time.
 *
 * <p>Speech is encoded once with Concentus into 20 ms RTP packets; each stream gets its own SSRC. The benchmark thread
 * plays the receive thread and calls {@link RtpIngest#handle} (kernel UDP is left out), the ingest's decode workers
 * do the rest. Two modes:
 * <ul>
 * <li>throughput: one packet per stream per round, as fast as the workers drain them (at most 16 packets queued per
 *     stream); {@code capacity = streams x audio seconds / wall seconds}, the streams sustainable in real time when
 *     the work is CPU bound.</li>
 * <li>paced: a round every 20 ms of wall time, as live senders do; reports how far the slowest stream's decoded
 *     audio fell behind what was sent (a sustained load stays within a few packets).</li>
 * </ul>
 */
public final class IngestBenchmark {
    /** One measurement. */
    public record Result(int streams, boolean paced, double audioSeconds, double wallSeconds, double cpuSeconds,
                         double maxLagSeconds, long drops, double speechFraction) {
        /** Audio seconds per wall second, per stream. */
        public double speed() {
            return audioSeconds / wallSeconds;
        }

        /** Streams sustainable in real time at this speed. */
        public double capacity() {
            return streams * speed();
        }

        /**
         * Streams the machine's cores would sustain if this process had them to itself: audio-seconds of all streams
         * per CPU-second used, times the number of cores. On a machine shared with other work this is the fairer
         * figure; on an idle one it matches {@link #capacity()} when the work is CPU bound.
         */
        public double cpuCapacity() {
            return streams * audioSeconds / cpuSeconds * Runtime.getRuntime().availableProcessors();
        }

        /** A table row (see {@link #HEADER}). */
        public String row() {
            return String.format(Locale.ROOT, "%7d  %-10s  %7.1f  %6.2f  %6.2f  %8.1f  %12.1f  %9.3f  %5d  %6.2f",
                    streams, paced ? "paced" : "throughput", audioSeconds, wallSeconds, cpuSeconds, capacity(),
                    cpuCapacity(), maxLagSeconds, drops, speechFraction);
        }
    }

    /** Column names of {@link Result#row}. */
    public static final String HEADER =
            "streams  mode        audio-s  wall-s   cpu-s  capacity  cpu-capacity  max-lag-s  drops  speech";

    private static final long BASE_SSRC = 0x10000;

    private final float[] speech48k;
    private final SileroVadModel vad;
    private final int workers;

    /**
     * @param speech48k audio each stream sends (48 kHz mono)
     * @param vad       the VAD run on every stream's output, or null for none
     * @param workers   decode workers
     */
    public IngestBenchmark(float[] speech48k, SileroVadModel vad, int workers) {
        this.speech48k = speech48k;
        this.vad = vad;
        this.workers = workers;
    }

    /** Runs {@code streams} streams through the ingest. */
    public Result run(int streams, boolean paced) throws InterruptedException {
        List<byte[]> template = RtpOpusPacketizer.encode(speech48k, BASE_SSRC, 111, 0, 0, 32_000, true);
        int rounds = template.size();
        byte[][][] packets = new byte[streams][rounds][];
        List<RtpMapping> rules = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            long ssrc = BASE_SSRC + s;
            rules.add(new RtpMapping("bench", "p" + s, ssrc, null, null, null));
            for (int r = 0; r < rounds; r++) {
                byte[] p = template.get(r).clone();
                p[8] = (byte) (ssrc >>> 24);
                p[9] = (byte) (ssrc >>> 16);
                p[10] = (byte) (ssrc >>> 8);
                p[11] = (byte) ssrc;
                packets[s][r] = p;
            }
        }
        VadSink sink = new VadSink(streams);
        RtpConfig config = RtpConfig.defaults().withPorts(List.of(5004)).withLimits(streams, 16).withWorkers(workers)
                .withIdleTimeout(Duration.ofMinutes(10));
        double maxLag = 0;
        long start;
        long end;
        RtpIngest ingest = new RtpIngest(config, new ParticipantMap(rules), sink, System::nanoTime);
        try {
            start = System.nanoTime();
            long cpuStart = processCpuNanos();
            for (int r = 0; r < rounds; r++) {
                if (paced) {
                    long due = start + r * 20_000_000L;
                    while (System.nanoTime() < due) {
                        LockSupport.parkNanos(due - System.nanoTime());
                    }
                    maxLag = Math.max(maxLag, (r - 1) * 0.02 - sink.minSeconds());
                } else {
                    // Keep at most 16 packets queued per stream: the jitter window is 64.
                    while (sink.minSeconds() < (r - 16) * 0.02) {
                        LockSupport.parkNanos(100_000);
                    }
                }
                for (int s = 0; s < streams; s++) {
                    byte[] p = packets[s][r];
                    ingest.handle(5004, p, 0, p.length);
                }
            }
            // Everything decoded, less the resampler's look-ahead held until a stream ends.
            double target = rounds * 0.02 - 0.01;
            long giveUp = System.nanoTime() + 5_000_000_000L + (paced ? 0 : (System.nanoTime() - start));
            while (sink.minSeconds() < target && System.nanoTime() < giveUp) {
                // Packets dropped for overload never arrive: stop waiting eventually and report the shortfall.
                LockSupport.parkNanos(200_000);
                if (paced) {
                    maxLag = Math.max(maxLag, (rounds - 1) * 0.02 - sink.minSeconds());
                }
            }
            end = System.nanoTime();
            double cpu = (processCpuNanos() - cpuStart) / 1e9;
            long drops = ingest.dropStats().snapshot().values().stream().mapToLong(Long::longValue).sum();
            ingest.close(); // the workers are done: their VAD counts are visible now
            return new Result(streams, paced, rounds * 0.02, (end - start) / 1e9, cpu, Math.max(0, maxLag), drops,
                    sink.speechFraction());
        } finally {
            ingest.close();
            sink.close();
        }
    }

    /** CPU time of the whole process (all threads, JIT and GC included). */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    /** Runs the VAD on each stream's audio, window by window, and counts samples. */
    private final class VadSink implements ParticipantAudioSink {
        private final AtomicLongArray samples;
        private final VadStream[] streams;
        private final float[][] windows;
        private final int[] fill;
        private final long[] speechWindows;
        private final long[] allWindows;

        VadSink(int n) {
            samples = new AtomicLongArray(n);
            streams = new VadStream[n];
            windows = new float[n][];
            fill = new int[n];
            speechWindows = new long[n];
            allWindows = new long[n];
            for (int i = 0; i < n; i++) {
                if (vad != null) {
                    streams[i] = vad.newStream(16_000);
                    windows[i] = new float[streams[i].windowSize()];
                }
            }
        }

        @Override
        public void audio(RtpParticipant p, float[] pcm, int off, int len) {
            int i = (int) (p.ssrc() - BASE_SSRC);
            if (vad != null) {
                float[] w = windows[i];
                int at = off;
                int left = len;
                while (left > 0) {
                    int n = Math.min(left, w.length - fill[i]);
                    System.arraycopy(pcm, at, w, fill[i], n);
                    fill[i] += n;
                    at += n;
                    left -= n;
                    if (fill[i] == w.length) {
                        fill[i] = 0;
                        allWindows[i]++;
                        if (streams[i].probability(w, 0) > 0.5f) {
                            speechWindows[i]++;
                        }
                    }
                }
            }
            samples.lazySet(i, samples.get(i) + len);
        }

        @Override
        public void end(RtpParticipant p) {
        }

        double minSeconds() {
            long min = Long.MAX_VALUE;
            for (int i = 0; i < samples.length(); i++) {
                min = Math.min(min, samples.get(i));
            }
            return min / 16_000.0;
        }

        double speechFraction() {
            long s = 0;
            long a = 0;
            for (int i = 0; i < allWindows.length; i++) {
                s += speechWindows[i];
                a += allWindows[i];
            }
            return a == 0 ? Double.NaN : s / (double) a;
        }

        void close() {
            for (VadStream v : streams) {
                if (v != null) {
                    v.close();
                }
            }
        }
    }
}
