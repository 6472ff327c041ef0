package dev.steno.engine.policy.alignatt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.asr.JavaWhisperRecognizer;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.RandomModelFile;
import dev.steno.engine.transcript.Word;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A random-weight model under {@link SpeechEmulation} commits its script: one word per token at the scripted rate. */
class SpeechEmulationTest {
    @RegisterExtension
    static final RandomModelFile MODEL = new RandomModelFile("ggml-micro.bin", RandomGgmlWhisper.Config.MICRO, 5);

    @ParameterizedTest
    @CsvSource({"3.5, true", "3.5, false", "2.5, true"})
    void commitsTheScriptedTokensAtTheirTimes(double rate, boolean shrink) throws Exception {
        int seconds = 8;
        List<Word> words = new ArrayList<>();
        try (JavaWhisperRecognizer recognizer = JavaWhisperRecognizer.load(MODEL.path(),
                new JavaWhisperRecognizer.JavaWhisperConfig(shrink, true), 1)) {
            AlignAttPolicy policy = SpeechEmulation.policy(new JavaWhisperAlignAttModel(recognizer),
                    AlignAttConfig.builder().language("en").shrinkEncoderWindow(shrink).build(), rate);
            float[] second = new float[16000];
            for (int s = 0; s < seconds; s++) {
                for (int i = 0; i < second.length; i++) {
                    second[i] = (float) (0.1 * Math.sin(i * 0.05 + s));
                }
                policy.insertAudio(second);
                words.addAll(policy.process().committed());
            }
            words.addAll(policy.finish().committed());
        }
        // token i is spoken at i / rate s: ceil(seconds * rate) of them in the stream, the last one possibly held
        // back by the end-of-stream step's frame threshold, none past the end
        int spoken = (int) Math.ceil(seconds * rate);
        assertTrue(words.size() == spoken || words.size() == spoken - 1, words.size() + " words for " + spoken);
        for (int i = 0; i < words.size(); i++) {
            Word w = words.get(i);
            assertEquals(i / rate, w.start(), 0.03, "word " + i + " starts where the script speaks it");
            assertTrue(w.text().strip().chars().allMatch(Character::isLetter), w.text());
        }
        assertEquals(words.size(), new HashSet<>(words.stream().map(Word::text).toList()).size(), "distinct words");
    }

    @Test
    void refusesRatesThatAreNotPositive() {
        assertThrows(IllegalArgumentException.class, () -> SpeechEmulation.checkedRate(0));
        assertThrows(IllegalArgumentException.class, () -> SpeechEmulation.checkedRate(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> SpeechEmulation.checkedRate(Double.POSITIVE_INFINITY));
        assertEquals(3.5, SpeechEmulation.checkedRate(3.5));
    }
}
