package dev.steno.obs.sei;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.obs.cea608.Cea608Settings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The injector's reading of slice headers, on hand-made NAL units. */
class CaptionSeiInjectorTest {
    @Test
    void sliceTypeIsReadFromTheExpGolombFields() {
        // first_mb_in_slice 0 ("1"), then slice_type: 1 ("010") is B, 7 ("0001000") is I, 5 ("00110") is P
        assertEquals(1, CaptionSeiInjector.sliceType(new byte[] {0x01, (byte) 0xA0}));
        assertEquals(7, CaptionSeiInjector.sliceType(new byte[] {0x65, (byte) 0x88}));
        assertEquals(5, CaptionSeiInjector.sliceType(new byte[] {0x41, (byte) 0x98}));
        // first_mb_in_slice 3 ("00100"), slice_type 6 ("00111"): a B slice that does not start a picture
        assertEquals(6, CaptionSeiInjector.sliceType(new byte[] {0x01, 0x21, (byte) 0xC0}));
        assertEquals(-1, CaptionSeiInjector.sliceType(new byte[] {0x01}), "too short to tell");
        assertEquals(-1, CaptionSeiInjector.sliceType(new byte[] {0x01, 0x00, 0x00}), "no terminating one bit");
    }

    @Test
    void aStreamWithBFramesIsRefusedWithAReason() {
        byte[] stream = {0, 0, 0, 1, 0x65, (byte) 0x88, 0, 0, 0, 1, 0x01, (byte) 0xA0};   // I picture, then a B one
        CaptionSeiInjector injector = new CaptionSeiInjector(() -> 0x8080, Cea608Settings.NTSC_FRAME_RATE);
        IOException e = assertThrows(IOException.class,
                () -> injector.inject(new ByteArrayInputStream(stream), new ByteArrayOutputStream()));
        assertTrue(e.getMessage().contains("picture 1") && e.getMessage().contains("-bf 0"), e.getMessage());
    }
}
