package dev.steno.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The repository's deployment files (Dockerfile, deploy/k8s, deploy/nginx) as the tests read them. */
final class DeployFiles {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private DeployFiles() {
    }

    /** The repository root: the first folder upwards from the working directory that holds mvnw and deploy/. */
    static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolve("deploy"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root with mvnw and deploy/ above " + Path.of("").toAbsolutePath());
    }

    static Path file(String relative) {
        Path p = root().resolve(relative);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("missing: " + p);
        }
        return p;
    }

    static String read(String relative) {
        try {
            return Files.readString(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The YAML files under deploy/k8s, sorted by name. */
    static List<Path> k8sFiles() {
        try (Stream<Path> files = Files.list(root().resolve("deploy/k8s"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document of a (multi-document) YAML file. */
    static List<JsonNode> documents(Path yaml) {
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml.toFile())) {
            List<JsonNode> out = new ArrayList<>();
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    out.add(doc);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + yaml, e);
        }
    }

    /** The Kubernetes objects (documents with a kind) of every file under deploy/k8s. */
    static List<JsonNode> k8sObjects() {
        return k8sFiles().stream().flatMap(f -> documents(f).stream()).filter(d -> d.has("kind")).toList();
    }

    /** The one object of this kind and name under deploy/k8s. */
    static JsonNode k8s(String kind, String name) {
        List<JsonNode> found = k8sObjects().stream()
                .filter(o -> o.path("kind").asText().equals(kind) && o.path("metadata").path("name").asText().equals(name))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " objects " + kind + "/" + name + " under deploy/k8s");
        }
        return found.getFirst();
    }

    /** Every object of this kind under deploy/k8s. */
    static List<JsonNode> k8sOfKind(String kind) {
        return k8sObjects().stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }

    /** A property of the parent pom.xml ({@code <name>value</name>} under properties). */
    static String pomProperty(String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]*)</" + Pattern.quote(name) + ">")
                .matcher(read("pom.xml"));
        if (!m.find()) {
            throw new AssertionError("pom.xml has no property " + name);
        }
        return m.group(1).strip();
    }
}
