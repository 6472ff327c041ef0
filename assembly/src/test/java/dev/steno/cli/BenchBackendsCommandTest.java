package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.SharedFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code steno bench backends} on a random-weight MICRO model: a row of figures per backend. */
class BenchBackendsCommandTest {
    @TempDir
    static Path dir;

    static final String NUM = "\\s+(-?[0-9]+(?:\\.[0-9]+)?)";

    /** backend, then load ms, encoder ms (or "-"), median ms, p95 ms, RTF, RSS after load, RSS delta. */
    static Matcher row(String out, String backend) {
        return Pattern.compile("(?m)^" + Pattern.quote(backend) + NUM + "\\s+(-|[0-9]+\\.[0-9]+)" + NUM.repeat(5)
                + "\\s*$").matcher(out);
    }

    static synchronized Path micro() throws IOException {
        Path model = dir.resolve("micro.bin");
        return Files.exists(model) ? model
                : RandomGgmlWhisper.write(model, RandomGgmlWhisper.Config.MICRO, 21);
    }

    static boolean cudaAvailable() {
        return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    }

    /** The printed text of {@code backend}. */
    static String text(String out, String backend) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(backend) + " text: (.*)$").matcher(out);
        assertTrue(m.find(), backend + " text line:\n" + out);
        return m.group(1);
    }

    /** The pairs the "texts differ" line names; none without that line. */
    static List<String> differingPairs(String out) {
        Matcher m = Pattern.compile("(?m)^texts differ: (.*)$").matcher(out);
        return m.find() ? List.of(m.group(1).strip().split(", ")) : List.of();
    }

    @Test
    void printsATableRowForEachBackend() throws Exception {
        String jfk = SharedFixtures.file("audio/jfk.wav").toString();
        CliRun run = CliRun.of("bench", "backends", "--model-path", micro().toString(), "--audio", jfk, "--runs", "1",
                "--threads", "1");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("audio jfk.wav (11.00 s), 1 run(s), 1 thread(s)"), run.out());
        for (String backend : new String[] {"whisper.cpp", "java"}) {
            Matcher m = row(run.out(), backend);
            assertTrue(m.find(), backend + " row with seven figures:\n" + run.out());
            double loadMs = Double.parseDouble(m.group(1));
            double median = Double.parseDouble(m.group(3));
            double p95 = Double.parseDouble(m.group(4));
            double rtf = Double.parseDouble(m.group(5));
            assertTrue(loadMs >= 0 && median > 0 && p95 >= median, run.out());
            assertEquals(median / 1000 / 11.0, rtf, 0.001, "RTF = median / audio length");
            assertTrue(Double.parseDouble(m.group(6)) > 0, "RSS read from /proc");
            // whisper.cpp has no encoder call apart from the whole call
            assertEquals(backend.equals("whisper.cpp"), m.group(2).equals("-"), run.out());
        }
        // the setting of JavaWhisperEquivalenceTest (this model and audio among its cases): the same work is timed
        assertTrue(run.out().contains("same text from every backend: yes"), run.out());
        assertEquals(List.of(), differingPairs(run.out()), run.out());
    }

    @Test
    void timesTheJavaAndOnnxEncodersInOneRunAndSkipsCudaWhereThereIsNone() throws Exception {
        Path cache = dir.resolve("cache");
        String jfk = SharedFixtures.file("audio/jfk.wav").toString();
        CliRun run = CliRun.of("bench", "backends", "--model-path", micro().toString(), "--model-dir",
                cache.toString(), "--audio", jfk, "--runs", "1", "--threads", "1", "--shrink-encoder-window",
                "--backends", "java,onnx-cuda,onnx,onnx-int8");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("window shrunk to the audio"), run.out());
        List<String> measured = cudaAvailable() ? List.of("java", "onnx-cuda", "onnx", "onnx-int8")
                : List.of("java", "onnx", "onnx-int8");
        for (String backend : measured) {
            Matcher m = row(run.out(), backend);
            assertTrue(m.find(), backend + " row with seven figures:\n" + run.out());
            double encoderMs = Double.parseDouble(m.group(2));
            double median = Double.parseDouble(m.group(3));
            assertTrue(encoderMs > 0 && median > 0, run.out());
            assertEquals(median / 1000 / 11.0, Double.parseDouble(m.group(5)), 0.001, "RTF = median / audio length");
        }
        if (!cudaAvailable()) {
            Matcher skipped = Pattern.compile("(?m)^onnx-cuda\\s+skipped: (.*)$").matcher(run.out());
            assertTrue(skipped.find(), "onnx-cuda skipped:\n" + run.out());
            assertTrue(skipped.group(1).contains("CUDA"), skipped.group(1));
            assertFalse(run.out().contains("onnx-cuda text:"), run.out());
        }
        // f32 graphs agree with the Java encoder to 1e-4: the same greedy text; int8 may or may not differ
        assertEquals(text(run.out(), "java"), text(run.out(), "onnx"), run.out());
        List<String> differing = differingPairs(run.out());
        assertTrue(differing.isEmpty() || differing.equals(List.of("java vs onnx-int8", "onnx vs onnx-int8")),
                run.out());
        assertTrue(run.out().contains("same text from every backend: " + (differing.isEmpty() ? "yes" : "no")),
                run.out());
        // both graphs were built into --model-dir, not the default cache
        try (Stream<Path> graphs = Files.list(cache.resolve("onnx-encoder"))) {
            // graph folders; dot files are the cache's own bookkeeping (the model's remembered checksum)
            List<String> names = graphs.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                    .sorted().toList();
            assertEquals(2, names.size(), names.toString());
            assertTrue(names.get(0).matches(".*-onnx-int8-v[0-9]+") && names.get(1).matches(".*-onnx-v[0-9]+"),
                    names.toString());
        }
    }

    @Test
    void failsWhenNoBackendCouldLoad() throws Exception {
        assumeFalse(cudaAvailable(), "this onnxruntime has CUDA: onnx-cuda loads");
        CliRun run = CliRun.of("bench", "backends", "--model-path", micro().toString(), "--model-dir",
                dir.resolve("cache-cuda").toString(), "--audio", SharedFixtures.file("audio/jfk.wav").toString(),
                "--runs", "1", "--threads", "1", "--backends", "onnx-cuda");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("onnx-cuda   skipped: "), run.out());
        assertTrue(run.err().contains("no backend could load"), run.toString());
    }

    @Test
    void namesThePairsWhoseTextsDiffer() {
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("java", "And so my fellow Americans");
        texts.put("onnx", "And so my fellow Americans");
        assertEquals(List.of(), BenchBackendsCommand.differingPairs(texts));
        texts.put("onnx-int8", "And so my fellow American");
        texts.put("whisper.cpp", "And so my fellow Americans");
        assertEquals(List.of("java vs onnx-int8", "onnx vs onnx-int8", "onnx-int8 vs whisper.cpp"),
                BenchBackendsCommand.differingPairs(texts));
    }

    @Test
    void refusesBadArguments() {
        Path wav = SharedFixtures.file("audio/jfk.wav");
        CliRun bad = CliRun.of("bench", "backends", "--model-path", "x.bin", "--audio", wav.toString(), "--runs", "0");
        assertNotEquals(0, bad.exitCode());
        assertTrue(bad.err().contains("--runs must be at least 1"), bad.toString());
        CliRun unknown = CliRun.of("bench", "backends", "--model-path", "x.bin", "--audio", wav.toString(),
                "--backends", "java,onnx-fp16");
        assertNotEquals(0, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown backend 'onnx-fp16' (accepted: whisper.cpp, java, onnx, onnx-int8,"
                + " onnx-cuda)"), unknown.toString());
        CliRun twice = CliRun.of("bench", "backends", "--model-path", "x.bin", "--audio", wav.toString(),
                "--backends", "onnx,java,onnx");
        assertNotEquals(0, twice.exitCode());
        assertTrue(twice.err().contains("onnx is listed twice"), twice.toString());
    }
}
