package dev.steno.engine.diarization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.diarization.DiarizationConfig.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiarizationTest {
    @Test
    void theBaselineOpensWithoutAnyFile() {
        try (DiarizerFactory f = Diarization.open(DiarizationConfig.baseline(4))) {
            assertEquals("baseline", f.name());
            assertTrue(f.newDiarizer().finish().isEmpty());
        }
    }

    @Test
    void modelBackendsNameWhatIsWrongWithTheirFiles(@TempDir Path dir) throws Exception {
        Path notOnnx = Files.writeString(dir.resolve("model.onnx"), "this is not a model");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> Diarization.open(
                new DiarizationConfig(Backend.DIART, 4, null, "low", null, null, 0.6, 0.3, 1.0)));
        assertTrue(missing.getMessage().contains("segmentation"), missing.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Diarization.open(
                new DiarizationConfig(Backend.DIART, 4, null, "low", notOnnx, notOnnx, 0.6, 0.3, 1.0)));
        assertTrue(bad.getMessage().contains("model.onnx"), bad.getMessage());
        IllegalArgumentException sortformer = assertThrows(IllegalArgumentException.class, () -> Diarization.open(
                new DiarizationConfig(Backend.SORTFORMER, 4, notOnnx, "low", null, null, 0.6, 0.3, 1.0)));
        assertTrue(sortformer.getMessage().contains("model.onnx"), sortformer.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Diarization.open(
                new DiarizationConfig(Backend.SORTFORMER, 4, null, "low", null, null, 0.6, 0.3, 1.0)));
        assertThrows(IllegalArgumentException.class, () -> DiarizationConfig.baseline(0));
    }
}
