package dev.steno.obs.sei;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.steno.obs.cea608.Cea608Settings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SEI bytes written out by hand from ATSC A/53 Part 4 and H.264 7.3.2.3 / 7.4.1. */
class A53CaptionSeiTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final double NTSC = Cea608Settings.NTSC_FRAME_RATE;

    private static byte[] hex(String s) {
        return HEX.parseHex(s.replace(" ", ""));
    }

    @Test
    void ccCountKeepsTheChannelRate() {
        assertEquals(20, A53CaptionSei.ccCount(NTSC));
        assertEquals(20, A53CaptionSei.ccCount(30));
        assertEquals(10, A53CaptionSei.ccCount(60000.0 / 1001));
        assertEquals(24, A53CaptionSei.ccCount(25));
        assertEquals(25, A53CaptionSei.ccCount(24000.0 / 1001));
        assertThrows(IllegalArgumentException.class, () -> A53CaptionSei.ccCount(0));
    }

    @Test
    void userDataLayout() {
        String expected = "b5 0031 47413934 03 54 ff"   // country, ATSC, "GA94", cc_data, 0x40|20, em_data
                + " fc9425 fd8080" + " fa0000".repeat(18) + " ff";
        assertArrayEquals(hex(expected), A53CaptionSei.userData(0x9425, NTSC));
    }

    @Test
    void seiNalUnitLayout() {
        // NAL header 06 (type 6, nal_ref_idc 0), payload type 04, size 71 = 0x47, the user data, stop bit 80.
        String expected = "06 04 47 b5 0031 47413934 03 54 ff fcc8e9 fd8080" + " fa0000".repeat(18) + " ff 80";
        assertArrayEquals(hex(expected), A53CaptionSei.nal(0xc8e9, NTSC));
        // At 59.94 fps: ten triplets, size 11 + 30 = 41 = 0x29.
        String sixty = "06 04 29 b5 0031 47413934 03 4a ff fc942c fd8080" + " fa0000".repeat(8) + " ff 80";
        assertArrayEquals(hex(sixty), A53CaptionSei.nal(0x942c, 60000.0 / 1001));
    }

    @Test
    void emulationPreventionInsertsThreeAfterTwoZerosBeforeZeroToThree() {
        assertArrayEquals(hex("00 00 03 00 00 03 01 00 00 03 02 00 00 03 03 00 00 04 00 01"),
                EmulationPrevention.escape(hex("00 00 00 00 01 00 00 02 00 00 03 00 00 04 00 01")));
        assertArrayEquals(hex("fa 00 00 ff"), EmulationPrevention.escape(hex("fa 00 00 ff")));
        byte[] raw = hex("00 00 00 00 01 00 00 02 00 00 03 00 00 04 00 01 00 00");
        assertArrayEquals(raw, EmulationPrevention.unescape(EmulationPrevention.escape(raw)));
        // In the caption SEI every triplet starts with F8..FF, so "FA 00 00" never needs escaping: payload size
        // is the escaped size's pre-image.
        byte[] nal = A53CaptionSei.nal(0x9425, NTSC);
        assertArrayEquals(nal, EmulationPrevention.escape(nal));
    }

    @Test
    void annexBReaderSplitsOnThreeAndFourByteStartCodes() throws IOException {
        byte[] stream = hex("00 00 00 01 67 42 00 1e | 00 00 01 68 ce 38 80 | 00 00 00 01 65 88 84 00 00 03 00 21 00"
                .replace("|", ""));
        AnnexBReader reader = new AnnexBReader(new ByteArrayInputStream(stream));
        assertArrayEquals(hex("67 42 00 1e"), reader.next());
        assertArrayEquals(hex("68 ce 38 80"), reader.next());
        assertArrayEquals(hex("65 88 84 00 00 03 00 21"), reader.next());   // trailing zero belongs to nothing
        assertEquals(null, reader.next());
        assertThrows(IOException.class, () -> new AnnexBReader(new ByteArrayInputStream(hex("65 88"))).next());
    }

    @Test
    void injectorPutsOneSeiBeforeTheFirstSliceOfEachPicture() throws IOException {
        // SPS, PPS, IDR slice (first_mb 0), P slice (first_mb 0), second slice of the same picture (first_mb != 0).
        byte[] stream = hex("00000001 6742001e 00000001 68ce3880 00000001 65888400 00000001 419a0204"
                + " 00000001 41400211");
        int[] pairs = {0x9425, 0x9426};
        int[] next = {0};
        CaptionSeiInjector injector = new CaptionSeiInjector(() -> pairs[next[0]++], NTSC);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> tapped = new ArrayList<>();
        assertEquals(2, injector.inject(new ByteArrayInputStream(stream), out,
                (frame, pair) -> tapped.add(frame + ":" + Integer.toHexString(pair))));
        assertEquals(List.of("0:9425", "1:9426"), tapped);

        AnnexBReader reader = new AnnexBReader(new ByteArrayInputStream(out.toByteArray()));
        List<byte[]> units = new ArrayList<>();
        for (byte[] u; (u = reader.next()) != null; ) {
            units.add(u);
        }
        assertEquals(List.of(7, 8, 6, 5, 6, 1, 1), units.stream().map(u -> u[0] & 0x1F).toList());
        assertArrayEquals(A53CaptionSei.nal(0x9425, NTSC), units.get(2));
        assertArrayEquals(A53CaptionSei.nal(0x9426, NTSC), units.get(4));
        assertArrayEquals(hex("41400211"), units.get(6));
    }
}
