package dev.steno.obs.cea608;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.transcript.Word;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pacing on a simulated frame clock: one pair per frame, bounded delay, shortening when speech outruns it. */
class PacingTest {
    private static final double FPS = Cea608Settings.NTSC_FRAME_RATE;

    /** Collects what happened to each word. */
    private static final class Recorder implements CaptionDeliveryListener {
        final List<Long> delays = new ArrayList<>();
        final List<Word> dropped = new ArrayList<>();
        Word lastSent;

        @Override
        public void sent(Word word, long queuedFrame, long sentFrame) {
            delays.add(sentFrame - queuedFrame);
            lastSent = word;
        }

        @Override
        public void dropped(Word word, long queuedFrame, long frame) {
            dropped.add(word);
        }
    }

    /**
     * Speaks {@code seconds} of words at {@code wordsPerSecond}, committing each as its time comes, pulling one pair
     * per frame; returns the pairs.
     */
    private static List<Integer> speak(Cea608CaptionSink sink, String[] vocabulary, double wordsPerSecond,
                                       double seconds, double tailSeconds) {
        List<Integer> pairs = new ArrayList<>();
        int spoken = 0;
        long frames = Math.round((seconds + tailSeconds) * FPS);
        for (long f = 0; f < frames; f++) {
            double now = f / FPS;
            while (now < seconds && spoken / wordsPerSecond <= now) {
                String w = vocabulary[spoken % vocabulary.length];
                sink.commit(List.of(new Word(" " + w, spoken / wordsPerSecond, spoken / wordsPerSecond + 0.2)));
                spoken++;
            }
            pairs.add(sink.nextPair());
        }
        return pairs;
    }

    @Test
    void exactlyOnePairPerFrameAndPaddingWhenIdle() {
        Cea608CaptionSink sink = new Cea608CaptionSink(Cea608Settings.defaults());
        for (int i = 0; i < 100; i++) {
            assertEquals(0x8080, sink.nextPair());
        }
        sink.commit(List.of(new Word(" Hello", 0, 1)));
        int nonPadding = 0;
        for (int i = 0; i < 100; i++) {
            int p = sink.nextPair();
            assertTrue(p >= 0 && p <= 0xFFFF);
            assertTrue(Parity.hasOddParity(p >> 8) && Parity.hasOddParity(p), "parity of every byte");
            nonPadding += p != 0x8080 ? 1 : 0;
        }
        assertEquals(6 + 3, nonPadding, "RU2 CR PAC doubled and three text pairs, nothing more");
        assertEquals(200, sink.stats().frames());
    }

    @Test
    void aboveThirtyFramesASecondEveryOtherFrameCarriesThePairs() {
        // 59.94p: the same pairs, at 608's own rate, on the even frames; odd frames pad; delays in frames double
        Cea608CaptionSink at30 = new Cea608CaptionSink(Cea608Settings.defaults());
        Cea608CaptionSink at60 = new Cea608CaptionSink(Cea608Settings.defaults().withFrameRate(2 * FPS));
        assertEquals(1, at30.settings().framesPerPair());
        assertEquals(2, at60.settings().framesPerPair());
        at30.commit(List.of(new Word(" Hello", 0, 1), new Word(" there", 1, 2)));
        at60.commit(List.of(new Word(" Hello", 0, 1), new Word(" there", 1, 2)));
        List<Integer> pairs30 = new ArrayList<>();
        List<Integer> pairs60 = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            pairs30.add(at30.nextPair());
            pairs60.add(at60.nextPair());
            assertEquals(0x8080, at60.nextPair(), "odd frame " + (2 * i + 1));
        }
        assertEquals(pairs30, pairs60, "the even frames carry exactly what 29.97 fps carries");
        assertEquals(80, at60.stats().frames());
        assertEquals(at30.stats().paddingFrames(), at60.stats().paddingFrames(), "rule frames are not idle padding");
    }

    @Test
    void conversationalSpeechIsSentCompleteWithShortDelay() {
        Recorder rec = new Recorder();
        Cea608CaptionSink sink = new Cea608CaptionSink(Cea608Settings.defaults(), rec);
        String[] words = "thanks I would like to start with the release schedule for next month".split(" ");
        speak(sink, words, 3.0, 20, 2);
        assertEquals(0, rec.dropped.size());
        assertEquals(60, rec.delays.size());
        long worst = rec.delays.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue(worst <= 15, "at 3 words/s no word waits more than half a second, worst " + worst + " frames");
    }

    @Test
    void fastSpeechIsShortenedAndTheDelayStaysBounded() {
        Recorder rec = new Recorder();
        Cea608Settings settings = Cea608Settings.defaults().withMaxDelaySeconds(2.0);
        Cea608CaptionSink sink = new Cea608CaptionSink(settings, rec);
        // 6 words/s of 10-letter words: ~66 characters/s plus row overhead, more than the ~60/s the channel carries.
        String[] words = {"captioning", "throughput", "experiment", "individual", "technology"};
        List<Integer> pairs = speak(sink, words, 6.0, 20, 4);

        assertTrue(rec.dropped.size() > 0, "some words must be dropped");
        assertEquals(120, rec.delays.size() + rec.dropped.size(), "every word is either sent or dropped");
        long bound = Math.round(2.0 * FPS) + 6;   // the bound plus one word being encoded
        for (long d : rec.delays) {
            assertTrue(d <= bound, "delay " + d + " frames over the bound " + bound);
        }
        // Never stalls: while speech outruns the channel no frame is wasted on padding.
        long firstPadding = pairs.subList(0, (int) Math.round(20 * FPS)).indexOf(0x8080);
        assertEquals(-1, firstPadding, "padding while words were waiting");
        // The gap is marked: "..." = ae ae ae after a space (20 ae, ae ..).
        String hex = hex(pairs);
        assertTrue(hex.contains("20ae aeae") || hex.contains("aeae ae"), "ellipsis marks a gap");
        assertTrue(sink.stats().wordsDropped() == rec.dropped.size());
    }

    @Test
    void shorteningKeepsTheNewestWords() {
        Recorder rec = new Recorder();
        Cea608CaptionSink sink = new Cea608CaptionSink(Cea608Settings.defaults().withMaxDelaySeconds(1.0), rec);
        List<Word> burst = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            burst.add(new Word(" word" + i, i * 0.1, i * 0.1 + 0.1));
        }
        sink.commit(burst);
        for (int i = 0; i < 200; i++) {
            sink.nextPair();
        }
        assertTrue(rec.dropped.size() > 20);
        // The oldest go; the most recent survive.
        assertEquals(" word0", rec.dropped.get(0).text());   // nothing was encoded yet: the oldest goes first
        assertEquals(" word39", rec.lastSent.text());
        assertEquals(40 - rec.dropped.size(), rec.delays.size());
        assertTrue(rec.delays.size() >= 2);
    }

    private static String hex(List<Integer> pairs) {
        StringBuilder sb = new StringBuilder();
        for (int p : pairs) {
            sb.append(String.format("%04x ", p));
        }
        return sb.toString();
    }
}
