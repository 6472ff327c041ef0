package dev.steno.jitsi.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A map file kept in step with run-time changes, so a restart finds what the REST API set. */
class ParticipantMapFileTest {
    @TempDir
    Path dir;

    @Test
    void changesAreWrittenBackAndLoadAgainWithTheirKeys() throws Exception {
        Path file = dir.resolve("rtp-map.json");
        Files.writeString(file, """
                {"mappings": [{"meeting": "standup", "participant": "alice", "ssrc": "0x11111111", "port": 5004}]}
                """);
        ParticipantMap map = ParticipantMap.load(file);
        map.persistTo(file);
        String key = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcd".getBytes());
        SrtpKey srtp = SrtpKey.parse("AES_CM_128_HMAC_SHA1_32:" + key);
        map.put(new RtpMapping("standup", "bob", 0x22222222L, 5004, 111, srtp));
        map.remove(0x11111111L, 5004);

        ParticipantMap restarted = ParticipantMap.load(file);
        assertEquals(1, restarted.all().size(), Files.readString(file));
        RtpMapping bob = restarted.resolve(5004, 0x22222222L);
        assertEquals("bob", bob.participant());
        assertEquals(111, bob.payloadType());
        assertEquals(srtp, bob.srtp(), "the SRTP key survives the restart");
        assertNull(restarted.resolve(5004, 0x11111111L), "alice was removed");
        assertTrue(map.toJson().toString().contains("bob") && !map.toJson().toString().contains(key),
                "the REST view still hides the key");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void aFailedWriteKeepsTheMapServing() throws Exception {
        Path missingDir = dir.resolve("gone/rtp-map.json");
        ParticipantMap map = new ParticipantMap();
        map.persistTo(missingDir);
        map.put(new RtpMapping("m", "carol", 0x33333333L, null, null, null));
        assertEquals("carol", map.resolve(5004, 0x33333333L).participant());
    }
}
