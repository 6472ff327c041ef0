package dev.steno.obs.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.obs.cea608.PairSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CaptionedTagsTest {
    private static final int FRAME_MS = 33;
    /** Display index of each picture in decode order: x264 with two B-frames (I P B B P B B ...). */
    private static final int[] DISPLAY = {0, 3, 1, 2, 6, 4, 5, 9, 7, 8};

    private final AtomicLong clock = new AtomicLong();

    /** Numbers pairs 1, 2, 3, ... so that the test can tell which picture got which. */
    private static PairSource counting() {
        int[] n = {0};
        return () -> ++n[0];
    }

    private static List<FlvTag> bFramePictures() {
        List<FlvTag> tags = new ArrayList<>();
        for (int i = 0; i < DISPLAY.length; i++) {
            long dts = (long) i * FRAME_MS;
            long pts = (long) (DISPLAY[i] + 2) * FRAME_MS;
            tags.add(AvcTags.picture(dts, (int) (pts - dts), i == 0));
        }
        return tags;
    }

    @Test
    void pairsFollowDisplayOrderWhileTagsKeepDecodeOrder() {
        CaptionedTags stage = new CaptionedTags(counting(), 30, 0, clock::get);
        stage.add(AvcTags.config());
        List<FlvTag> in = bFramePictures();
        in.forEach(stage::add);
        List<FlvTag> out = new ArrayList<>(stage.takeReady());
        out.addAll(stage.drain());

        assertEquals(in.size() + 1, out.size());
        assertSame(AvcTags.config().getClass(), out.getFirst().getClass());
        assertArrayEquals(AvcTags.config().body(), out.getFirst().body(), "the configuration passes unchanged");
        for (int i = 0; i < in.size(); i++) {
            FlvTag o = out.get(i + 1);
            assertEquals(in.get(i).timestamp(), o.timestamp(), "decode order kept");
            assertEquals(List.of(AvcTags.NAL_AUD, AvcTags.NAL_SEI, i == 0 ? 5 : 1), AvcTags.nalTypes(o),
                    "the caption SEI goes right before the slice");
            assertEquals(DISPLAY[i] + 1, AvcTags.captionPair(o), "picture shown " + DISPLAY[i] + "th gets pair "
                    + (DISPLAY[i] + 1));
        }
        assertEquals(in.size(), stage.captioned());
    }

    @Test
    void aPictureLeavesOnceNoLaterPictureCanBeShownBeforeIt() {
        CaptionedTags stage = new CaptionedTags(counting(), 30, 0, clock::get);
        stage.add(AvcTags.config());
        List<Integer> released = new ArrayList<>();
        int total = 0;
        for (FlvTag t : bFramePictures()) {
            stage.add(t);
            total += stage.takeReady().size();
            released.add(total);
        }
        // counts include the configuration tag, which leaves at once; the first picture waits until a picture
        // decoded at its display time arrives, a P-frame for the two B-frames shown before it, and the tags behind
        // it wait with it
        assertEquals(List.of(1, 1, 2, 2, 2, 5, 5, 5, 8, 8), released);
        assertEquals(3, stage.drain().size(), "the rest at the end of the stream");
        assertEquals(0, stage.size());
    }

    @Test
    void aDelayHoldsEveryTagAndDrawsPairsOnlyWhenTheyLeave() {
        List<Long> drawnAt = new ArrayList<>();
        PairSource source = () -> {
            drawnAt.add(clock.get());
            return 0x8080;
        };
        long delay = TimeUnit.SECONDS.toNanos(2);
        CaptionedTags stage = new CaptionedTags(source, 30, delay, clock::get);
        FlvTag audio = new FlvTag(FlvTag.AUDIO, 0, new byte[] {(byte) 0xAF, 1, 1, 2, 3});
        stage.add(AvcTags.config());
        stage.add(audio);
        List<FlvTag> pictures = bFramePictures();
        for (int i = 0; i < pictures.size(); i++) {
            clock.set(TimeUnit.MILLISECONDS.toNanos(i * FRAME_MS));
            stage.add(pictures.get(i));
        }
        clock.set(delay - 1);
        assertTrue(stage.takeReady().isEmpty(), "nothing leaves before the delay");
        assertEquals(1, stage.nanosUntilDue());
        assertTrue(drawnAt.isEmpty());

        clock.set(delay + TimeUnit.MILLISECONDS.toNanos(5 * FRAME_MS));
        List<FlvTag> out = stage.takeReady();
        // config, audio and the pictures that arrived by 5 frames in, except those waiting for display order
        assertSame(audio, out.get(1), "audio is held alike and passes unchanged");
        assertTrue(out.size() >= 2 && out.size() < pictures.size() + 2, out.size() + " tags");
        assertTrue(drawnAt.stream().allMatch(t -> t >= delay), "pairs drawn only when their picture is due");
        clock.set(delay + TimeUnit.SECONDS.toNanos(1));
        int rest = stage.takeReady().size() + stage.drain().size();
        assertEquals(pictures.size() + 2, out.size() + rest);
        assertEquals(pictures.size(), drawnAt.size(), "one pair per picture");
    }

    @Test
    void whatIsNotAnH264PictureIsPassedThroughUntouched() {
        int[] drawn = {0};
        CaptionedTags stage = new CaptionedTags(() -> {
            drawn[0]++;
            return 0x8080;
        }, 30, 0, clock::get);
        FlvTag script = new FlvTag(FlvTag.SCRIPT, 0, new byte[] {2, 0, 1, 'x'});
        FlvTag hevc = new FlvTag(FlvTag.VIDEO, 0, new byte[] {(byte) 0x90, 'h', 'v', 'c', '1', 1, 2, 3});
        FlvTag beforeConfig = AvcTags.picture(0, 0, true);
        byte[] broken = AvcTags.picture(33, 0, false).body().clone();
        broken[8] = 0x7F; // the first NAL's length runs past the tag
        FlvTag brokenLengths = new FlvTag(FlvTag.VIDEO, 33, broken);
        stage.add(script);
        stage.add(hevc);
        stage.add(beforeConfig);
        stage.add(AvcTags.config());
        stage.add(brokenLengths);
        List<FlvTag> out = stage.drain();
        assertEquals(List.of(script, hevc, beforeConfig, out.get(3), brokenLengths), out);
        assertEquals(0, drawn[0], "no pair is spent on a picture that cannot carry it");
        assertEquals(0, stage.captioned());
    }
}
