package dev.steno.obs.cea608;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steno.engine.transcript.Word;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Byte streams for small captions, written out by hand from the tables of cea608.md (parity bit added where the
 * seven data bits hold an even number of ones).
 */
class GoldenStreamTest {
    // Control codes, CC1, doubled on the wire.
    private static final String RU2 = "9425 9425";
    private static final String RU3 = "9426 9426";
    private static final String CR = "94ad 94ad";
    private static final String PAC15 = "94e0 94e0";
    private static final String PAC14 = "9440 9440";
    private static final String RCL = "9420 9420";
    private static final String ENM = "94ae 94ae";
    private static final String EDM = "942c 942c";
    private static final String EOC = "942f 942f";

    private static List<Word> words(String... texts) {
        List<Word> out = new ArrayList<>();
        for (String t : texts) {
            out.add(new Word(t, 0, 0));
        }
        return out;
    }

    /** The next {@code n} pairs as hex words. */
    private static String pairs(Cea608CaptionSink sink, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(String.format(Locale.ROOT, "%04x", sink.nextPair()));
        }
        return String.join(" ", out);
    }

    private static String join(String... parts) {
        return Arrays.stream(parts).collect(Collectors.joining(" "));
    }

    @Test
    void rollUpTwoRowsCc1() {
        Cea608CaptionSink sink = new Cea608CaptionSink(Cea608Settings.defaults());
        sink.commit(words(" Hello", " world."));
        // "He" c8e5, "ll" ecec, "o " ef20, "wo" f7ef, "rl" f2ec, "d." 64ae; then padding.
        assertEquals(join(RU2, CR, PAC15, "c8e5 ecec ef20 f7ef f2ec 64ae", "8080 8080"), pairs(sink, 14));
    }

    @Test
    void rollUpWrapsAt32ColumnsWithANewRow() {
        Cea608CaptionSink sink = new Cea608CaptionSink(Cea608Settings.defaults().withMode(CaptionMode.ROLL_UP_3));
        // 31 characters, then a word that does not fit: a new row (RU3 CR PAC) and no leading space; 'b' = 0x62.
        sink.commit(words("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", " bb"));
        String a31 = "6161 ".repeat(15) + "6180";   // 'a' = 0x61 (three ones): 15 pairs and a lone one
        assertEquals(join(RU3, CR, PAC15, a31, RU3, CR, PAC15, "6262", "8080 8080 8080"), pairs(sink, 32));
    }

    @Test
    void rollUpOnCc2SetsTheChannelBit() {
        Cea608CaptionSink sink = new Cea608CaptionSink(Cea608Settings.defaults().withChannel(Channel.CC2));
        sink.commit(words("Hi"));
        // 1C 25, 1C 2D -> 1c ad, PAC row 15: 1C 60 -> 1c e0; "Hi" = c8 e9.
        assertEquals("1c25 1c25 1cad 1cad 1ce0 1ce0 c8e9 8080", pairs(sink, 8));
    }

    @Test
    void specialAndExtendedCharactersAreDoubledAfterTheirText() {
        Cea608CaptionSink sink = new Cea608CaptionSink(Cea608Settings.defaults());
        sink.commit(words("Café", " ♪", " É!"));
        // C a f é(basic 5C -> dc) | " " + note (11 37 -> 91 37, doubled) | " " + E fallback, then 12 21 doubled,
        // then "!" (0x21 -> a1) padded.
        assertEquals(join(RU2, CR, PAC15, "4361 e6dc", "2080 9137 9137", "2045 92a1 92a1", "a180", "8080"),
                pairs(sink, 16));
    }

    @Test
    void speakerChangeStartsARowMarkedWithChevrons() {
        Cea608CaptionSink sink = new Cea608CaptionSink(Cea608Settings.defaults());
        sink.commit(1, words("Hi"));
        sink.commit(2, words(" Yo"));
        // ">>" = 3e 3e (five ones each: no parity bit); "Yo" = d9 ef.
        assertEquals(join(RU2, CR, PAC15, "c8e9", RU2, CR, PAC15, "3e3e 20d9 ef80", "8080 8080"), pairs(sink, 18));
    }

    @Test
    void popOnLoadsOffScreenAndShowsOnTheBottomRows() {
        Cea608CaptionSink sink = new Cea608CaptionSink(Cea608Settings.defaults().withMode(CaptionMode.POP_ON));
        sink.commit(words("Hi"));
        sink.flush();
        assertEquals(join(RCL, ENM, PAC15, "c8e9", EDM, EOC, "8080"), pairs(sink, 12));
    }

    @Test
    void popOnWrapsIntoRows14And15() {
        Cea608CaptionSink sink = new Cea608CaptionSink(Cea608Settings.defaults().withMode(CaptionMode.POP_ON));
        sink.commit(words("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", " bb"));   // 30 + 3 > 32: two rows
        sink.flush();
        String a30 = String.join(" ", java.util.Collections.nCopies(15, "6161"));
        assertEquals(join(RCL, ENM, PAC14, a30, PAC15, "6262", EDM, EOC, "8080 8080 8080 8080"), pairs(sink, 32));
    }

    @Test
    void popOnShowsACaptionWhenWordsStopComing() {
        Cea608CaptionSink sink = new Cea608CaptionSink(Cea608Settings.defaults().withMode(CaptionMode.POP_ON)
                .withPopOnHoldSeconds(0.5));
        sink.commit(words("Hi"));
        // Hold: round(0.5 * 29.97) = 15 frames of padding, then the caption.
        assertEquals("8080 ".repeat(15) + join(RCL, ENM, PAC15, "c8e9", EDM, EOC), pairs(sink, 26));
    }

    @Test
    void silenceErasesTheScreenOnceAndPartialTextHoldsItOff() {
        Cea608CaptionSink sink = new Cea608CaptionSink(Cea608Settings.defaults().withClearAfterSilenceSeconds(1.0));
        sink.commit(words("Hi"));
        String first = pairs(sink, 7);
        assertEquals(join(RU2, CR, PAC15, "c8e9"), first);
        // Word sent in frame 6; 30 frames (1 s at 29.97) later, at frame 36, the erase goes out.
        String idle = pairs(sink, 29);
        assertEquals("8080 ".repeat(28) + "8080", idle);
        assertEquals(EDM + " 8080", pairs(sink, 3));
        assertEquals("8080 ".repeat(99) + "8080", pairs(sink, 100), "erased once only");

        Cea608CaptionSink held = new Cea608CaptionSink(Cea608Settings.defaults().withClearAfterSilenceSeconds(1.0));
        held.commit(words("Hi"));
        pairs(held, 20);
        held.partial(" still talk");   // speech goes on: the clock restarts
        assertEquals("8080 ".repeat(29) + "8080", pairs(held, 30));
        assertEquals(EDM, pairs(held, 2));
    }

    @Test
    void silenceCallErasesOnceTheQueueHasGoneOut() {
        Cea608CaptionSink sink = new Cea608CaptionSink(Cea608Settings.defaults());
        sink.commit(words("Hi"));
        sink.silence();
        // "Hi" leaves in frame 6 and stays readable for 1.5 s (45 frames): the erase goes out in frame 51, long
        // before the 4 s silence erase.
        assertEquals(join(RU2, CR, PAC15, "c8e9", "8080 ".repeat(44).strip(), EDM, "8080"), pairs(sink, 54));
        sink.silence();   // nothing on screen: nothing to erase
        assertEquals("8080 ".repeat(199).strip() + " 8080", pairs(sink, 200));

        Cea608CaptionSink popOn = new Cea608CaptionSink(Cea608Settings.defaults().withMode(CaptionMode.POP_ON));
        popOn.commit(words("Hi"));
        popOn.silence();   // the caption being built is shown at once, erased 1.5 s later
        assertEquals(join(RCL, ENM, PAC15, "c8e9", EDM, EOC, "8080 ".repeat(44).strip(), EDM),
                pairs(popOn, 11 + 44 + 2));
    }
}
