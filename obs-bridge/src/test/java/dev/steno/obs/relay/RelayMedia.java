package dev.steno.obs.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.obs.cea608.Ffmpeg;
import dev.steno.engine.transcript.Word;
import dev.steno.obs.caption.CaptionSink;
import dev.steno.obs.caption.CommittedWords;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** FFmpeg-made streams for the relay tests, and what FFmpeg reads back from them. */
final class RelayMedia {
    private RelayMedia() {
    }

    /**
     * An FLV like OBS's defaults make: H.264 (x264, two B-frames, key frame every 2 s) at 30 fps over JFK's speech
     * in AAC; {@code seconds} long.
     */
    static void obsLikeStream(Path dir, String name, Path speech, int seconds) throws IOException, InterruptedException {
        Ffmpeg.run(dir, "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30",
                "-i", speech.toString(), "-t", String.valueOf(seconds), "-map", "0:v", "-map", "1:a",
                "-c:v", "libx264", "-preset", "veryfast", "-bf", "2", "-g", "60", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "64k", "-ar", "44100", "-f", "flv", name);
        String frames = Ffmpeg.run(dir, "ffprobe", "-v", "error", "-select_streams", "v", "-show_entries",
                "frame=pict_type", "-of", "csv", name);
        assertTrue(frames.contains("frame,B"), "the test stream has B-frames");
    }

    /**
     * Per stream (0 video, 1 audio), the size and MD5 of every packet's data with all SEI NAL units removed: what must
     * be identical after the relay (FFmpeg's framemd5; timestamps left out, as RTMP may shift them).
     */
    static Map<String, List<String>> packetHashes(Path dir, String file) throws IOException, InterruptedException {
        String out = Ffmpeg.run(dir, "ffmpeg", "-v", "error", "-i", file, "-map", "0:v", "-map", "0:a", "-c", "copy",
                "-bsf:v", "filter_units=remove_types=6", "-f", "framemd5", "-");
        Map<String, List<String>> byStream = new LinkedHashMap<>();
        for (String line : out.lines().toList()) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length < 6) {
                continue;
            }
            byStream.computeIfAbsent(f[0].strip(), k -> new ArrayList<>()).add(f[4].strip() + ":" + f[5].strip());
        }
        return byStream;
    }

    /**
     * Fails unless both files hold the same packets (see {@link #packetHashes}), naming the first difference instead
     * of printing every checksum.
     */
    static void assertSamePackets(Path dir, String expectedFile, String actualFile) throws IOException,
            InterruptedException {
        Map<String, List<String>> expected = packetHashes(dir, expectedFile);
        Map<String, List<String>> actual = packetHashes(dir, actualFile);
        assertEquals(expected.keySet(), actual.keySet(), "streams of " + actualFile);
        for (String stream : expected.keySet()) {
            List<String> e = expected.get(stream);
            List<String> a = actual.get(stream);
            int i = 0;
            while (i < Math.min(e.size(), a.size()) && e.get(i).equals(a.get(i))) {
                i++;
            }
            assertTrue(i == e.size() && i == a.size(), actualFile + " stream " + stream + ": " + a.size() + " packets, "
                    + e.size() + " sent; first difference at packet " + i);
        }
    }

    /** The caption cues FFmpeg's 608 decoder finds in a video file. */
    static List<Ffmpeg.Cue> cues(Path dir, String file) throws IOException, InterruptedException {
        String srt = file + ".srt";
        Ffmpeg.run(dir, "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "movie=" + file + "[out0+subcc]",
                "-map", "0:1", srt);
        return Ffmpeg.srt(dir.resolve(srt));
    }

    /** Each distinct bottom row, in order of first appearance, with that time. */
    static Map<String, Double> rows(List<Ffmpeg.Cue> cues) {
        Map<String, Double> rows = new LinkedHashMap<>();
        for (Ffmpeg.Cue c : cues) {
            rows.putIfAbsent(c.bottom(), c.start());
        }
        return rows;
    }

    /** A TCP port free a moment ago (FFmpeg listens on it next). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Whether a socket listens on the port (Linux's /proc/net/tcp; an FFmpeg listener takes only one connection). */
    static boolean listening(int port) throws IOException {
        String hex = String.format(":%04X ", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (Files.exists(p) && Files.readAllLines(p).stream()
                    .anyMatch(l -> l.contains(hex) && l.split("\\s+")[4].equals("0A"))) {
                return true;
            }
        }
        return false;
    }

    /** A caption sink that keeps every committed word, in order: the relay's transcript as the tests see it. */
    static CaptionSink transcriptInto(List<Word> words) {
        return new CaptionSink() {
            @Override
            public String name() {
                return "transcript";
            }

            @Override
            public void committed(CommittedWords committed) {
                words.addAll(committed.words());
            }
        };
    }
}
