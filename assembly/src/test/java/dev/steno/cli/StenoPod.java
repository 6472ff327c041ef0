package dev.steno.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The steno Deployment of deploy/k8s and its one container, read for the checks. */
record StenoPod(JsonNode deployment) {
    /** Kubernetes' {@code $(VAR)} reference to the container's environment in args. */
    static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    static StenoPod load() {
        return new StenoPod(DeployFiles.k8s("Deployment", "steno"));
    }

    JsonNode podSpec() {
        return deployment.path("spec").path("template").path("spec");
    }

    /** The pod template's labels. */
    Map<String, String> labels() {
        return strings(deployment.path("spec").path("template").path("metadata").path("labels"));
    }

    /** The pod template's annotations. */
    Map<String, String> annotations() {
        return strings(deployment.path("spec").path("template").path("metadata").path("annotations"));
    }

    /** The steno container, the pod's only one. */
    JsonNode container() {
        JsonNode containers = podSpec().path("containers");
        if (containers.size() != 1 || !containers.get(0).path("name").asText().equals("steno")) {
            throw new AssertionError("expected the one container 'steno': " + containers);
        }
        return containers.get(0);
    }

    /**
     * The steno command line: the container's args, since the image's entry point is the launcher (a
     * {@code command} would replace it).
     */
    List<String> argv() {
        if (container().has("command")) {
            throw new AssertionError("the container must not replace the image's entry point (the steno launcher)");
        }
        List<String> argv = new ArrayList<>();
        container().path("args").forEach(a -> argv.add(a.asText()));
        return argv;
    }

    /** The container's environment entries by name. */
    Map<String, JsonNode> env() {
        Map<String, JsonNode> env = new LinkedHashMap<>();
        container().path("env").forEach(e -> env.put(e.path("name").asText(), e));
        return env;
    }

    /**
     * The command line as the container gets it: every {@code $(VAR)} replaced by the variable's literal value, or
     * by {@code <VAR>} when it comes from a Secret; a reference to a variable the container lacks fails.
     */
    List<String> expandedArgv() {
        Map<String, JsonNode> env = env();
        return argv().stream().map(a -> {
            Matcher m = ENV_REFERENCE.matcher(a);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                JsonNode e = env.get(m.group(1));
                if (e == null) {
                    throw new AssertionError("args use $(" + m.group(1) + "), which the container's env lacks");
                }
                m.appendReplacement(out, Matcher.quoteReplacement(
                        e.has("value") ? e.path("value").asText() : "<" + m.group(1) + ">"));
            }
            m.appendTail(out);
            return out.toString();
        }).toList();
    }

    /** The container port of this name. */
    int containerPort(String name) {
        for (JsonNode p : container().path("ports")) {
            if (p.path("name").asText().equals(name)) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no container port named " + name);
    }

    /** A port reference (a number or a container port's name) as a number. */
    int resolvePort(JsonNode ref) {
        return ref.isInt() ? ref.asInt() : containerPort(ref.asText());
    }

    /** The HTTP GET of a probe ({@code livenessProbe}, {@code readinessProbe}, {@code startupProbe}). */
    JsonNode probe(String probe) {
        JsonNode get = container().path(probe).path("httpGet");
        if (get.isMissingNode()) {
            throw new AssertionError(probe + " has no httpGet");
        }
        return get;
    }

    /** A YAML mapping of strings (labels, selectors, annotations). */
    static Map<String, String> strings(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        object.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
