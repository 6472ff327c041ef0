package dev.steno.engine.model;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsoleProgressBarTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final ConsoleProgressBar bar = new ConsoleProgressBar(out, clock::get);
    private final WhisperModel model = ModelCatalog.require("tiny");

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static long count(String s, char c) {
        return s.chars().filter(ch -> ch == c).count();
    }

    @Test
    void drawsInPlaceAndEndsAtOneHundredPercentOnItsOwnLine() {
        long total = 10_000_000;
        bar.started(model, total);
        bar.progress(0, total);
        clock.addAndGet(500_000_000L);
        bar.progress(5_000_000, total);
        clock.addAndGet(500_000_000L);
        bar.progress(total, total);
        bar.finished(Path.of("/cache/ggml-tiny.bin"), "ab".repeat(32));

        String s = text();
        assertTrue(s.startsWith("\rggml-tiny.bin"), s);
        assertTrue(s.contains(" 50% ["), s);
        assertTrue(s.contains("5.0/10.0 MB"), s);
        assertTrue(s.contains("10.0 MB/s"), s);
        int lastBar = s.lastIndexOf('\r');
        String finalLine = s.substring(lastBar, s.indexOf('\n', lastBar));
        assertTrue(finalLine.contains("100% [########################]"), finalLine);
        assertTrue(finalLine.contains("10.0/10.0 MB"), finalLine);
        assertTrue(s.contains("\n  saved /cache/ggml-tiny.bin (SHA-256 " + "ab".repeat(32) + ")"), s);
        assertTrue(s.endsWith(System.lineSeparator()), "the final line is terminated");
    }

    @Test
    void redrawsAtMostTenTimesASecond() {
        long total = 1_000_000;
        bar.started(model, total);
        for (int i = 0; i < 1000; i++) {
            bar.progress(i * 100L, total);
            clock.addAndGet(1_000_000L); // 1 ms apart: 1 s in all
        }
        long redraws = count(text(), '\r');
        assertTrue(redraws >= 9 && redraws <= 11, "redraws: " + redraws);

        bar.progress(total, total);
        assertEquals(redraws + 1, count(text(), '\r'), "completion is always drawn");
    }

    @Test
    void unknownTotalShowsMegabytesOnly() {
        bar.started(model, -1);
        bar.progress(2_500_000, -1);
        bar.finished(Path.of("/cache/ggml-tiny.bin"), "00".repeat(32));
        String s = text();
        assertTrue(s.contains("ggml-tiny.bin  2.5 MB"), s);
        assertFalse(s.contains("%"), s);
    }

    @Test
    void failureEndsTheLineSoTheErrorStartsFresh() {
        bar.started(model, 100);
        bar.progress(40, 100);
        bar.failed(new ModelDownloadException("boom"));
        assertTrue(text().endsWith(System.lineSeparator()), text());
    }

    @Test
    void shorterLineBlanksOutTheRestOfTheLongerOne() {
        bar.started(model, -1);
        bar.progress(0, -1);
        clock.addAndGet(1_000_000_000L);
        bar.progress(123_456_789, -1); // 123.5 MB/s
        clock.addAndGet(1_000_000_000_000L);
        bar.progress(123_456_790, -1); // the rate collapses to 0.1 MB/s: a shorter text

        String[] draws = text().split("\r");
        String longer = draws[draws.length - 2];
        String shorter = draws[draws.length - 1];
        assertTrue(shorter.strip().length() < longer.strip().length(), longer + " / " + shorter);
        assertTrue(shorter.length() >= longer.length(), "the redraw covers the whole previous line");
        assertTrue(shorter.startsWith("ggml-tiny.bin  123.5 MB  0.1 MB/s"), shorter);
    }
}
