package dev.steno.obs.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.testing.SystemPrograms;
import dev.steno.obs.cea608.Cea608CaptionSink;
import dev.steno.obs.cea608.Cea608Settings;
import dev.steno.obs.cea608.Ffmpeg;
import dev.steno.obs.cea608.PairSource;
import dev.steno.obs.cea608.SpokenText;
import dev.steno.obs.sei.A53CaptionSei;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay's caption stage on a real x264 stream with B-frames (OBS's default), file to file: FFmpeg's 608 decoder
 * reads our text back in order and at the paced times, and the audio and picture data are unchanged.
 */
@Tag(SystemPrograms.TAG)
class CaptionedFlvOracleTest {
    static final String TEXT = "Captions that show on Twitch need the pairs in display order so this sentence "
            + "comes out whole";

    @TempDir
    static Path dir;

    @BeforeAll
    static void stream() throws Exception {
        Ffmpeg.require();
        RelayMedia.obsLikeStream(dir, "sent.flv", SharedFixtures.file("audio/jfk.wav"), 10);
    }

    private static SpokenText speech() {
        return new SpokenText(new Cea608CaptionSink(Cea608Settings.defaults().withFrameRate(30)
                .withClearAfterSilenceSeconds(2)), TEXT, 0.5, 3.0);
    }

    /** Copies sent.flv to {@code name}, each tag through {@code stage}. */
    private static void rewrite(String name, UnaryOperator<List<FlvTag>> stage, CaptionedTags tail) throws IOException {
        try (InputStream in = Files.newInputStream(dir.resolve("sent.flv"));
             OutputStream out = Files.newOutputStream(dir.resolve(name))) {
            FlvReader reader = new FlvReader(in);
            FlvWriter writer = new FlvWriter(out);
            writer.writeHeader(reader.readHeader());
            FlvTag tag;
            while ((tag = reader.next()) != null) {
                for (FlvTag t : stage.apply(List.of(tag))) {
                    writer.write(t);
                }
            }
            if (tail != null) {
                for (FlvTag t : tail.drain()) {
                    writer.write(t);
                }
            }
            writer.flush();
        }
    }

    @Test
    void captionsInABFrameStreamDecodeWholeAtThePacedTimes() throws Exception {
        SpokenText speech = speech();
        CaptionedTags stage = new CaptionedTags(speech, 30, 0, System::nanoTime);
        rewrite("captioned.flv", tags -> {
            tags.forEach(stage::add);
            return stage.takeReady();
        }, stage);

        Map<String, Double> rows = RelayMedia.rows(RelayMedia.cues(dir, "captioned.flv"));
        assertEquals(SpokenText.wrap(TEXT, 32), List.copyOf(rows.keySet()));
        List<Double> committed = speech().rowStartTimes();
        List<Double> shown = List.copyOf(rows.values());
        for (int i = 0; i < shown.size(); i++) {
            double lag = shown.get(i) - committed.get(i);
            assertTrue(lag > -0.1 && lag < 0.7, "row " + i + " shown " + lag + " s after its first word");
        }
        RelayMedia.assertSamePackets(dir, "sent.flv", "captioned.flv");
        assertTrue(Ffmpeg.run(dir, "ffprobe", "-hide_banner", "captioned.flv").contains("Closed Captions"));
    }

    /** The control: the same pairs in decode order scramble the text, so the test above can tell the difference. */
    @Test
    void pairsInDecodeOrderWouldGarbleTheText() throws Exception {
        PairSource speech = speech();
        int[] lengthSize = {4};
        rewrite("decode-order.flv", tags -> {
            List<FlvTag> out = new ArrayList<>();
            for (FlvTag t : tags) {
                byte[] b = t.body();
                int slice = t.isVideo() && AvcVideo.isAvc(b) && AvcVideo.packetType(b) == AvcVideo.PACKET_NALUS
                        ? AvcVideo.firstSliceOffset(b, lengthSize[0]) : -1;
                out.add(slice < 0 ? t : t.withBody(AvcVideo.insertNal(b, slice,
                        A53CaptionSei.nal(speech.nextPair(), 30), lengthSize[0])));
            }
            return out;
        }, null);
        List<String> rows = List.copyOf(RelayMedia.rows(RelayMedia.cues(dir, "decode-order.flv")).keySet());
        assertNotEquals(SpokenText.wrap(TEXT, 32), rows);
    }
}
