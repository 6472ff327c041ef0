package dev.steno.obs.cea608;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class SccWriterTest {
    private static final double NTSC = Cea608Settings.NTSC_FRAME_RATE;

    @Test
    void dropFrameTimecodeSkipsTwoLabelsEachMinuteButEveryTenth() {
        assertEquals("00:00:00;00", Timecode.of(0, NTSC));
        assertEquals("00:00:01;00", Timecode.of(30, NTSC));
        assertEquals("00:00:59;29", Timecode.of(1799, NTSC));
        assertEquals("00:01:00;02", Timecode.of(1800, NTSC));   // ;00 and ;01 are skipped
        assertEquals("00:02:00;02", Timecode.of(1800 + 1798, NTSC));
        assertEquals("00:09:59;29", Timecode.of(17981, NTSC));
        assertEquals("00:10:00;00", Timecode.of(17982, NTSC));   // not skipped at the tenth minute
        assertEquals("01:00:00;00", Timecode.of(6 * 17982, NTSC)); // 107892 frames = one hour of clock time
        assertEquals("00:00:01:05", Timecode.of(30, 25));       // non-drop elsewhere
    }

    @Test
    void runsOfPairsBecomeTimedLinesAndPaddingIsLeftOut() {
        StringWriter text = new StringWriter();
        SccWriter scc = new SccWriter(text, NTSC);
        scc.accept(0, 0x8080);
        scc.accept(30, 0x9425);
        scc.accept(31, 0x9425);
        scc.accept(32, 0x8080);
        scc.accept(33, 0xc8e9);
        scc.accept(40, 0x942c);
        scc.accept(41, 0x942c);
        scc.accept(42, 0x9420);   // a doubled EDM changed the screen: the next pairs start a new line
        scc.accept(43, 0x9420);
        scc.accept(44, 0x942f);
        assertEquals("Scenarist_SCC V1.0\n\n00:00:01;00\t9425 9425\n\n00:00:01;03\tc8e9\n\n00:00:01;10\t942c 942c\n"
                + "\n00:00:01;12\t9420 9420 942f", text.toString());
    }
}
