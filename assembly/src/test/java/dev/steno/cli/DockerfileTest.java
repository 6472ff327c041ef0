package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.cli.DockerfileModel.Copy;
import dev.steno.cli.DockerfileModel.Stage;
import dev.steno.engine.model.ModelStore;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Dockerfile's images (VARIANT cpu, the default, and cuda) start {@code steno serve} as the server, the launcher and
 * the Kubernetes files expect. No Docker engine runs here: the Dockerfile is parsed, its command lines go through the
 * real {@code steno} command, and the launcher script runs as the image would run it, with a stand-in java.
 */
class DockerfileTest {
    private static final DockerfileModel DOCKERFILE = DockerfileModel.parse(DeployFiles.read("Dockerfile"));
    private static final Pattern TEMURIN = Pattern.compile("^eclipse-temurin:(\\d+)-(jdk|jre)$");

    /** The image {@code docker build --build-arg VARIANT=variant .} builds. */
    static Stage image(String variant) {
        return DOCKERFILE.image(DOCKERFILE.defaultTarget().name(), Map.of("VARIANT", variant));
    }

    @Test
    void theDefaultImageIsTheCpuOneBuiltFromTheJarOfThisCheckout() {
        assertEquals("cpu", DOCKERFILE.args().get("VARIANT"), "docker build . builds the CPU image");
        assertEquals(image("cpu"), DOCKERFILE.image(DOCKERFILE.defaultTarget().name(), Map.of()));
        Stage build = DOCKERFILE.stage("build");
        assertEquals("/src", build.last("WORKDIR").orElseThrow().rest());
        assertTrue(build.all("COPY").stream().anyMatch(c -> c.rest().equals(". .")), "the build copies the checkout");
        assertTrue(build.all("RUN").stream().anyMatch(r -> r.rest().contains("./mvnw -B -DskipTests package")),
                "built with the Maven wrapper");
        assertTrue(DeployFiles.read("assembly/pom.xml").contains("<finalName>steno</finalName>"),
                "the shaded jar is assembly/target/steno.jar, which the images copy");
    }

