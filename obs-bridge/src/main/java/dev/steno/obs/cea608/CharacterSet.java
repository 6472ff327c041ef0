package dev.steno.obs.cea608;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps Unicode text to CEA-608 glyphs: the basic set (ASCII with nine positions replaced by accented letters and
 * symbols), the special characters {@code 11 30-3F} and the two extended sets {@code 12/13 20-3F}. Anything else
 * is transliterated (ligatures, typographic quotes and dashes, accents stripped) or, failing that, replaced by a
 * placeholder; a run of unmappable characters becomes one placeholder so that, say, a CJK word reads as one "?"
 * rather than a row of them.
 *
 * <p>Instances are immutable and safe to share.
 */
public final class CharacterSet {
    /** What an unmappable character (after transliteration) becomes. */
    public static final char PLACEHOLDER = '?';

    private final Map<Integer, Glyph> glyphs = new HashMap<>();
    private final Map<Integer, String> transliterations = new HashMap<>();

    /** The standard North-American tables. */
    public CharacterSet() {
        for (int c = 0x20; c < 0x7F; c++) {
            glyphs.put(c, Glyph.basic(c));
        }
        // Basic-set positions that are not ASCII; the ASCII characters they displace move to the extended sets.
        int[][] basicOverrides = {{0x2A, 'á'}, {0x5C, 'é'}, {0x5E, 'í'}, {0x5F, 'ó'}, {0x60, 'ú'}, {0x7B, 'ç'},
                {0x7C, '÷'}, {0x7D, 'Ñ'}, {0x7E, 'ñ'}, {0x7F, '█'}};
        for (int[] o : basicOverrides) {
            glyphs.remove(o[0]);
        }
        for (int[] o : basicOverrides) {
            glyphs.put(o[1], Glyph.basic(o[0]));
        }
        // Special characters 11 30-3F (0x39, the transparent space, has no character of its own).
        String special = "®°½¿™¢£♪à\0èâêîôû";
        for (int i = 0; i < special.length(); i++) {
            if (special.charAt(i) != 0) {
                glyphs.put((int) special.charAt(i), Glyph.special(0x30 + i));
            }
        }
        // Extended sets 12 20-3F (Spanish, French, miscellaneous) and 13 20-3F (Portuguese, German, Danish),
        // each with the basic character a decoder without them shows instead.
        extended(0x12, "ÁÉÓÚÜü‘¡*'—©℠•“”ÀÂÇÈÊËëÎÏïÔÙùÛ«»", "AEOUUu'!.'-cs.\"\"AACEEEeIIiOUuU\"\"");
        extended(0x13, "ÃãÍÌìÒòÕõ{}\\^_|~ÄäÖöß¥¤¦ÅåØø┌┐└┘", "AaIIiOoOo()/'-!-AaOosYo!AaOo++++");

        String[][] table = {{"’", "'"}, {"ʼ", "'"}, {"‚", ","}, {"„", "\""}, {"‹", "<"}, {"›", ">"}, {"`", "'"},
                {"´", "'"}, {"–", "-"}, {"‐", "-"}, {"‑", "-"}, {"−", "-"}, {"―", "-"}, {"…", "..."},
                {"œ", "oe"}, {"Œ", "OE"}, {"æ", "ae"}, {"Æ", "AE"}, {"ł", "l"}, {"Ł", "L"}, {"đ", "d"},
                {"Đ", "D"}, {"ð", "d"}, {"Ð", "D"}, {"þ", "th"}, {"Þ", "Th"}, {"ı", "i"}, {"ĸ", "k"},
                {"€", "EUR"}, {"×", "x"}, {"·", "."}, {"⁄", "/"}, {"§", "S"}, {"¶", "P"}, {"\u00A0", " "},
                {"\t", " "}, {"\n", " "}, {"\r", " "}};
        for (String[] t : table) {
            transliterations.put(t[0].codePointAt(0), t[1]);
        }
    }

    private void extended(int set, String characters, String fallbacks) {
        if (characters.length() != 32 || fallbacks.length() != 32) {
            throw new IllegalStateException("extended table " + set + " must have 32 entries");
        }
        for (int i = 0; i < 32; i++) {
            Glyph fallback = glyphs.get((int) fallbacks.charAt(i));
            if (fallback == null || fallback.kind() != Glyph.Kind.BASIC || fallback.code() != fallbacks.charAt(i)) {
                throw new IllegalStateException("fallback '" + fallbacks.charAt(i) + "' is not a basic character");
            }
            // The extended "plain single quote" duplicates the basic apostrophe; basic wins (cheaper).
            Glyph existing = glyphs.get((int) characters.charAt(i));
            if (existing == null || existing.kind() != Glyph.Kind.BASIC) {
                glyphs.put((int) characters.charAt(i), Glyph.extended(set, 0x20 + i, fallbacks.charAt(i)));
            }
        }
    }

    /** The glyph for one code point, or null when it has none of its own (see {@link #encode}). */
    public Glyph glyph(int codePoint) {
        return glyphs.get(codePoint);
    }

    /** The glyphs that show {@code text}, transliterating or replacing what has no glyph. */
    public List<Glyph> encode(CharSequence text) {
        List<Glyph> out = new ArrayList<>(text.length());
        boolean lastWasPlaceholder = false;
        for (int i = 0; i < text.length(); ) {
            int cp = Character.codePointAt(text, i);
            i += Character.charCount(cp);
            Glyph g = glyphs.get(cp);
            if (g != null) {
                out.add(g);
                lastWasPlaceholder = false;
                continue;
            }
            if (Character.getType(cp) == Character.NON_SPACING_MARK || Character.isISOControl(cp) && !isBreak(cp)) {
                continue;  // a stray combining mark or control character shows nothing
            }
            List<Glyph> substitute = transliterate(cp);
            if (substitute != null) {
                out.addAll(substitute);
                lastWasPlaceholder = false;
            } else if (!lastWasPlaceholder) {
                out.add(glyphs.get((int) PLACEHOLDER));
                lastWasPlaceholder = true;
            }
        }
        return out;
    }

    private static boolean isBreak(int cp) {
        return cp == '\t' || cp == '\n' || cp == '\r';
    }

    /** Glyphs for a character without its own: the table, else its compatibility decomposition minus accents. */
    private List<Glyph> transliterate(int cp) {
        String replacement = transliterations.get(cp);
        if (replacement == null) {
            String decomposed = Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFKD);
            StringBuilder sb = new StringBuilder();
            decomposed.codePoints()
                    .filter(c -> Character.getType(c) != Character.NON_SPACING_MARK)
                    .forEach(c -> sb.append(transliterations.getOrDefault(c, new String(Character.toChars(c)))));
            replacement = sb.toString();
            if (replacement.isEmpty() || replacement.equals(new String(Character.toChars(cp)))) {
                return null;
            }
        }
        List<Glyph> out = new ArrayList<>(replacement.length());
        for (int i = 0; i < replacement.length(); ) {
            int c = replacement.codePointAt(i);
            i += Character.charCount(c);
            Glyph g = glyphs.get(c);
            if (g == null) {
                return null;
            }
            out.add(g);
        }
        return out;
    }
}
