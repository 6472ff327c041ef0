package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steno.engine.model.ModelStore;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * deploy/k8s agrees with the real server: its command line parses with {@code steno serve}, ports and probe paths
 * match what the server serves, every environment variable is one Steno reads, Secrets and selectors are wired,
 * the grace period outlasts the drain, the HPA metric is the one prometheus-adapter serves, and the Ingress sends a
 * meeting's sockets to the hashed Service. What the running server answers on these paths and metrics is checked in
 * {@link DeployServerContractTest}.
 */
class KubernetesManifestsTest {
    private static final StenoPod POD = StenoPod.load();
    /** Example files that kustomization.yaml leaves out: the user makes their own Secrets. */
    private static final Set<String> NOT_APPLIED = Set.of("secret.example.yaml", "kustomization.yaml");

    @Test
    void everyFileParsesAndKustomizeAppliesEveryManifest() {
        Set<String> manifests = new HashSet<>();
        for (Path f : DeployFiles.k8sFiles()) {
            List<JsonNode> docs = DeployFiles.documents(f);
            assertFalse(docs.isEmpty(), f + " is empty");
            String name = f.getFileName().toString();
            if (name.endsWith("-values.yaml")) {
                continue; // Helm values: no Kubernetes object
            }
            for (JsonNode d : docs) {
                assertTrue(d.hasNonNull("apiVersion") && d.hasNonNull("kind"), name + ": a document without apiVersion/kind");
                assertTrue(d.path("metadata").hasNonNull("name") || d.path("kind").asText().equals("Kustomization"),
                        name + ": an object without a name");
            }
            if (!NOT_APPLIED.contains(name)) {
                manifests.add(name);
            }
        }
        JsonNode kustomization = DeployFiles.documents(DeployFiles.file("deploy/k8s/kustomization.yaml")).getFirst();
        Set<String> listed = new HashSet<>();
        kustomization.path("resources").forEach(r -> listed.add(r.asText()));
        assertEquals(manifests, listed, "kustomization.yaml lists every manifest");
        assertEquals(POD.container().path("image").asText(), kustomization.path("images").get(0).path("name").asText(),
                "kustomization's image override names the container's image");
    }

    @Test
    void theCommandLineIsOneStenoServeAccepts() {
        ServeFlags flags = ServeFlags.parse(POD.expandedArgv());
        assertEquals("0.0.0.0", flags.command().host, "listens on the pod's address, not localhost");
        assertTrue(flags.command().jitsi.enabled, "meetings on: the PostgreSQL wiring is for them");
        assertEquals("<STENO_JITSI_JDBC_USER>", flags.command().jitsi.jdbcUser,
                "the database user reaches --jitsi-jdbc-user from the Secret");
        assertTrue(POD.argv().stream().noneMatch(a -> a.startsWith("--jitsi-jdbc-password") || a.startsWith("--api-token")),
                "secrets stay off the command line (visible in the pod spec and ps): they come from the environment");
    }

