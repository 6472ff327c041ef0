package dev.steno.obs.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlvStreamTest {
    private static byte[] write(int flags, List<FlvTag> tags) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FlvWriter w = new FlvWriter(bytes);
        w.writeHeader(flags);
        for (FlvTag t : tags) {
            w.write(t);
        }
        w.flush();
        return bytes.toByteArray();
    }

    @Test
    void tagsSurviveAWriteAndRead() throws IOException {
        List<FlvTag> tags = List.of(new FlvTag(FlvTag.SCRIPT, 0, new byte[] {2, 0, 0}),
                AvcTags.config(), AvcTags.picture(40, 80, true),
                new FlvTag(FlvTag.AUDIO, 0x1234_5678L, new byte[] {(byte) 0xAF, 1, 9}),
                new FlvTag(FlvTag.VIDEO, 0xFFFF_FFFFL, new byte[0]));
        byte[] flv = write(5, tags);
        assertEquals('F', flv[0]);
        FlvReader r = new FlvReader(new ByteArrayInputStream(flv));
        assertEquals(5, r.readHeader());
        for (FlvTag t : tags) {
            FlvTag back = r.next();
            assertEquals(t.type(), back.type());
            assertEquals(t.timestamp(), back.timestamp(), "32-bit timestamps use the extension byte");
            assertArrayEquals(t.body(), back.body());
        }
        assertNull(r.next(), "a clean end between tags");
        assertEquals(tags.size(), r.tagsRead());
    }

    @Test
    void garbageIsRejectedWithWhatWasWrong() throws IOException {
        IOException notFlv = assertThrows(IOException.class,
                () -> new FlvReader(new ByteArrayInputStream("GET / HTTP/1.1\r\n\r\n".getBytes())).readHeader());
        assertTrue(notFlv.getMessage().contains("not an FLV stream") && notFlv.getMessage().contains("47 45 54"),
                notFlv.getMessage());

        byte[] good = write(1, List.of(AvcTags.picture(0, 0, true), AvcTags.picture(33, 0, false)));

        byte[] truncated = Arrays.copyOf(good, good.length - 7);
        FlvReader r = new FlvReader(new ByteArrayInputStream(truncated));
        r.readHeader();
        r.next();
        IOException cut = assertThrows(IOException.class, r::next);
        assertTrue(cut.getMessage().contains("ended inside") && cut.getMessage().contains("tag 1"), cut.getMessage());

        byte[] wrongSize = good.clone();
        int firstTagEnd = 13 + 11 + AvcTags.picture(0, 0, true).body().length;
        wrongSize[firstTagEnd + 3] ^= 0x10;
        FlvReader r2 = new FlvReader(new ByteArrayInputStream(wrongSize));
        r2.readHeader();
        IOException corrupt = assertThrows(IOException.class, r2::next);
        assertTrue(corrupt.getMessage().contains("corrupt"), corrupt.getMessage());

        byte[] unknownType = good.clone();
        unknownType[13] = 7;
        FlvReader r3 = new FlvReader(new ByteArrayInputStream(unknownType));
        r3.readHeader();
        IOException type = assertThrows(IOException.class, r3::next);
        assertTrue(type.getMessage().contains("unknown type 7"), type.getMessage());

        byte[] encrypted = good.clone();
        encrypted[13] |= 0x20;
        FlvReader r4 = new FlvReader(new ByteArrayInputStream(encrypted));
        r4.readHeader();
        assertTrue(assertThrows(IOException.class, r4::next).getMessage().contains("encrypted"));

        byte[] version2 = good.clone();
        version2[3] = 2;
        assertTrue(assertThrows(IOException.class, () -> new FlvReader(new ByteArrayInputStream(version2))
                .readHeader()).getMessage().contains("version 2"));
    }
}
