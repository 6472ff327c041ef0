package dev.steno.obs.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScriptDataTest {
    private static void key(DataOutputStream o, String k) throws IOException {
        byte[] b = k.getBytes(StandardCharsets.UTF_8);
        o.writeShort(b.length);
        o.write(b);
    }

    /** onMetaData as OBS writes it: numbers, a string, a boolean, a nested object and a strict array. */
    private static byte[] obsMetadata(double fps) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream o = new DataOutputStream(bytes);
        o.write(2);
        key(o, "onMetaData");
        o.write(8);
        o.writeInt(6);
        key(o, "duration");
        o.write(0);
        o.writeDouble(0);
        key(o, "encoder");
        o.write(2);
        key(o, "obs-output module (libobs version 30.2.3)");
        key(o, "nested");
        o.write(3);
        key(o, "framerate");
        o.write(0);
        o.writeDouble(99); // inside a nested object: not the stream's
        key(o, "");
        o.write(9);
        key(o, "list");
        o.write(10);
        o.writeInt(2);
        o.write(1);
        o.write(1);
        o.write(5);
        key(o, "stereo");
        o.write(1);
        o.write(1);
        key(o, "framerate");
        o.write(0);
        o.writeDouble(fps);
        key(o, "");
        o.write(9);
        return bytes.toByteArray();
    }

    @Test
    void readsTheFrameRateThatObsAnnounces() throws IOException {
        byte[] body = obsMetadata(59.94);
        Map<String, Object> props = ScriptData.metadata(body);
        assertEquals(59.94, ScriptData.frameRate(body).orElseThrow());
        assertEquals("obs-output module (libobs version 30.2.3)", props.get("encoder"));
        assertEquals(true, props.get("stereo"));
    }

    @Test
    void garbageAndImplausibleRatesGiveNothing() throws IOException {
        assertTrue(ScriptData.frameRate(obsMetadata(0)).isEmpty());
        assertTrue(ScriptData.frameRate(obsMetadata(1000)).isEmpty());
        assertTrue(ScriptData.frameRate(new byte[] {2, 0, 4, 'o', 'n', 'X', 'y'}).isEmpty());
        assertTrue(ScriptData.frameRate(new byte[0]).isEmpty());
        byte[] full = obsMetadata(30);
        for (int cut = 0; cut < full.length - 4; cut += 7) {
            assertTrue(ScriptData.frameRate(Arrays.copyOf(full, cut)).isEmpty(), "cut at " + cut);
        }
        byte[] badType = obsMetadata(30);
        badType[badType.length - 14] = 42;
        assertTrue(ScriptData.frameRate(badType).isEmpty());
    }
}
