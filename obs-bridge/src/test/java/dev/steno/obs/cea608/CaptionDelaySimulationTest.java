package dev.steno.obs.cea608;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.transcript.Word;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's simulation itself: timelines and accounting (its figures are printed by steno bench captions). */
class CaptionDelaySimulationTest {
    @Test
    void steadyRateTimeline() {
        List<Word> words = CaptionDelaySimulation.steadyRate("one two three", 3, 2);
        assertEquals(6, words.size());
        assertEquals("one", words.get(0).text());
        assertEquals(" one", words.get(3).text());
        assertEquals(2.0, words.get(5).end(), 1e-9);
    }

    @Test
    void turnsAreSplitIntoWordsInsideEachTurn() throws Exception {
        List<Word> words = CaptionDelaySimulation.fromTurns(
                SharedFixtures.file("audio/synthetic/dialogue-a.txt"));
        assertEquals("Good", words.get(0).text());
        assertEquals(0.5, words.get(0).start(), 1e-9);
        assertEquals(" budget.", words.get(words.size() - 1).text());
        assertEquals(24.798, words.get(words.size() - 1).end(), 1e-6);
        for (int i = 1; i < words.size(); i++) {
            assertTrue(words.get(i).start() >= words.get(i - 1).end() - 1e-9, "in order");
        }
    }

    @Test
    void everyWordIsAccountedForAndDelaysAreBounded() {
        Cea608Settings settings = Cea608Settings.defaults().withMaxDelaySeconds(1.5);
        var slow = CaptionDelaySimulation.run(settings,
                CaptionDelaySimulation.steadyRate(CaptionDelaySimulation.SAMPLE_TEXT, 3, 30), 0);
        assertEquals(90, slow.words());
        assertEquals(90, slow.sent());
        assertTrue(slow.medianDelaySeconds() >= 0 && slow.p95DelaySeconds() < 0.6, slow.toString());

        var fast = CaptionDelaySimulation.run(settings,
                CaptionDelaySimulation.steadyRate("extraordinary circumstances", 7, 30), 0);
        assertEquals(fast.words(), fast.sent() + fast.dropped());
        assertTrue(fast.dropped() > 0 && fast.maxDelaySeconds() < 1.5 + 0.5, fast.toString());
        assertTrue(fast.busyFraction() > 0.95, "channel saturated: " + fast);
    }
}
