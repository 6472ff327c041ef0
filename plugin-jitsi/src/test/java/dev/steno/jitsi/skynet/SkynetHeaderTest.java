package dev.steno.jitsi.skynet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SkynetHeaderTest {
    private static ByteBuffer frame(String header, byte pad, int pcm) {
        byte[] f = new byte[SkynetHeader.SIZE + pcm];
        Arrays.fill(f, 0, SkynetHeader.SIZE, pad);
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(h, 0, f, 0, h.length);
        return ByteBuffer.wrap(f);
    }

    @Test
    void nulAndSpacePaddingAreStripped() {
        assertEquals(new SkynetHeader("a1b2c3d4", "en"), SkynetHeader.parse(frame("a1b2c3d4|en", (byte) 0, 10)));
        assertEquals(new SkynetHeader("a1b2c3d4", "de"), SkynetHeader.parse(frame("a1b2c3d4|de", (byte) ' ', 0)));
        assertEquals(new SkynetHeader("p", null), SkynetHeader.parse(frame("p|", (byte) 0, 0)));
        ByteBuffer f = frame("x|fr", (byte) 0, 4);
        SkynetHeader.parse(f);
        assertEquals(0, f.position(), "the frame is not consumed");
    }

    @Test
    void encodeIsTheInverse() {
        byte[] h = SkynetHeader.encode("ü-participant", "pt");
        assertEquals(SkynetHeader.SIZE, h.length);
        assertEquals(new SkynetHeader("ü-participant", "pt"), SkynetHeader.parse(ByteBuffer.wrap(h)));
    }

    @Test
    void badHeadersSayWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SkynetHeader.parse(frame("a1b2c3d4 en", (byte) 0, 2))).getMessage().contains("no '|'"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SkynetHeader.parse(ByteBuffer.allocate(59))).getMessage().contains("shorter than"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SkynetHeader.parse(frame("|en", (byte) 0, 2))).getMessage().contains("no participant"));
        ByteBuffer bad = frame("", (byte) 0, 0);
        bad.put(0, (byte) 0xC3).put(1, (byte) 0x28);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SkynetHeader.parse(bad)).getMessage()
                .contains("not UTF-8"));
    }
}
