package dev.steno.obs.cea608;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CharacterSetTest {
    private final CharacterSet set = new CharacterSet();

    /** A readable form of glyphs: basic as the character byte in hex, special/extended as their code. */
    private String codes(String text) {
        return set.encode(text).stream().map(CharacterSetTest::describe).collect(Collectors.joining(" "));
    }

    private static String describe(Glyph g) {
        return switch (g.kind()) {
            case BASIC -> String.format("%02x", g.code());
            case SPECIAL -> String.format("S%02x%02x", g.set(), g.code());
            case EXTENDED -> String.format("X%02x%02x/%c", g.set(), g.code(), (char) g.fallback());
        };
    }

    @Test
    void asciiLettersDigitsAndPunctuationAreBasic() {
        assertEquals("48 65 6c 6c 6f 2c 20 57 6f 72 6c 64 21 20 31 32 33 3f", codes("Hello, World! 123?"));
    }

    @Test
    void basicSetReplacesNineAsciiPositions() {
        // 2A a-acute, 5C e-acute, 5E i-acute, 5F o-acute, 60 u-acute, 7B c-cedilla, 7C division, 7D N-tilde,
        // 7E n-tilde, 7F solid block.
        assertEquals("2a 5c 5e 5f 60 7b 7c 7d 7e 7f", codes("áéíóúç÷Ññ█"));
    }

    @Test
    void specialCharacters() {
        // 11 30-3F: registered, degree, 1/2, inverted ?, TM, cent, pound, note, a-grave, (transparent space),
        // e-grave, a/e/i/o/u-circumflex.
        assertEquals("S1130 S1131 S1132 S1133 S1134 S1135 S1136 S1137 S1138 S113a S113b S113c S113d S113e S113f",
                codes("®°½¿™¢£♪àèâêîôû"));
    }

    @Test
    void extendedCharactersCarryABasicFallback() {
        assertEquals("X1220/A X1221/E X1225/u X1227/! X122a/- X122b/c X122e/\" X122f/\" X1232/C X1236/e X123e/\"",
                codes("ÁÉü¡—©“”Çë«"));
        assertEquals("X1320/A X1334/s X1331/a X1333/o X1338/A X1339/a X133b/o", codes("ÃßäöÅåø"));
        // The ASCII characters the basic set gave away come back through the extended sets.
        assertEquals("X1228/. X132b// X132c/' X132d/- X1329/( X132a/) X132e/! X132f/-", codes("*\\^_{}|~"));
    }

    @Test
    void fallbackTransliteratesLigaturesQuotesDashesAndAccents() {
        assertEquals(codes("oeuvre"), codes("œuvre"));
        assertEquals(codes("it's - ok..."), codes("it’s – ok…"));
        assertEquals(codes("Lodz"), codes("Łódź").replace("5f", "6f"));   // ó is basic; Ł, ź are transliterated
        assertEquals(codes("Gro"), codes("Grő"));
        assertEquals(codes("fi"), codes("ﬁ"));
        assertEquals(codes("EUR 5"), codes("€ 5"));
    }

    @Test
    void unmappableRunsBecomeOnePlaceholder() {
        assertEquals(codes("? ok ?"), codes("日本語 ok Ωμέγα"));
        assertEquals(List.of(), set.encode("\u0301"));   // a lone combining mark shows nothing
    }
}
