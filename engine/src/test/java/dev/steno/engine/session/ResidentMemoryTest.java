package dev.steno.engine.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ResidentMemoryTest {
    @Test
    void readsVmRssInKilobytes() {
        assertEquals(OptionalLong.of(123_456L * 1024), ResidentMemory.parse(List.of("Name:\tjava",
                "VmHWM:\t  200000 kB", "VmRSS:\t  123456 kB", "RssAnon:\t   1000 kB")));
        assertEquals(OptionalLong.empty(), ResidentMemory.parse(List.of("Name:\tjava", "VmHWM:\t  200000 kB")));
        assertEquals(OptionalLong.empty(), ResidentMemory.parse(List.of("VmRSS:\t  lots")));
    }

    @Test
    void theProcessHoldsAtLeastItsHeapInUseWhereTheSystemSays() {
        OptionalLong rss = ResidentMemory.bytes();
        assertEquals(Files.isReadable(Path.of("/proc/self/status")), rss.isPresent());
        if (rss.isPresent()) {
            byte[] touched = new byte[32 << 20];
            Arrays.fill(touched, (byte) 1);
            assertTrue(ResidentMemory.bytes().getAsLong() >= touched.length, "a touched 32 MB array is resident");
            assertEquals(1, touched[touched.length - 1]);
        }
    }
}
