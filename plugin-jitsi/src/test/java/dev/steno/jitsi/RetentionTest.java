package dev.steno.jitsi;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.Await;
import dev.steno.jitsi.store.JdbcTranscriptStore;
import dev.steno.jitsi.testing.JitsiServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --jitsi-retention-days: meetings idle for longer are deleted when the server starts and hourly after. */
class RetentionTest {
    @TempDir
    Path dir;

    @Test
    void meetingsPastRetentionAreDeletedOthersKept() throws Exception {
        long now = System.currentTimeMillis();
        try (JdbcTranscriptStore s = JdbcTranscriptStore.sqlite(dir)) {
            s.openMeeting("stale", now - TimeUnit.DAYS.toMillis(10));
            s.saveLine("stale", "a", 1, 0, 0, 1, " old", now - TimeUnit.DAYS.toMillis(9));
            s.openMeeting("recent", now - TimeUnit.DAYS.toMillis(10));
            s.saveLine("recent", "a", 1, 0, 0, 1, " new", now - TimeUnit.DAYS.toMillis(1));
        }
        try (JitsiServer server = JitsiServer.withTones(JitsiConfig.defaults(dir).withRetentionDays(7))) {
            String list = Await.until(Duration.ofSeconds(10), () -> server.get("/meetings").body(),
                    body -> !body.contains("\"stale\""), body -> "idle 9 days, retention 7: deleted: " + body);
            assertTrue(list.contains("\"recent\""), list);
        }
    }
}
