package dev.steno.obs.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.obs.cea608.Cea608Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The caption feed's words reach a live SCC file as paced CEA-608 text. */
class SccFileSinkTest {
    @TempDir
    Path dir;

    @Test
    void committedWordsAreInTheSccFileAfterClose() throws Exception {
        Path file = dir.resolve("live.scc");
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            SccFileSink sink = new SccFileSink(file, Cea608Settings.defaults(), timer);
            sink.partial("HELLO ST");
            sink.committed(SubtitleFileSinkTest.words(0, 0.0, "HELLO STENO"));
            sink.close();
        } finally {
            timer.shutdownNow();
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals("Scenarist_SCC V1.0", lines.get(0));
        StringBuilder text = new StringBuilder();
        for (String line : lines.subList(1, lines.size())) {
            String[] parts = line.split("\t");
            if (parts.length < 2) {
                continue;
            }
            assertTrue(parts[0].matches("\\d\\d:\\d\\d:\\d\\d;\\d\\d"), "drop-frame timecode: " + line);
            for (String word : parts[1].trim().split(" ")) {
                int hi = Integer.parseInt(word.substring(0, 2), 16) & 0x7f;
                int lo = Integer.parseInt(word.substring(2, 4), 16) & 0x7f;
                // printable pairs only: control codes start with 0x10..0x1f
                if (hi >= 0x20) {
                    text.append((char) hi);
                    if (lo >= 0x20) {
                        text.append((char) lo);
                    }
                }
            }
        }
        assertTrue(text.toString().contains("HELLO STENO"), "caption text in the file: " + text);
    }
}
