package dev.steno.obs.cea608;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.steno.engine.testing.SystemPrograms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * FFmpeg as the caption oracle (Debian package {@code ffmpeg}): runs it and reads back the SRT and ASS it writes.
 * Missing FFmpeg fails the test under {@code CI=true} and skips it elsewhere.
 */
public final class Ffmpeg {
    private Ffmpeg() {
    }

    /** Fails (CI) or skips (elsewhere) unless {@code ffmpeg} runs. */
    public static void require() {
        boolean present;
        try {
            Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            present = p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            present = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            present = false;
        }
        SystemPrograms.require(present, "ffmpeg", "ffmpeg");
    }

    /** Runs ffmpeg (or ffprobe) in {@code dir}; returns its combined output, failing on a non-zero exit. */
    public static String run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + String.join(" ", cmd));
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            fail(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n" + text);
        }
        return text;
    }

    /** One subtitle event: times in seconds and its rows, top to bottom. */
    public record Cue(double start, double end, List<String> rows) {
        public String bottom() {
            return rows.get(rows.size() - 1);
        }
    }

    private static final Pattern SRT_TIME = Pattern.compile(
            "(\\d+):(\\d+):(\\d+),(\\d+) --> (\\d+):(\\d+):(\\d+),(\\d+)");

    /** The cues of an SRT file as FFmpeg's 608 decoder writes it (font tags and ASS overrides removed). */
    public static List<Cue> srt(Path file) throws IOException {
        List<Cue> cues = new ArrayList<>();
        String[] blocks = Files.readString(file).replace("\r", "").split("\n\n");
        for (String block : blocks) {
            String[] lines = block.strip().split("\n");
            if (lines.length < 3) {
                continue;
            }
            Matcher m = SRT_TIME.matcher(lines[1]);
            assertTrue(m.matches(), "SRT time line: " + lines[1]);
            List<String> rows = new ArrayList<>();
            for (int i = 2; i < lines.length; i++) {
                String row = lines[i].replaceAll("<[^>]*>", "").replaceAll("\\{[^}]*}", "").strip();
                if (!row.isEmpty()) {
                    rows.add(row);
                }
            }
            if (!rows.isEmpty()) {
                cues.add(new Cue(seconds(m, 1), seconds(m, 5), rows));
            }
        }
        return cues;
    }

    private static double seconds(Matcher m, int g) {
        return Integer.parseInt(m.group(g)) * 3600 + Integer.parseInt(m.group(g + 1)) * 60
                + Integer.parseInt(m.group(g + 2)) + Integer.parseInt(m.group(g + 3)) / 1000.0;
    }

    /** A row of an ASS event: its vertical position and text. */
    record AssRow(int y, String text) {
    }

    private static final Pattern POS = Pattern.compile("\\\\pos\\((\\d+),(\\d+)\\)");

    /** Every row of every Dialogue line of an ASS file FFmpeg's 608 decoder wrote, with its y position. */
    static List<List<AssRow>> ass(Path file) throws IOException {
        List<List<AssRow>> events = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.startsWith("Dialogue:")) {
                continue;
            }
            String text = line.split(",", 10)[9];
            List<AssRow> rows = new ArrayList<>();
            for (String row : text.split("\\\\N")) {
                Matcher m = POS.matcher(row);
                if (m.find()) {
                    rows.add(new AssRow(Integer.parseInt(m.group(2)), row.replaceAll("\\{[^}]*}", "").strip()));
                }
            }
            events.add(rows);
        }
        return events;
    }

    /** FFmpeg's y positions for rows 14 and 15, learnt from a hand-written pop-on caption (PACs 9440, 94e0). */
    static int[] bottomRowPositions(Path dir) throws IOException, InterruptedException {
        Files.writeString(dir.resolve("rows.scc"), "Scenarist_SCC V1.0\n\n00:00:00;10\t"
                + "9420 9420 94ae 94ae 9440 9440 c1c1 94e0 94e0 c2c2 942c 942c 942f 942f\n\n"
                + "00:00:02;00\t942c 942c\n");
        run(dir, "ffmpeg", "-v", "error", "-y", "-i", "rows.scc", "rows.ass");
        List<AssRow> rows = ass(dir.resolve("rows.ass")).get(0);
        assertTrue(rows.size() == 2 && rows.get(0).text().equals("AA") && rows.get(1).text().equals("BB"),
                "reference caption: " + rows);
        return new int[] {rows.get(0).y(), rows.get(1).y()};
    }
}
