package dev.steno.obs.source;

import dev.steno.engine.stream.StreamService;
import dev.steno.engine.testing.TestStreams;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.Await;
import dev.steno.obs.CaptionBridge;
import dev.steno.obs.caption.CaptionFeed;
import dev.steno.obs.caption.CaptionSink;
import dev.steno.obs.caption.CommittedWords;
import dev.steno.obs.sink.SubtitleFileSink;
import dev.steno.obs.testing.ScriptedRecognizer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raw PCM on stdin, through a live session and the caption feed, to the sinks. */
class StdinCaptionsTest {
    @TempDir
    Path dir;

    @Test
    void samplesSplitAtOddByteBoundariesDecodeTheSame() throws Exception {
        float[] audio = ScriptedRecognizer.speak(1, 3);
        audio[5] = -0.5f;
        audio[6] = 32767 / 32768f;
        byte[] pcm = ScriptedRecognizer.pcm(audio);
        // a stream that returns 1, 2, 3, ... bytes per read, so samples straddle reads
        InputStream trickle = new InputStream() {
            int pos;
            int step = 1;

            @Override
            public int read() {
                return pos < pcm.length ? pcm[pos++] & 0xFF : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= pcm.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, step++ % 7 + 1), pcm.length - pos);
                System.arraycopy(pcm, pos, b, off, n);
                pos += n;
                return n;
            }
        };
        List<Float> got = new ArrayList<>();
        new PcmS16leSource(trickle, "test").run((s, off, len) -> {
            for (int i = 0; i < len; i++) {
                got.add(s[off + i]);
            }
        });
        float[] decoded = new float[got.size()];
        for (int i = 0; i < decoded.length; i++) {
            decoded[i] = got.get(i);
        }
        assertArrayEquals(audio, decoded);
    }

    @Test
    void pcmOnStdinBecomesCaptionsAndSubtitles() throws Exception {
        int words = 24;
        byte[] pcm = ScriptedRecognizer.pcm(ScriptedRecognizer.speak(1, words));
        PipedOutputStream ffmpeg = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(ffmpeg, 1 << 16);
        List<CommittedWords> committed = new CopyOnWriteArrayList<>();
        List<String> partials = new CopyOnWriteArrayList<>();
        AtomicReference<Exception> writerFailed = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try (ffmpeg) {
                int lastSecond = (pcm.length - 32_000) / 3200 * 3200;
                for (int off = 0; off < pcm.length; off += 3200) { // 100 ms of audio every 10 ms: 10x real time
                    if (off == lastSecond) {
                        // captions come while the stream runs: the last second (two words) waits until some did
                        Await.until(Duration.ofSeconds(30), () -> !committed.isEmpty()
                                && partials.stream().anyMatch(p -> !p.isEmpty()),
                                () -> "a commit and a partial before the end of the stream: " + committed + partials);
                    }
                    ffmpeg.write(pcm, off, Math.min(3200, pcm.length - off));
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                writerFailed.set(e);
            }
        });
        CaptionSink recorder = new CaptionSink() {
            @Override
            public String name() {
                return "recorder";
            }

            @Override
            public void partial(String text) {
                partials.add(text);
            }

            @Override
            public void committed(CommittedWords w) {
                committed.add(w);
            }
        };
        Path srt = dir.resolve("live.srt");
        try (StreamService service = TestStreams.localAgreement(new ScriptedRecognizer(), 4)) {
            CaptionFeed feed = new CaptionFeed(List.of(recorder, new SubtitleFileSink(srt, SubtitleFileSink.Format.SRT)),
                    Duration.ofSeconds(30));
            writer.start();
            CaptionBridge.run(new PcmS16leSource(stdin, "stdin"), service, null, feed);
            feed.close();
        }
        writer.join();
        if (writerFailed.get() != null) {
            throw writerFailed.get();
        }
        String expected = IntStream.rangeClosed(1, words).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
        assertEquals(expected, committed.stream().map(CommittedWords::text).collect(Collectors.joining(" ")),
                "every word committed once, in order");
        // committed while streaming (before the last second was sent, see the writer) and at the end
        assertTrue(committed.size() > 1, "committed while streaming, not only at the end: " + committed.size());
        assertTrue(partials.stream().anyMatch(p -> !p.isEmpty()), "tentative text was shown");
        assertEquals(0.0, committed.get(0).start(), 1e-6, "stream time starts with the audio");
        assertEquals(23 * 0.5, committed.get(committed.size() - 1).words().get(committed.get(committed.size() - 1)
                .words().size() - 1).start(), 1e-6, "word times follow the audio");
        String subtitles = Files.readString(srt);
        assertTrue(subtitles.startsWith("1\n00:00:00,000 --> "), subtitles);
        String allText = subtitles.lines().filter(l -> l.startsWith("w")).collect(Collectors.joining(" "));
        assertEquals(expected, allText, "the subtitle file has every word");
    }

    @Test
    void emptyInputEndsCleanly() throws Exception {
        try (StreamService service = TestStreams.localAgreement(new ScriptedRecognizer(), 4)) {
            List<String> calls = new CopyOnWriteArrayList<>();
            CaptionFeed feed = new CaptionFeed(List.of(new CaptionSink() {
                @Override
                public String name() {
                    return "r";
                }

                @Override
                public void committed(CommittedWords w) {
                    calls.add(w.text());
                }
            }), Duration.ofSeconds(30));
            CaptionBridge.run(new PcmS16leSource(new ByteArrayInputStream(new byte[0]), "stdin"), service, null, feed);
            feed.close();
            assertEquals(List.of(), calls);
        }
    }
}
