package dev.steno.engine.whisper;

import dev.steno.engine.asr.WhisperLanguages;
import dev.steno.engine.testing.SharedFixtures;
import org.junit.jupiter.api.Test;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tokenizer on the real tiny, tiny.en and large (v1/v2 shaped) vocabularies. */
class WhisperTokenizerTest {
    private static final Map<String, WhisperTokenizer> CACHE = new ConcurrentHashMap<>();

    static WhisperTokenizer tokenizer(String variant) {
        return CACHE.computeIfAbsent(variant, v -> {
            try {
                return WhisperTokenizer.of(GgmlWhisperFile.readHeaderOnly(
                        SharedFixtures.file("models/whisper-vocab/for-tests-ggml-" + v + ".bin")).vocabulary());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static final List<String> SAMPLES = List.of(
            "And so my fellow Americans, ask not what your country can do for you.",
            "Grüße aus München: Äpfel, Öl und Übermaß — ß!",
            "我们今天去北京看长城。",
            "日本語のテキスト、カタカナとひらがな。",
            "Привет, как дела? Всё хорошо.",
            "emoji 😀🎉👍🏽 and ♪ music ♪",
            "punctuation: \"quotes\" (parens) [brackets] {braces} <tags> @#$%^&*_+=~`|\\/",
            "multiple   spaces\tand tabs\n\nnewlines\r\n  indented  ",
            "   leading and trailing   ",
            "it's I'm we're they've he'll she'd don't",
            "numbers 12345 3.14159 1,000,000",
            "a\u00a0non-breaking\u2003em space",
            "");

    @Test
    void specialIdsMatchTheVocabulary() {
        for (String v : List.of("tiny", "tiny.en", "large")) {
            WhisperTokenizer t = tokenizer(v);
            WhisperVocabulary.SpecialTokens s = t.vocabulary().special();
            assertEquals(s.eot(), t.eot(), v);
            assertEquals(s.sot(), t.sot(), v);
            assertEquals(s.transcribe(), t.transcribe(), v);
            assertEquals(s.translate(), t.translate(), v);
            assertEquals(s.noTimestamps(), t.noTimestamps(), v);
            assertEquals(s.noSpeech(), t.noSpeech(), v);
            assertEquals(s.prev(), t.startOfPrev(), v);
            assertEquals(s.solm(), t.startOfLm(), v);
            assertEquals(s.timestampBegin(), t.timestampBegin(), v);
            assertEquals(t.vocabulary().size(), t.vocabSize(), v);
        }
        WhisperTokenizer tiny = tokenizer("tiny");
        assertEquals(51865, tiny.vocabSize());
        assertEquals(50257, tiny.eot());
        assertEquals(50258, tiny.sot());
        assertEquals(50259, tiny.languageToken("en"));
        assertEquals(50358, tiny.translate());
        assertEquals(50359, tiny.transcribe());
        assertEquals(50360, tiny.startOfLm());
        assertEquals(50361, tiny.startOfPrev());
        assertEquals(50362, tiny.noSpeech());
        assertEquals(50363, tiny.noTimestamps());
        assertEquals(50364, tiny.timestampBegin());
        WhisperTokenizer en = tokenizer("tiny.en");
        assertEquals(51864, en.vocabSize());
        assertEquals(50256, en.eot());
        assertEquals(50257, en.sot());
        assertEquals(50357, en.translate());
        assertEquals(50358, en.transcribe());
        assertEquals(50362, en.noTimestamps());
        assertEquals(50363, en.timestampBegin());
        assertFalse(en.multilingual());
        assertTrue(tiny.multilingual());
    }

    @Test
    void firstTokensAreGpt2BytesInGpt2Order() {
        int[] order = WhisperTokenizer.gpt2ByteOrder();
        for (String v : List.of("tiny", "tiny.en", "large")) {
            WhisperTokenizer t = tokenizer(v);
            WhisperVocabulary raw = t.vocabulary();
            boolean[] seen = new boolean[256];
            for (int id = 0; id < 256; id++) {
                byte[] b = t.tokenBytes(id);
                assertEquals(1, b.length, v + " token " + id);
                assertEquals(order[id], b[0] & 0xFF, v + " token " + id);
                seen[b[0] & 0xFF] = true;
                // The file itself stores bytes >= 0x80 as U+FFFD (the converter's lossy UTF-8); others verbatim.
                byte[] file = raw.tokenBytes(id);
                if (order[id] < 0x80) {
                    assertArrayEquals(new byte[]{(byte) order[id]}, file, v + " token " + id);
                } else {
                    assertEquals("\uFFFD", new String(file, StandardCharsets.UTF_8), v + " token " + id);
                }
            }
            for (boolean s : seen) {
                assertTrue(s);
            }
            assertEquals('!', t.tokenBytes(0)[0]);
            assertEquals(' ', t.tokenBytes(220)[0]);
            assertEquals('\n', t.tokenBytes(198)[0]);
        }
    }

    @Test
    void noFileTokenIsInvalidUtf8OnItsOwn() {
        // A fact about whisper.cpp's converter that the tokenizer's design rests on: partial-character tokens were
        // written as U+FFFD, so only the restored byte tokens can split a character.
        for (String v : List.of("tiny", "tiny.en", "large")) {
            WhisperVocabulary raw = tokenizer(v).vocabulary();
            for (int id = 0; id < raw.fileTokenCount(); id++) {
                assertTrue(validUtf8(raw.tokenBytes(id)), v + " token " + id);
            }
        }
    }

    @Test
    void decodesKnownTokens() {
        WhisperTokenizer tiny = tokenizer("tiny");
        assertEquals(" the", tiny.decode(new int[]{264}));
        assertEquals("Hello", tiny.decode(new int[]{15947}));
        assertEquals("中", tiny.decode(new int[]{5975}));
        assertEquals("Hello the", tiny.decode(List.of(15947, 264)));
        WhisperTokenizer en = tokenizer("tiny.en");
        assertEquals(" the", en.decode(new int[]{262}));
        assertEquals("Hello", en.decode(new int[]{15496}));
        assertEquals("Hello", tokenizer("large").decode(new int[]{15947}));
    }

    @Test
    void skipsOrRendersSpecialTokens() {
        WhisperTokenizer t = tokenizer("tiny");
        int[] seq = {t.sot(), t.languageToken("de"), t.transcribe(), t.timestampBegin(), 15947, 264,
                t.timestampBegin() + 54, t.eot()};
        assertEquals("Hello the", t.decode(seq));
        assertEquals("<|startoftranscript|><|de|><|transcribe|><|0.00|>Hello the<|1.08|><|endoftext|>",
                t.decodeWithSpecials(seq));
        assertEquals("<|startofprev|><|startoflm|><|nospeech|><|notimestamps|><|translate|><|en|>",
                t.decodeWithSpecials(new int[]{t.startOfPrev(), t.startOfLm(), t.noSpeech(), t.noTimestamps(),
                        t.translate(), t.languageToken("en")}));
        assertEquals("<|30.00|>", t.decodeWithSpecials(new int[]{t.timestampBegin() + 1500}));
        assertEquals(t.vocabSize() - 1, t.timestampBegin() + 1500);
        assertTrue(t.isTimestamp(t.timestampBegin() + 1500));
        assertFalse(t.isTimestamp(t.noTimestamps()));
        assertTrue(t.isSpecial(t.eot()));
        assertFalse(t.isSpecial(t.eot() - 1));
        assertEquals(1.08, t.timestampSeconds(t.timestampBegin() + 54), 1e-9);

        WhisperTokenizer en = tokenizer("tiny.en");
        assertEquals("<|startoftranscript|><|notimestamps|> the<|endoftext|>",
                en.decodeWithSpecials(new int[]{en.sot(), en.noTimestamps(), 262, en.eot()}));
        assertEquals(" the", en.decode(new int[]{en.sot(), 262, en.eot()}));
        assertThrows(IndexOutOfBoundsException.class, () -> t.decode(new int[]{t.vocabSize()}));
        assertThrows(IndexOutOfBoundsException.class, () -> t.decode(new int[]{-1}));
    }

    @Test
    void languageTokens() {
        WhisperTokenizer t = tokenizer("tiny");
        assertEquals(99, t.languageTokens().length);
        for (int i = 0; i < 99; i++) {
            String code = WhisperLanguages.CODES.get(i);
            assertEquals(t.sot() + 1 + i, t.languageToken(code));
            assertEquals(code, t.languageOf(t.sot() + 1 + i));
        }
        assertEquals(t.languageToken("de"), t.languageToken("DE"));
        assertEquals("su", t.languageOf(t.translate() - 1));
        assertNull(t.languageOf(t.translate()));
        assertNull(t.languageOf(t.sot()));
        assertNull(t.languageOf(264));
        // large-v1/v2 and tiny have 99 languages: no Cantonese token.
        assertThrows(IllegalArgumentException.class, () -> t.languageToken("yue"));
        assertThrows(IllegalArgumentException.class, () -> t.languageToken("xx"));
        assertThrows(IllegalArgumentException.class, () -> t.languageToken(null));
        assertEquals(t.languageToken("ja"), tokenizer("large").languageToken("ja"));

        WhisperTokenizer en = tokenizer("tiny.en");
        assertEquals(0, en.languageTokens().length);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> en.languageToken("en"));
        assertTrue(e.getMessage().contains("English-only"), e.getMessage());
        for (int id = en.sot(); id < en.vocabSize(); id++) {
            assertNull(en.languageOf(id));
        }
    }

    @Test
    void encodesLikeTiktokenOnEnglish() {
        // GPT-2's (tiny.en) and Whisper's multilingual tiktoken encodings of this sentence.
        String s = "And so my fellow Americans";
        assertArrayEquals(new int[]{1870, 523, 616, 5891, 3399}, tokenizer("tiny.en").encode(s));
        assertArrayEquals(new int[]{5289, 370, 452, 7177, 6280}, tokenizer("tiny").encode(s));
        assertArrayEquals(new int[]{5289, 370, 452, 7177, 6280}, tokenizer("large").encode(s));
        for (String v : List.of("tiny", "tiny.en", "large")) {
            WhisperTokenizer t = tokenizer(v);
            int[] tokens = t.encode(s);
            assertEquals(s, t.decode(tokens));
            assertTrue(tokens.length < s.getBytes(StandardCharsets.UTF_8).length / 3, Arrays.toString(tokens));
            // A word not in the vocabulary whole is still merged from pieces.
            int[] odd = t.encode(" Steno-transcriptionist");
            assertEquals(" Steno-transcriptionist", t.decode(odd));
            assertTrue(odd.length < 10, Arrays.toString(odd));
            assertArrayEquals(new int[]{t.encode(" the")[0]}, t.encode(" the"));
        }
        assertArrayEquals(new int[]{264}, tokenizer("tiny").encode(" the"));
        assertArrayEquals(new int[]{15947}, tokenizer("tiny").encode("Hello"));
        assertArrayEquals(new int[0], tokenizer("tiny").encode(""));
    }

    @Test
    void roundTripsMultilingualText() {
        for (String v : List.of("tiny", "tiny.en", "large")) {
            WhisperTokenizer t = tokenizer(v);
            for (String s : SAMPLES) {
                int[] tokens = t.encode(s);
                assertEquals(s, t.decode(tokens), v + ": " + Arrays.toString(tokens));
                for (int tok : tokens) {
                    assertFalse(t.isSpecial(tok));
                }
                // Streaming decode gives the same text.
                WhisperTokenizer.Utf8Accumulator acc = t.accumulator();
                StringBuilder sb = new StringBuilder();
                for (int tok : tokens) {
                    String part = acc.add(tok);
                    assertFalse(part.contains("\uFFFD"), v + ": " + s);
                    sb.append(part);
                }
                assertFalse(acc.hasPending());
                assertEquals(s, sb.toString());
            }
            // Special-token text is plain text when encoding.
            String special = "<|endoftext|>";
            int[] tokens = t.encode(special);
            assertEquals(special, t.decode(tokens));
            assertTrue(tokens.length > 1);
        }
        // Common characters are whole tokens in the multilingual vocabulary.
        WhisperTokenizer tiny = tokenizer("tiny");
        assertArrayEquals(new int[]{5975}, tiny.encode("中"));
        assertTrue(tiny.encode("我们今天去北京看长城。").length < "我们今天去北京看长城。".length());
    }

    @Test
    void byteTokensSplittingACharacterDecodeOnlyTogether() {
        WhisperTokenizer t = tokenizer("tiny.en");
        // English-only GPT-2 has no token for "😀" (F0 9F 98 80) in the file, so it is spelled with byte tokens.
        String emoji = "😀";
        int[] tokens = t.encode(emoji);
        assertTrue(tokens.length > 1, Arrays.toString(tokens));
        boolean someInvalidAlone = false;
        for (int tok : tokens) {
            someInvalidAlone |= !validUtf8(t.tokenBytes(tok));
        }
        assertTrue(someInvalidAlone);
        assertEquals(emoji, t.decode(tokens));
        // Decoded one at a time, the pieces are not the character.
        StringBuilder separately = new StringBuilder();
        for (int tok : tokens) {
            separately.append(t.decode(new int[]{tok}));
        }
        assertTrue(separately.toString().contains("\uFFFD"));
        assertFalse(separately.toString().equals(emoji));

        // The accumulator holds the incomplete tail back until the character completes.
        WhisperTokenizer.Utf8Accumulator acc = t.accumulator();
        assertEquals("Hello", acc.add(15496));
        for (int i = 0; i < tokens.length - 1; i++) {
            assertEquals("", acc.add(tokens[i]));
            assertTrue(acc.hasPending());
        }
        assertEquals(emoji, acc.add(tokens[tokens.length - 1]));
        assertFalse(acc.hasPending());
        assertEquals("", acc.add(t.eot()));

        // A single lead byte (0xE4, as in 中 = E4 B8 AD) then its continuation bytes.
        int e4 = byteToken(t, 0xE4);
        int b8 = byteToken(t, 0xB8);
        int ad = byteToken(t, 0xAD);
        assertEquals("中", t.decode(new int[]{e4, b8, ad}));
        assertEquals("", acc.add(e4));
        assertEquals("", acc.add(b8));
        assertArrayEquals(new byte[]{(byte) 0xE4, (byte) 0xB8}, acc.pendingBytes());
        assertEquals("中", acc.add(ad));
        // flush gives an incomplete tail as U+FFFD.
        acc.add(e4);
        assertEquals("\uFFFD", acc.flush());
        assertFalse(acc.hasPending());
        // A stray continuation byte is not held back (it can never complete).
        assertEquals("\uFFFD", acc.add(ad));
        assertFalse(acc.hasPending());
    }

    @Test
    void completeLengthRules() {
        assertEquals(0, WhisperTokenizer.Utf8Accumulator.completeLength(new byte[0]));
        assertEquals(1, WhisperTokenizer.Utf8Accumulator.completeLength(new byte[]{'a'}));
        assertEquals(1, WhisperTokenizer.Utf8Accumulator.completeLength(new byte[]{'a', (byte) 0xC3}));
        assertEquals(3, WhisperTokenizer.Utf8Accumulator.completeLength(new byte[]{'a', (byte) 0xC3, (byte) 0xA4}));
        assertEquals(0, WhisperTokenizer.Utf8Accumulator.completeLength(
                new byte[]{(byte) 0xF0, (byte) 0x9F, (byte) 0x98}));
        assertEquals(4, WhisperTokenizer.Utf8Accumulator.completeLength(
                new byte[]{(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80}));
        assertEquals(1, WhisperTokenizer.Utf8Accumulator.completeLength(new byte[]{(byte) 0xFF}));
    }

    @Test
    void nonSpeechTokens() {
        for (String v : List.of("tiny", "tiny.en", "large")) {
            WhisperTokenizer t = tokenizer(v);
            int[] ns = t.nonSpeechTokens();
            for (int i = 1; i < ns.length; i++) {
                assertTrue(ns[i - 1] < ns[i]);
            }
            List<Integer> list = new ArrayList<>();
            for (int n : ns) {
                list.add(n);
                assertFalse(t.isSpecial(n));
            }
            List<String> expected = new ArrayList<>(List.of("\"", "#", "(", ")", "[", "]", " (", " [", ">>", " -",
                    " '", "~", "--", " --"));
            if (t.multilingual()) {
                expected.addAll(List.of("♪", " ♪")); // GPT-2 (tiny.en) has no token for ♪
            }
            for (String s : expected) {
                int[] e = t.encode(s);
                assertEquals(1, e.length, v + " '" + s + "'");
                assertTrue(list.contains(e[0]), v + " '" + s + "'");
            }
            // Speech-like tokens are not suppressed.
            for (String s : List.of(" the", "Hello", ".", ",", "?", "!", "'", "-", " a")) {
                assertFalse(list.contains(t.encode(s)[0]), v + " '" + s + "'");
            }
            // Every listed token is one of the symbols, alone or after a space.
            for (int n : ns) {
                String text = t.decode(new int[]{n}).strip();
                assertFalse(text.isEmpty() && n != t.encode(" -")[0], v + " " + n);
                assertFalse(text.chars().anyMatch(Character::isLetterOrDigit), v + " " + n + " '" + text + "'");
            }
            assertTrue(ns.length > 40, v + ": " + ns.length);
        }
    }

    @Test
    void nonSpeechTokensMatchOpenAiExceptPartialCharacterTokens() {
        // OpenAI's non_speech_tokens as published in Hugging Face's generation_config suppress_tokens (special ids
        // dropped), less the first tokens of multi-token musical symbols: 873/3268 (multilingual) and
        // 17992/20724 (GPT-2) are partial-character tokens (" \xe2\x99", "\xe2\x99") that the ggml file stores as
        // U+FFFD, so they can be neither encoded nor told apart here.
        int[] multi = {1, 2, 7, 8, 9, 10, 14, 25, 26, 27, 28, 29, 31, 58, 59, 60, 61, 62, 63, 90, 91, 92, 93, 359,
                503, 522, 542, 893, 902, 918, 922, 931, 1350, 1853, 1982, 2460, 2627, 3246, 3253, 3536, 3846, 3961,
                4183, 4667, 6585, 6647, 7273, 9061, 9383, 10428, 10929, 11938, 12033, 12331, 12562, 13793, 14157, 14635,
                15265, 15618, 16553, 16604, 18362, 18956, 20075, 21675, 22520, 26130, 26161, 26435, 28279, 29464,
                31650, 32302, 32470, 36865, 42863, 47425, 49870, 50254};
        int[] english = {1, 2, 7, 8, 9, 10, 14, 25, 26, 27, 28, 29, 31, 58, 59, 60, 61, 62, 63, 90, 91, 92, 93, 357,
                366, 438, 532, 685, 705, 796, 930, 1058, 1220, 1267, 1279, 1303, 1343, 1377, 1391, 1635, 1782, 1875,
                2162, 2361, 2488, 3467, 4008, 4211, 4600, 4808, 5299, 5855, 6329, 7203, 9609, 9959, 10563, 10786,
                11420, 11709, 11907, 13163, 13697, 13700, 14808, 15306, 16410, 16791, 19203, 19510, 22305, 22935,
                27007, 30109, 30420, 33409, 34949, 40283, 40493, 40549, 47282, 49146};
        assertArrayEquals(multi, tokenizer("tiny").nonSpeechTokens());
        assertArrayEquals(multi, tokenizer("large").nonSpeechTokens());
        assertArrayEquals(english, tokenizer("tiny.en").nonSpeechTokens());
        for (int partial : new int[]{873, 3268}) {
            assertTrue(new String(tokenizer("tiny").tokenBytes(partial), StandardCharsets.UTF_8).contains("\uFFFD"));
        }
    }

    private static int byteToken(WhisperTokenizer t, int value) {
        for (int id = 0; id < 256; id++) {
            byte[] b = t.tokenBytes(id);
            if ((b[0] & 0xFF) == value) {
                return id;
            }
        }
        throw new AssertionError("no byte token " + value);
    }

    private static boolean validUtf8(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
