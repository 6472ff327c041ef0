package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServedModelTest {
    @Test
    void aModelFileGivesItsNameAndModificationTime(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("ggml-base.en.bin"), "weights");
        Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(1_690_000_123L, 700_000_000)));
        assertEquals(new ServedModel("ggml-base.en.bin", 1_690_000_123L), ServedModel.of(file));
    }

    @Test
    void anUnreadableFileIsCreatedAtZero(@TempDir Path dir) {
        assertEquals(new ServedModel("gone.bin", 0), ServedModel.of(dir.resolve("gone.bin")));
    }

    @Test
    void blankNamesAndNegativeTimesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ServedModel(" ", 0));
        assertThrows(IllegalArgumentException.class, () -> new ServedModel("m", -1));
    }
}
