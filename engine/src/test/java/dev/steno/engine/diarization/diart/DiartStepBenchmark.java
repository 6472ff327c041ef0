package dev.steno.engine.diarization.diart;

import dev.steno.engine.diarization.SpeakerSegment;
import dev.steno.engine.diarization.diart.SyntheticDiart.Turn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time of one diart step (0.5 s of new audio: segmentation of the 5 s window padded to 10 s, fbank, overlap-aware
 * embeddings of the active local speakers, clustering, aggregation, binarisation) with the synthetic models of the
 * tests, in milliseconds per step. The synthetic models are cheap next to real ones (pyannote segmentation-3.0 is a
 * SincNet + LSTM of 1.5 M parameters, a WeSpeaker ResNet34 6.6 M), so this measures the host's own share of a step.
 * Not run by the test suite. Run it from the repository root with
 * <pre>
 * ./mvnw -pl engine test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java --add-modules jdk.incubator.vector -cp engine/target/test-classes:engine/target/classes:$(cat engine/target/cp.txt) \
 *     org.openjdk.jmh.Main DiartStepBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class DiartStepBenchmark {
    private Path dir;
    private SegmentationModel segmentation;
    private EmbeddingModel embedding;
    private DiartDiarizer diarizer;
    private float[] audio;
    private int position;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("diart-bench");
        segmentation = SegmentationModel.load(SyntheticDiart.segmentation(dir.resolve("seg.onnx")));
        embedding = EmbeddingModel.load(SyntheticDiart.embedding(dir.resolve("emb.onnx")));
        diarizer = new DiartDiarizer(segmentation, embedding, DiartConfig.defaults());
        // two voices taking turns of 2 to 4 s, so that windows hold one or two speakers
        audio = SyntheticDiart.render(new Turn(SyntheticDiart.LOW, 3), new Turn(SyntheticDiart.HIGH, 2),
                new Turn(SyntheticDiart.LOW, 4), new Turn(SyntheticDiart.HIGH, 3), new Turn(null, 1),
                new Turn(SyntheticDiart.HIGH, 2), new Turn(SyntheticDiart.LOW, 5));
        diarizer.accept(audio, 0, 5 * 16000, List.of());
        position = 5 * 16000;
    }

    /** One step: the next 0.5 s of audio, cycling through the script. */
    @Benchmark
    public List<SpeakerSegment> step() {
        if (position + 8000 > audio.length) {
            position = 0;
        }
        List<SpeakerSegment> out = diarizer.accept(audio, position, 8000, List.of());
        position += 8000;
        return out;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        segmentation.close();
        embedding.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }
}
