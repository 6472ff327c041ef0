package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.RandomModelFile;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running {@code steno serve} answers on what the deployment files point at: the meeting and session sockets the
 * balancers route, the probe and health-check paths (without the API token, as Kubernetes probes carry none), the
 * metric the HPA scales on, and a drain that turns readiness to 503 while liveness stays 200.
 */
class DeployServerContractTest {
    @RegisterExtension
    static final RandomModelFile MODEL = new RandomModelFile("ggml-micro.bin", RandomGgmlWhisper.Config.MICRO, 9);
    @TempDir
    static Path dir;
    private static final String TOKEN = "deploy-contract-token";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static BackgroundServe start(String dataDir) throws Exception {
        return BackgroundServe.start("--model-path", MODEL.path().toString(), "--port", "0", "--threads", "1",
                "--language", "en", "--no-vac", "--jitsi", "--jitsi-data-dir", dir.resolve(dataDir).toString(),
                "--api-token", TOKEN);
    }

    @Test
    void theSocketsTheBalancersRouteAreServed() throws Exception {
        try (BackgroundServe serve = start("sockets")) {
            List<String> sockets = new ArrayList<>(MeetingPaths.sockets("m1"));
            sockets.add(MeetingPaths.ASR);
            for (String path : sockets) {
                WebSocket ws = http.newWebSocketBuilder()
                        .buildAsync(serve.ws(MeetingPaths.withQuery(path, "token=" + TOKEN)), new WebSocket.Listener() {
                        }).get(10, TimeUnit.SECONDS);
                ws.abort();
            }
            HttpResponse<String> transcript = Await.until(WAIT, () -> get(serve, MeetingPaths.transcript("m1"), true),
                    r -> r.statusCode() == 200, r -> "the transcript of the meeting the sockets opened: " + r.body());
            assertTrue(transcript.body().startsWith("{"), transcript.body());
        }
    }

    @Test
    void probesMetricsAndTheDrainFollowTheDeploymentFiles() throws Exception {
        assumeTrue(DrainContract.landed(), DrainContract.notLandedYet("probe paths, metrics and drain on a running server"));
        StenoPod pod = StenoPod.load();
        String live = pod.probe("livenessProbe").path("path").asText();
        String ready = pod.probe("readinessProbe").path("path").asText();
        String dockerHealth = DockerfileTest.healthCheckUrl(DockerfileTest.image("cpu")).getPath();
        String hpaMetric = DeployFiles.k8s("HorizontalPodAutoscaler", "steno").path("spec").path("metrics").get(0)
                .path("pods").path("metric").path("name").asText();
        String series = KubernetesManifestsTest.seriesOf(KubernetesManifestsTest.adapterRuleServing(hpaMetric));
        try (BackgroundServe serve = start("drain")) {
            Await.until(WAIT, () -> get(serve, ready, false), r -> r.statusCode() == 200,
                    r -> "readiness " + ready + " without a token once warm: " + r.statusCode() + " " + r.body());
            assertEquals(200, get(serve, live, false).statusCode(), "liveness " + live + " without a token");
            assertEquals(200, get(serve, dockerHealth, false).statusCode(), "the image's health check " + dockerHealth);
            Map<String, Double> metrics = metrics(serve);
            for (String name : DrainContract.METRICS) {
                assertTrue(metrics.containsKey(name), name + " on /metrics: " + metrics.keySet());
            }
            assertTrue(metrics.containsKey(series), "the HPA's series " + series + " on /metrics");
            assertEquals(0.0, metrics.get("steno_draining"));

            HttpResponse<String> drain = http.send(HttpRequest.newBuilder(serve.http(DrainContract.DRAIN_PATH))
                    .header("Authorization", "Bearer " + TOKEN).timeout(WAIT)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(2, drain.statusCode() / 100, "POST " + DrainContract.DRAIN_PATH + ": " + drain.body());
            // with no session to finish the drain is over at once and the node exits 0 for the orchestrator to
            // replace it; readiness 503 with liveness 200 while a drain lasts is DrainServerTest's (server module)
            assertEquals(0, serve.awaitExit(WAIT), "an admin drain ends the process cleanly: " + serve.log());
        }
    }

    private HttpResponse<String> get(BackgroundServe serve, String path, boolean withToken) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(serve.http(path)).timeout(WAIT);
        if (withToken) {
            request.header("Authorization", "Bearer " + TOKEN);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** /metrics as name -> value (the first sample of each name). */
    private Map<String, Double> metrics(BackgroundServe serve) throws Exception {
        HttpResponse<String> r = get(serve, "/metrics", true);
        assertEquals(200, r.statusCode(), r.body());
        return PrometheusText.parse(r.body());
    }
}
