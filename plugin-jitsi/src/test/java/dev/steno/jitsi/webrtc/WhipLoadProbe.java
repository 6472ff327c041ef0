package dev.steno.jitsi.webrtc;

import com.sun.management.OperatingSystemMXBean;
import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.jitsi.rtp.ParticipantAudioSink;
import dev.steno.jitsi.rtp.RtpParticipant;
import dev.steno.jitsi.testing.ToneRecognizer;
import dev.steno.server.BrowserUiTest;
import dev.steno.server.ServerConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Figures for the WHIP ingest, not a test: one headless Chromium publishes N peer connections at once; the server
 * only ingests (ICE, DTLS-SRTP, jitter buffer, Opus decoding, resampling; no ASR). Prints this JVM's CPU per stream
 * over a steady window, decoded audio per wall second, and, with {@code beep}, glass-to-ingest latency: from a tone's
 * start in the browser's audio graph to its onset in the decoded audio (same machine, same wall clock).
 * {@code caption-whip} and {@code caption-asr} measure glass-to-caption instead, with the tone recogniser (every
 * 1.1 kHz tone becomes the word "charlie"): from the tone's start to the page receiving the word, over WHIP and its
 * results socket or over the {@code /asr} WebSocket with MediaRecorder WebM, as the UI sends it.
 *
 * <pre>
 * ./mvnw -q -o -pl plugin-jitsi -am test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * cd plugin-jitsi    # the page is found relative to the module
 * java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Dsteno.shared=$PWD/../../shared \
 *     -cp target/test-classes:target/classes:$(cat target/cp.txt) \
 *     dev.steno.jitsi.webrtc.WhipLoadProbe 10 20 beep     # connections, seconds, [beep|caption-whip|caption-asr]
 * </pre>
 */
public final class WhipLoadProbe {
    private WhipLoadProbe() {
    }

    public static void main(String[] args) throws Exception {
        int connections = Integer.parseInt(args[0]);
        int seconds = Integer.parseInt(args[1]);
        String mode = args.length > 2 ? args[2] : "";
        boolean beep = !mode.isEmpty();
        boolean caption = mode.startsWith("caption");
        boolean asr = mode.equals("caption-asr");
        Path dir = Files.createTempDirectory("whip-probe");
        CountingSink sink = new CountingSink();
        WebRtcConfig config = WebRtcConfig.defaults().withPorts(44000, 44999)
                .withMaxSessions(Math.max(connections, 1));
        // the page is a file: its origin "null" needs "*"
        try (WhipServer fx = new WhipServer(dir, caption ? new ToneRecognizer() : null,
                ServerConfig.defaults().withCorsOrigins(List.of("*")), config,
                w -> caption ? new WhipSinks(w.service.streams(), Optional.empty(), "en", null, w.results)
                        : (id, o) -> sink)) {
            WebRtcExtension webrtc = fx.webrtc;
            OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long idle0 = os.getProcessCpuTime();
            Thread.sleep(5000);
            double idleCpu = (os.getProcessCpuTime() - idle0) / 1e9 / 5;
            String options = (beep ? "beep=1&" : "") + (caption ? "caption=" + (asr ? "asr" : "whip") + "&" : "")
                    + "connections=" + connections;
            try (WhipPeer peer = WhipPeer.start(BrowserUiTest.chromium(),
                    SharedFixtures.file("audio/jfk.wav"), dir, fx.uri("/whip").toString(), options)) {
                long setup0 = System.nanoTime();
                if (!asr) {
                    Await.until(Duration.ofSeconds(120), () -> webrtc.ingest().sessions().stream()
                            .filter(s -> s.state().equals("connected")).count() >= connections,
                            () -> "only " + webrtc.ingest().sessions() + "\n" + pageLog(peer));
                }
                double setup = (System.nanoTime() - setup0) / 1e9;
                Thread.sleep(3000); // jitter buffers fill, JIT settles
                long cpu0 = os.getProcessCpuTime();
                long samples0 = sink.samples.get();
                long t0 = System.nanoTime();
                Thread.sleep(seconds * 1000L);
                double wall = (System.nanoTime() - t0) / 1e9;
                double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
                double audio = (sink.samples.get() - samples0) / 16_000.0;
                System.out.printf(Locale.ROOT, "connections %d, all connected in %.1f s; %d JVM threads; "
                                + "JVM CPU %.3f cores (idle server %.3f) = %.2f %% of a core per stream; decoded "
                                + "%.2f audio s per wall s per stream%n", connections, setup,
                        Thread.activeCount(), cpu / wall, idleCpu,
                        100 * (cpu / wall - idleCpu) / connections, audio / wall / connections);
                if (caption) {
                    latency(asr ? "glass-to-caption over /asr (WebM)" : "glass-to-caption over WHIP",
                            peer.pageLog(), times(peer.pageLog(), "caption"), 3000);
                } else if (beep) {
                    latency("glass-to-ingest over WHIP", peer.pageLog(), List.copyOf(sink.onsets), 1500);
                }
            }
        }
    }

    private static List<Long> times(String pageLog, String what) {
        List<Long> out = new ArrayList<>();
        Matcher m = Pattern.compile(what + " (\\d+)").matcher(pageLog);
        while (m.find()) {
            out.add(Long.parseLong(m.group(1)));
        }
        return out;
    }

    /** Pairs each event with the latest tone that started before it (within {@code window} ms). */
    private static void latency(String name, String pageLog, List<Long> events, long window) {
        List<Long> beeps = times(pageLog, "beep");
        List<Long> lags = new ArrayList<>();
        for (long onset : events) {
            long best = -1;
            for (long b : beeps) {
                if (b <= onset && onset - b < window) {
                    best = b;
                }
            }
            if (best >= 0) {
                lags.add(onset - best);
            }
        }
        lags.sort(null);
        if (lags.isEmpty()) {
            System.out.println(name + ": nothing matched: tones " + beeps + ", events " + events);
            return;
        }
        System.out.printf(Locale.ROOT, "%s: %d tones, median %d ms, min %d ms, max %d ms%n", name,
                lags.size(), lags.get(lags.size() / 2), lags.getFirst(), lags.getLast());
    }

    /**
     * Counts decoded samples and notes when a tone starts in any stream: a 10 ms block over -26 dBFS after at
     * least 100 ms below -34 dBFS. The onset time is when the decoder delivered that block.
     */
    private static final class CountingSink implements ParticipantAudioSink {
        final AtomicLong samples = new AtomicLong();
        final ConcurrentLinkedQueue<Long> onsets = new ConcurrentLinkedQueue<>();
        private final java.util.Map<RtpParticipant, int[]> quiet = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void audio(RtpParticipant p, float[] pcm, int off, int len) {
            samples.addAndGet(len);
            int[] q = quiet.computeIfAbsent(p, k -> new int[1]);
            for (int b = off; b + 160 <= off + len; b += 160) {
                double sum = 0;
                for (int i = b; i < b + 160; i++) {
                    sum += pcm[i] * pcm[i];
                }
                double rms = Math.sqrt(sum / 160);
                if (rms > 0.05 && q[0] >= 10) {
                    onsets.add(System.currentTimeMillis());
                }
                q[0] = rms < 0.02 ? q[0] + 1 : 0;
            }
        }

        @Override
        public void end(RtpParticipant p) {
        }
    }

    private static String pageLog(WhipPeer peer) {
        try {
            return peer.pageLog();
        } catch (IOException e) {
            return "(no page log: " + e.getMessage() + ")";
        }
    }
}