    @Test
    void javaIsNewEnoughForStenoInEveryImage() {
        int release = Integer.parseInt(DeployFiles.pomProperty("maven.compiler.release"));
        assertTrue(temurinMajor(DOCKERFILE.stage("build").base(), "jdk") >= release, "the build JDK compiles release " + release);
        assertTrue(temurinMajor(image("cpu").base(), "jre") >= release);
        Stage cuda = image("cuda");
        String cudaJava = cuda.copies().stream().filter(c -> c.destination().equals(cuda.env().get("JAVA_HOME")))
                .map(Copy::from).findFirst().orElseThrow(() -> new AssertionError("the cuda image copies a JRE to JAVA_HOME"));
        assertTrue(temurinMajor(cudaJava, "jre") >= release);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cpu", "cuda"})
    void portHealthCheckAndCommandAgreeWithTheServer(String variant) {
        Stage stage = image(variant);
        ServeFlags flags = ServeFlags.parse(stage.last("CMD").orElseThrow().execForm());
        assertEquals("0.0.0.0", flags.command().host, "reachable from outside the container");
        int port = flags.command().port;
        assertEquals(List.of(String.valueOf(port)), stage.all("EXPOSE").stream().map(DockerfileModel.Instruction::rest).toList());
        URI health = healthCheckUrl(stage);
        assertEquals(port, health.getPort());
        assertEquals(DrainContract.READY_PATH, health.getPath(), "healthy = ready for sessions");
        assertEquals(StenoPod.load().probe("readinessProbe").path("path").asText(), health.getPath(),
                "the same path as the Kubernetes readiness probe");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cpu", "cuda"})
    void runsAsTheNonRootUserOfThePodWithTheModelCacheOnAVolume(String variant) {
        Stage stage = image(variant);
        String[] user = stage.last("USER").orElseThrow().rest().split(":");
        assertTrue(user[0].matches("\\d+"), "a numeric user, so that Kubernetes can tell it is not root");
        assertNotEquals("0", user[0]);
        assertEquals(user[0], StenoPod.load().podSpec().path("securityContext").path("runAsUser").asText());
        assertTrue(stage.all("RUN").stream().anyMatch(r -> r.rest().contains("--uid " + user[0])), "the user exists");
        String models = stage.env().get(ModelStore.ENV_MODEL_DIR);
        assertEquals(List.of("[\"" + models + "\"]"), stage.all("VOLUME").stream().map(DockerfileModel.Instruction::rest).toList());
        assertTrue(stage.all("RUN").stream().anyMatch(r -> r.rest().contains("chown steno:steno " + models)),
                "the user may write the model cache");
    }

    @Test
    void theCudaImageRunsTheProjectsOnnxRuntimeOnCuda12AndCudnn9() {
        assertEquals(DeployFiles.pomProperty("onnxruntime.version"), DOCKERFILE.args().get("ORT_VERSION"),
                "onnxruntime_gpu of the version the CPU build uses");
        assertTrue(DOCKERFILE.stage("onnxruntime-gpu").all("RUN").stream()
                .anyMatch(r -> r.rest().contains("com.microsoft.onnxruntime:onnxruntime_gpu:${ORT_VERSION}")));
        Stage cuda = image("cuda");
        assertTrue(cuda.base().matches("nvidia/cuda:12\\.[0-9.]+-cudnn-runtime-ubuntu[0-9.]+"), cuda.base());
        String gpuJar = cuda.copies().stream().filter(c -> "onnxruntime-gpu".equals(c.from())).map(Copy::destination)
                .findFirst().orElseThrow();
        assertEquals(gpuJar, cuda.env().get("STENO_ONNXRUNTIME_JAR"), "the launcher puts this jar first");
        ServeFlags flags = ServeFlags.parse(cuda.last("CMD").orElseThrow().execForm());
        assertEquals("cuda", flags.value("--encoder-device"));
        assertTrue(String.valueOf(flags.value("--encoder")).startsWith("onnx"), "an onnxruntime encoder");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cpu", "cuda"})
    void theLauncherStartsJavaWithStenosFlagsAndTheContainersHeap(String variant, @TempDir Path dir) throws Exception {
        Stage stage = image(variant);
        List<String> entrypoint = stage.last("ENTRYPOINT").orElseThrow().execForm();
        assertEquals(1, entrypoint.size(), "the launcher alone; the CMD is its arguments");
        String launcher = entrypoint.getFirst();
        String home = launcher.substring(0, launcher.lastIndexOf('/') + 1);
        Map<String, Copy> copied = new HashMap<>();
        stage.copies().forEach(c -> copied.put(c.destination(), c));
        assertEquals("/src/steno", copied.get(launcher).source(), "the entry point is the repository's steno launcher");
        assertEquals("/src/assembly/target/steno.jar", copied.get(home + "steno.jar").source(), "the jar beside it");

        // The image's launcher folder, rebuilt here: the real script, stand-ins for the jars.
        Path opt = Files.createDirectories(dir.resolve("opt"));
        for (Copy c : stage.copies()) {
            if (c.destination().startsWith(home)) {
                Path target = opt.resolve(c.destination().substring(home.length()));
                if (c.source().equals("/src/steno")) {
                    Files.copy(DeployFiles.file("steno"), target);
                } else {
                    Files.createFile(target);
                }
            }
        }
        Path java = Files.writeString(dir.resolve("java"), """
                #!/bin/sh
                case "$*" in *-XshowSettings:properties*) echo '    java.specification.version = 25' >&2; exit 0 ;; esac
                for a in "$@"; do printf '%s\\n' "$a"; done
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

        ProcessBuilder pb = new ProcessBuilder("sh", opt.resolve("steno").toString(), "serve", "--port", "8000");
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("STENO_"));
        stage.env().forEach((k, v) -> {
            if (k.startsWith("STENO_")) {
                env.put(k, v.replace(home, opt + "/"));
            }
        });
        env.put("STENO_JAVA", java.toString());
        Process p = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        List<String> javaArgs = out.lines().toList();

        List<String> flags = List.of(DeployFiles.pomProperty("steno.jvm.flags").split("\\s+"));
        assertTrue(Collections.indexOfSubList(javaArgs, flags) >= 0, "Steno's JVM flags " + flags + " in " + javaArgs);
        String javaOpts = stage.env().get("STENO_JAVA_OPTS");
        assertTrue(javaOpts.contains("-XX:MaxRAMPercentage="), "the heap follows the container's memory limit");
        for (String o : javaOpts.split("\\s+")) {
            assertTrue(javaArgs.contains(o), o + " reaches java: " + javaArgs);
        }
        assertTrue(javaArgs.stream().noneMatch(a -> a.startsWith("-Xmx")),
                "no -Xmx from the launcher's estimate, which reads the host's memory, not the container's: " + javaArgs);
        String jar = opt.resolve("steno.jar").toString();
        List<String> start = stage.env().containsKey("STENO_ONNXRUNTIME_JAR")
                ? List.of("-cp", stage.env().get("STENO_ONNXRUNTIME_JAR").replace(home, opt + "/") + ":" + jar,
                        "dev.steno.cli.Steno", "serve", "--port", "8000")
                : List.of("-jar", jar, "serve", "--port", "8000");
        assertEquals(start, javaArgs.subList(javaArgs.size() - start.size(), javaArgs.size()));
    }

    private static int temurinMajor(String image, String kind) {
        Matcher m = TEMURIN.matcher(image);
        assertTrue(m.matches() && m.group(2).equals(kind), "an eclipse-temurin:NN-" + kind + " image: " + image);
        return Integer.parseInt(m.group(1));
    }

    /** The address the stage's HEALTHCHECK command fetches. */
    static URI healthCheckUrl(Stage stage) {
        String check = stage.last("HEALTHCHECK").orElseThrow(() -> new AssertionError("no HEALTHCHECK")).rest();
        Matcher m = Pattern.compile("https?://[^\\s\"']+").matcher(check.substring(check.indexOf(" CMD ")));
        assertTrue(m.find(), "the health check fetches a URL: " + check);
        return URI.create(m.group());
    }
}
