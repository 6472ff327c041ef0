package dev.steno.cli.failover;

import dev.steno.engine.testing.TestStreams;
import dev.steno.jitsi.JitsiConfig;
import dev.steno.jitsi.JitsiExtension;
import dev.steno.jitsi.testing.ToneRecognizer;
import dev.steno.server.Drain;
import dev.steno.server.ServerConfig;
import dev.steno.server.StenoServer;
import dev.steno.server.TranscriptionService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * One Steno node of the failover test, in a process of its own so that it can be killed: the server, the Jitsi
 * entry points and the meeting store on a shared PostgreSQL, as {@code steno serve --jitsi --jitsi-jdbc-url} builds
 * them, with the tone recogniser in place of Whisper (no weights exist here; the test checks where lines go, not
 * what they say). SIGTERM drains it as it drains {@code steno serve}: refuse new sessions, end the live ones with
 * their finals sent and stored, close the sockets with 1001, exit.
 *
 * <p>Arguments: port, JDBC URL, data directory, drain timeout in seconds, PCM /asr input (true/false).
 */
public final class MeetingNode {
    private MeetingNode() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        JitsiConfig jitsi = JitsiConfig.defaults(Path.of(args[2])).withJdbc(args[1], null, null);
        ServerConfig config = ServerConfig.defaults().withPort(port)
                .withDrainTimeout(Duration.ofMillis(Math.round(Double.parseDouble(args[3]) * 1000)))
                .withPcmInput(true);
        CountDownLatch closed = new CountDownLatch(1);
        try (TranscriptionService service = new TranscriptionService(TestStreams.localAgreement(new ToneRecognizer(),
                32));
             StenoServer server = new StenoServer(config, service, List.of(new JitsiExtension(jitsi)))) {
            server.start();
            service.warmUp(new float[16_000]);
            // as steno serve's shutdown hook: a drain ends main below, which closes the node; the hook waits for it
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.drain().start();
                try {
                    closed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "drain-on-sigterm"));
            System.out.println("node ready on port " + port);
            System.out.flush();
            Drain.Outcome outcome = server.drain().finished().get();
            System.out.println("node drained: " + outcome.finished() + " finished, " + outcome.stopped() + " stopped");
            System.out.flush();
        } finally {
            closed.countDown();
        }
    }
}