    @Test
    void portsAgreeFromServeToServiceIngressAndPrometheus() {
        int port = ServeFlags.parse(POD.expandedArgv()).command().port;
        assertEquals(port, POD.containerPort("http"), "container port = --port");
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertEquals(port, POD.resolvePort(POD.probe(probe).path("port")), probe + " port");
        }
        assertEquals(String.valueOf(port), POD.annotations().get("prometheus.io/port"), "Prometheus scrape port");
        List<JsonNode> services = DeployFiles.k8sOfKind("Service");
        assertFalse(services.isEmpty());
        for (JsonNode s : services) {
            for (JsonNode p : s.path("spec").path("ports")) {
                assertEquals(port, POD.resolvePort(p.path("targetPort")), "targetPort of Service "
                        + s.path("metadata").path("name").asText());
            }
        }
        for (JsonNode ingress : DeployFiles.k8sOfKind("Ingress")) {
            for (JsonNode path : paths(ingress)) {
                JsonNode backend = path.path("backend").path("service");
                JsonNode service = DeployFiles.k8s("Service", backend.path("name").asText());
                Set<String> portNames = new HashSet<>();
                service.path("spec").path("ports").forEach(p -> portNames.add(p.path("name").asText()));
                assertTrue(portNames.contains(backend.path("port").path("name").asText()),
                        "Ingress backend port exists on Service " + backend.path("name").asText());
            }
        }
    }

    @Test
    void probesUseTheServersLiveAndReadyPaths() {
        assertEquals(DrainContract.LIVE_PATH, POD.probe("livenessProbe").path("path").asText());
        assertEquals(DrainContract.LIVE_PATH, POD.probe("startupProbe").path("path").asText(),
                "startup waits for the server to listen (model download), not for readiness");
        assertEquals(DrainContract.READY_PATH, POD.probe("readinessProbe").path("path").asText());
        assertNotEquals(POD.probe("livenessProbe").path("path").asText(), POD.probe("readinessProbe").path("path").asText(),
                "liveness must not fail while draining: that would restart the pod and drop its sockets");
        assertEquals(Set.of("path", "port"), fieldNames(POD.probe("livenessProbe")),
                "no token header on the probes: the health paths answer without the API token");
    }

    @Test
    void theGracePeriodOutlastsPreStopAndTheDrain() {
        List<String> preStop = new ArrayList<>();
        POD.container().path("lifecycle").path("preStop").path("exec").path("command").forEach(c -> preStop.add(c.asText()));
        assertEquals(2, preStop.size(), "preStop is `sleep SECONDS`: " + preStop);
        assertEquals("sleep", preStop.getFirst());
        double preStopSeconds = Double.parseDouble(preStop.get(1));
        double drain = ServeFlags.parse(POD.expandedArgv()).drainSeconds();
        int grace = POD.podSpec().path("terminationGracePeriodSeconds").asInt(30);
        assertTrue(grace > preStopSeconds + drain, "terminationGracePeriodSeconds " + grace + " must exceed preStop "
                + preStopSeconds + " s + drain timeout " + drain + " s");
    }

    @Test
    void everyVariableIsOneStenoReadsAndEverySecretIsWired() throws Exception {
        Set<String> read = namesStenoReads();
        for (Map.Entry<String, JsonNode> e : POD.env().entrySet()) {
            boolean referenced = POD.argv().stream().anyMatch(a -> a.contains("$(" + e.getKey() + ")"));
            assertTrue(read.contains(e.getKey()) || referenced, e.getKey() + " is read by neither steno nor the args; "
                    + "steno reads " + read);
            JsonNode ref = e.getValue().path("valueFrom").path("secretKeyRef");
            if (!ref.isMissingNode()) {
                JsonNode secret = DeployFiles.k8s("Secret", ref.path("name").asText());
                assertTrue(secret.path("stringData").has(ref.path("key").asText())
                        || secret.path("data").has(ref.path("key").asText()),
                        "Secret " + ref.path("name").asText() + " has key " + ref.path("key").asText());
            }
        }
        JsonNode postgres = DeployFiles.k8s("Secret", "steno-postgres");
        String url = postgres.path("stringData").path("url").asText();
        assertTrue(url.startsWith("jdbc:postgresql:"), url);
        assertEquals("org.postgresql.Driver", DriverManager.getDriver(url).getClass().getName(),
                "the example URL's driver ships with steno");
    }

    /**
     * The environment Steno reads: serve's flag defaults ({@code ${env:NAME}}), the model store's variables, and
     * what the launcher script reads.
     */
    static Set<String> namesStenoReads() {
        Set<String> names = new HashSet<>(List.of(ModelStore.ENV_MODEL_DIR, ModelStore.ENV_BASE_URL));
        Pattern envDefault = Pattern.compile("\\$\\{env:([A-Za-z0-9_]+)}");
        CommandSpec serve = ServeFlags.serveSpec().interpolateVariables(false); // ${env:...} as written
        for (OptionSpec o : serve.options()) {
            if (o.defaultValue() != null) {
                Matcher m = envDefault.matcher(o.defaultValue());
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        Matcher launcher = Pattern.compile("\\$\\{?(STENO_[A-Z0-9_]+)").matcher(DeployFiles.read("steno"));
        while (launcher.find()) {
            names.add(launcher.group(1));
        }
        return names;
    }

    @Test
    void selectorsFindTheStenoPods() {
        Map<String, String> labels = POD.labels();
        assertTrue(labels.entrySet().containsAll(matchLabels(POD.deployment().path("spec").path("selector")).entrySet()));
        for (JsonNode s : DeployFiles.k8sOfKind("Service")) {
            Map<String, String> selector = StenoPod.strings(s.path("spec").path("selector"));
            assertFalse(selector.isEmpty());
            assertTrue(labels.entrySet().containsAll(selector.entrySet()), "Service " + s.path("metadata").path("name"));
        }
        JsonNode pdb = DeployFiles.k8s("PodDisruptionBudget", "steno");
        assertEquals("policy/v1", pdb.path("apiVersion").asText());
        assertTrue(labels.entrySet().containsAll(matchLabels(pdb.path("spec").path("selector")).entrySet()));
        JsonNode target = DeployFiles.k8s("HorizontalPodAutoscaler", "steno").path("spec").path("scaleTargetRef");
        assertEquals("Deployment", target.path("kind").asText());
        assertEquals(POD.deployment().path("metadata").path("name").asText(), target.path("name").asText());
    }

    @Test
    void theHpaScalesOnTheLoadMetricPrometheusAdapterServes() {
        JsonNode hpa = DeployFiles.k8s("HorizontalPodAutoscaler", "steno");
        assertEquals("autoscaling/v2", hpa.path("apiVersion").asText());
        JsonNode metric = hpa.path("spec").path("metrics").get(0);
        assertEquals("Pods", metric.path("type").asText(), "a per-pod custom metric");
        assertEquals("AverageValue", metric.path("pods").path("target").path("type").asText());
        String name = metric.path("pods").path("metric").path("name").asText();

        JsonNode rule = adapterRuleServing(name);
        String series = seriesOf(rule);
        assertEquals(DrainContract.LOAD_METRIC, series, "the adapter reads the server's load gauge");
        assertTrue(Pattern.compile(rule.path("name").path("matches").asText()).matcher(series).find(),
                "the rule's name pattern matches its series");
        assertTrue(rule.path("seriesQuery").asText().contains("pod!=\"\""), "per-pod series");
        assertEquals("pod", rule.path("resources").path("overrides").path("pod").path("resource").asText());
    }

    /** The prometheus-adapter rule whose custom metric has this name. */
    static JsonNode adapterRuleServing(String metric) {
        JsonNode values = DeployFiles.documents(DeployFiles.file("deploy/k8s/prometheus-adapter-values.yaml")).getFirst();
        for (JsonNode rule : values.path("rules").path("custom")) {
            if (rule.path("name").path("as").asText().equals(metric)) {
                return rule;
            }
        }
        throw new AssertionError("no prometheus-adapter rule serves " + metric);
    }

    /** The Prometheus series a prometheus-adapter rule reads (the metric name of its seriesQuery). */
    static String seriesOf(JsonNode rule) {
        Matcher m = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)").matcher(rule.path("seriesQuery").asText());
        assertTrue(m.find(), "seriesQuery starts with a metric name");
        return m.group(1);
    }

    @Test
    void theIngressHashesAMeetingsSocketsAndSpreadsTheRest() {
        for (String meeting : List.of("m1", "7f3c0d2e-room")) {
            List<String> paths = new ArrayList<>(MeetingPaths.sockets(meeting));
            paths.add(MeetingPaths.transcript(meeting));
            for (String path : paths) {
                JsonNode ingress = ingressFor(path);
                assertEquals("$uri", annotation(ingress, "upstream-hash-by"), path + " is hashed on its path");
            }
        }
        for (String path : List.of(MeetingPaths.ASR, "/v1/audio/transcriptions", "/", DrainContract.READY_PATH)) {
            assertEquals("", annotation(ingressFor(path), "upstream-hash-by"), path + " is spread");
        }
        for (JsonNode ingress : DeployFiles.k8sOfKind("Ingress")) {
            Set<String> retry = Set.of(annotation(ingress, "proxy-next-upstream").split("\\s+"));
            assertTrue(retry.containsAll(Set.of("error", "timeout", "http_502", "http_503")), "retries: " + retry);
            assertTrue(Integer.parseInt(annotation(ingress, "proxy-read-timeout")) > 60, "sockets outlive idle gaps");
        }
    }

    /** The Ingress whose rule takes this request path (Kubernetes' Exact and Prefix matching; longest path wins). */
    static JsonNode ingressFor(String pathAndQuery) {
        String uri = pathAndQuery.replaceFirst("\\?.*$", "");
        JsonNode best = null;
        int bestLength = -1;
        for (JsonNode ingress : DeployFiles.k8sOfKind("Ingress")) {
            for (JsonNode p : paths(ingress)) {
                String path = p.path("path").asText();
                String type = p.path("pathType").asText();
                String prefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
                boolean matches = type.equals("Exact") ? uri.equals(path)
                        : path.equals("/") || uri.equals(prefix) || uri.startsWith(prefix + "/");
                int length = path.length() + (type.equals("Exact") ? 1 : 0);
                if (matches && length > bestLength) {
                    best = ingress;
                    bestLength = length;
                }
            }
        }
        if (best == null) {
            throw new AssertionError("no Ingress rule takes " + uri);
        }
        return best;
    }

    private static List<JsonNode> paths(JsonNode ingress) {
        List<JsonNode> out = new ArrayList<>();
        ingress.path("spec").path("rules").forEach(r -> r.path("http").path("paths").forEach(out::add));
        return out;
    }

    private static String annotation(JsonNode object, String name) {
        return object.path("metadata").path("annotations").path("nginx.ingress.kubernetes.io/" + name).asText("");
    }

    private static Map<String, String> matchLabels(JsonNode selector) {
        Map<String, String> labels = StenoPod.strings(selector.path("matchLabels"));
        assertFalse(labels.isEmpty(), "a selector with matchLabels");
        return labels;
    }

    private static Set<String> fieldNames(JsonNode object) {
        Set<String> names = new HashSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
