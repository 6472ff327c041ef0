package dev.steno.engine.audio.webm;

import static dev.steno.engine.audio.webm.Ebml.BLOCK;
import static dev.steno.engine.audio.webm.Ebml.BLOCK_GROUP;
import static dev.steno.engine.audio.webm.Ebml.CLUSTER;
import static dev.steno.engine.audio.webm.Ebml.CODEC_PRIVATE;
import static dev.steno.engine.audio.webm.Ebml.CUES;
import static dev.steno.engine.audio.webm.Ebml.EBML_LACING;
import static dev.steno.engine.audio.webm.Ebml.FIXED;
import static dev.steno.engine.audio.webm.Ebml.NO_LACING;
import static dev.steno.engine.audio.webm.Ebml.SEGMENT;
import static dev.steno.engine.audio.webm.Ebml.SIMPLE_BLOCK;
import static dev.steno.engine.audio.webm.Ebml.TRACKS;
import static dev.steno.engine.audio.webm.Ebml.VOID;
import static dev.steno.engine.audio.webm.Ebml.XIPH;
import static dev.steno.engine.audio.webm.Ebml.cluster;
import static dev.steno.engine.audio.webm.Ebml.concat;
import static dev.steno.engine.audio.webm.Ebml.element;
import static dev.steno.engine.audio.webm.Ebml.header;
import static dev.steno.engine.audio.webm.Ebml.id;
import static dev.steno.engine.audio.webm.Ebml.liveStart;
import static dev.steno.engine.audio.webm.Ebml.opusHead;
import static dev.steno.engine.audio.webm.Ebml.opusTracks;
import static dev.steno.engine.audio.webm.Ebml.simpleBlock;
import static dev.steno.engine.audio.webm.Ebml.size8;
import static dev.steno.engine.audio.webm.Ebml.trackEntry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.audio.AudioFormatException;
import dev.steno.engine.testing.SharedFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WebmDemuxerTest {
    static byte[] fixture(String name) throws IOException {
        return Files.readAllBytes(SharedFixtures.file("audio/browser/" + name));
    }

    private static Packets chunked(byte[] webm, Random random, int maxChunk) throws AudioFormatException {
        Packets p = new Packets();
        WebmDemuxer d = new WebmDemuxer(p);
        for (int off = 0; off < webm.length; ) {
            int n = Math.min(webm.length - off, 1 + random.nextInt(maxChunk));
            d.push(webm, off, n);
            off += n;
        }
        assertEquals(0, d.end());
        return p;
    }

    private static byte[] frame(int length, int fill) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    private static AudioFormatException fails(byte[] webm) {
        return assertThrows(AudioFormatException.class, () -> Packets.of(webm));
    }

    @Test
    void readsFfmpegFileWithKnownSizesCuesAndTags() throws IOException {
        Packets p = Packets.of(fixture("ffmpeg-jfk.webm"));
        assertEquals(List.of(new OpusTrack(1, 1, 312, 16000, 0)), p.tracks);
        // 11 s of 20 ms packets, plus the 6.5 ms pre-skip rounded up to a packet.
        assertEquals(551, p.packets.size());
        long previous = -1;
        for (Packets.Packet packet : p.packets) {
            assertTrue(packet.timestampMs() > previous, "timestamps increase");
            assertTrue(packet.data().length > 0);
            // Every packet is a single 20 ms frame: TOC config 0..31 with frame-count code 0.
            assertEquals(0, packet.data()[0] & 3, "one frame per packet");
            previous = packet.timestampMs();
        }
        assertEquals(11_000, p.packets.get(550).timestampMs(), 2);
    }

    @Test
    void readsMediaRecorderFileWithUnknownSizes() throws IOException {
        Packets p = Packets.of(fixture("mediarecorder-jfk-3s.webm"));
        assertEquals(List.of(new OpusTrack(1, 1, 0, 48000, 0)), p.tracks);
        assertEquals(50, p.packets.size());
        for (int i = 0; i < 50; i++) {
            assertEquals(60L * i, p.packets.get(i).timestampMs(), "Chromium writes 60 ms packets");
        }
    }

    @Test
    void anySplitOfTheBytesGivesTheSamePackets() throws IOException {
        for (String name : List.of("ffmpeg-jfk.webm", "mediarecorder-jfk-3s.webm")) {
            byte[] webm = fixture(name);
            List<Packets.Packet> whole = Packets.of(webm).packets;
            // One byte at a time splits every ID and size VINT.
            assertEquals(whole, chunked(webm, new Random(1), 1).packets, name);
            for (int seed = 0; seed < 5; seed++) {
                assertEquals(whole, chunked(webm, new Random(seed), 5000).packets, name + " seed " + seed);
                assertEquals(whole, chunked(webm, new Random(seed), 7).packets, name + " seed " + seed);
            }
        }
    }

    @Test
    void readsEveryLacingAndBlockGroups() throws AudioFormatException {
        byte[] a = frame(300, 1);
        byte[] b = frame(7, 2);
        byte[] c = frame(600, 3);
        byte[] d = frame(0, 0);
        byte[] webm = concat(liveStart(opusTracks(1, 0)),
                cluster(1000,
                        simpleBlock(1, 0, XIPH, a, b, c),
                        simpleBlock(1, 40, EBML_LACING, c, a, b, a),
                        simpleBlock(1, 80, FIXED, b, b, b),
                        simpleBlock(1, 100, XIPH, d, b),
                        element(BLOCK_GROUP, element(BLOCK, Ebml.blockBody(1, 120, NO_LACING, c)),
                                Ebml.uint(0x9B, 20))),
                cluster(2000, simpleBlock(1, -5, NO_LACING, b)));
        List<Packets.Packet> expected = List.of(
                new Packets.Packet(a, 1000, 0), new Packets.Packet(b, 1000, 1), new Packets.Packet(c, 1000, 2),
                new Packets.Packet(c, 1040, 0), new Packets.Packet(a, 1040, 1), new Packets.Packet(b, 1040, 2),
                new Packets.Packet(a, 1040, 3),
                new Packets.Packet(b, 1080, 0), new Packets.Packet(b, 1080, 1), new Packets.Packet(b, 1080, 2),
                new Packets.Packet(d, 1100, 0), new Packets.Packet(b, 1100, 1),
                new Packets.Packet(c, 1120, 0),
                new Packets.Packet(b, 1995, 0));
        assertEquals(expected, Packets.of(webm).packets);
        assertEquals(expected, chunked(webm, new Random(3), 3).packets);
    }

    @Test
    void timecodeScaleConvertsTicksToMilliseconds() throws AudioFormatException {
        // 1/48000 s ticks, as some muxers use for audio.
        byte[] webm = concat(header("matroska"), Ebml.unknownSize(SEGMENT,
                element(Ebml.INFO, Ebml.uint(Ebml.TIMECODE_SCALE, 20833)), opusTracks(1, 0),
                cluster(96_000, simpleBlock(1, 960, NO_LACING, frame(5, 5)))));
        assertEquals(List.of(new Packets.Packet(frame(5, 5), 2019, 0)), Packets.of(webm).packets);
    }

    @Test
    void choosesTheFirstOpusAudioTrackAndSkipsOtherTracksBlocksUnread() throws AudioFormatException {
        byte[] hugeVideoFrame = frame(3 << 20, 9);
        byte[] tracks = element(TRACKS,
                trackEntry(1, 1, "V_VP8", null),
                trackEntry(2, 2, "A_VORBIS", new byte[] {2, 1, 1}),
                trackEntry(3, 2, "A_OPUS", opusHead(2, 312, 44100)),
                trackEntry(4, 2, "A_OPUS", opusHead(1, 0, 48000)));
        byte[] webm = concat(liveStart(tracks),
                cluster(0, simpleBlock(1, 0, NO_LACING, hugeVideoFrame), simpleBlock(2, 0, NO_LACING, frame(9, 2)),
                        simpleBlock(3, 0, NO_LACING, frame(9, 3)), simpleBlock(4, 0, NO_LACING, frame(9, 4)),
                        element(VOID, frame(100, 0))),
                element(CUES, frame(50, 0)),
                cluster(20, simpleBlock(3, 0, NO_LACING, frame(8, 3))));
        Packets p = Packets.of(webm);
        assertEquals(List.of(new OpusTrack(3, 2, 312, 44100, 0)), p.tracks);
        assertEquals(List.of(new Packets.Packet(frame(9, 3), 0, 0), new Packets.Packet(frame(8, 3), 20, 0)),
                p.packets);
    }

    @Test
    void cutMidBlockKeepsTheCompletePackets() throws IOException {
        byte[] webm = fixture("mediarecorder-jfk-3s.webm");
        List<Packets.Packet> all = Packets.of(webm).packets;
        byte[] cut = Arrays.copyOf(webm, webm.length * 2 / 3);
        Packets p = new Packets();
        WebmDemuxer d = new WebmDemuxer(p);
        d.push(cut, 0, cut.length);
        long incomplete = d.end();
        assertTrue(incomplete > 0 && incomplete < 1000, "bytes of the cut block: " + incomplete);
        assertTrue(p.packets.size() > 25 && p.packets.size() < 50, "packets before the cut: " + p.packets.size());
        assertEquals(all.subList(0, p.packets.size()), p.packets);
    }

    @Test
    void rejectsWhatIsNotWebm() throws IOException {
        assertEquals("not a WebM stream: expected EBML header 1A 45 DF A3, found 52 49 46 46",
                fails("RIFF....WAVE".getBytes()).getMessage());
        // A wrong first byte is reported at once, before four bytes arrived.
        WebmDemuxer d = new WebmDemuxer(new Packets());
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> d.push(new byte[] {0x1A, 0}, 0, 2));
        assertEquals("not a WebM stream: expected EBML header 1A 45 DF A3, found 1A 00", e.getMessage());
        assertThrows(IllegalStateException.class, () -> d.push(new byte[1], 0, 1));

        assertEquals("not a WebM stream: DocType is 'mkv3d', expected webm or matroska",
                fails(concat(header("mkv3d"), liveStart(opusTracks(1, 0)))).getMessage());
        assertEquals("empty stream: no WebM data was received", fails(new byte[0]).getMessage());
    }

    @Test
    void rejectsNonOpusAudio() {
        byte[] vorbis = concat(liveStart(element(TRACKS, trackEntry(1, 2, "A_VORBIS", new byte[] {2, 1, 1}))),
                cluster(0, simpleBlock(1, 0, NO_LACING, frame(10, 1))));
        assertEquals("codec A_VORBIS is not supported; record as audio/webm;codecs=opus",
                fails(vorbis).getMessage());
        byte[] videoOnly = liveStart(element(TRACKS, trackEntry(1, 1, "V_VP8", null)));
        assertEquals("the WebM stream has no audio track", fails(videoOnly).getMessage());
        byte[] surround = liveStart(element(TRACKS, trackEntry(1, 2, "A_OPUS", opusHead(6, 0, 48000))));
        assertTrue(fails(surround).getMessage().contains("6 channels is not supported"));
        byte[] noHead = liveStart(element(TRACKS, trackEntry(1, 2, "A_OPUS", "OpusTags".getBytes())));
        assertTrue(fails(noHead).getMessage().contains("not an OpusHead"));
    }

    @Test
    void rejectsLacingThatPointsPastTheBlock() {
        byte[] body = Ebml.blockBody(1, 0, XIPH, frame(10, 1), frame(10, 2));
        body[5] = (byte) 200; // first frame now claims 200 of the block's 21 bytes
        byte[] webm = concat(liveStart(opusTracks(1, 0)), cluster(0, element(SIMPLE_BLOCK, body)));
        String message = fails(webm).getMessage();
        assertTrue(message.startsWith("damaged WebM stream: lacing sizes in block at byte"), message);
        assertTrue(message.endsWith("add up to 200 bytes, but only 20 follow the lace header"), message);

        byte[] xiphRunsOut = concat(liveStart(opusTracks(1, 0)), cluster(0, element(SIMPLE_BLOCK,
                new byte[] {(byte) 0x81, 0, 0, (byte) 0x82, 1, (byte) 255, (byte) 255})));
        assertTrue(fails(xiphRunsOut).getMessage().contains("lacing sizes"));

        byte[] fixedUneven = Ebml.blockBody(1, 0, FIXED, frame(10, 1), frame(10, 2));
        byte[] uneven = concat(liveStart(opusTracks(1, 0)),
                cluster(0, element(SIMPLE_BLOCK, Arrays.copyOf(fixedUneven, fixedUneven.length - 1))));
        assertTrue(fails(uneven).getMessage().contains("does not divide evenly"));

        byte[] ebmlBody = Ebml.blockBody(1, 0, EBML_LACING, frame(10, 1), frame(10, 2), frame(10, 3));
        ebmlBody[6] = 0x7F; // second size: +8192 - 8191... past the block
        ebmlBody[7] = (byte) 0xF0;
        byte[] ebmlPast = concat(liveStart(opusTracks(1, 0)), cluster(0, element(SIMPLE_BLOCK, ebmlBody)));
        assertTrue(fails(ebmlPast).getMessage().contains("lacing"), fails(ebmlPast).getMessage());
    }

    @Test
    void absurdSizesAreRejectedOrSkippedNeverAllocated() throws AudioFormatException {
        // A block of the chosen track claiming 2^50 bytes: refused before any buffering.
        byte[] bigBlock = concat(liveStart(opusTracks(1, 0)), Ebml.unknownSize(CLUSTER,
                id(SIMPLE_BLOCK), size8(1L << 50), new byte[] {(byte) 0x81, 0, 0, (byte) 0x80}));
        String message = fails(bigBlock).getMessage();
        assertTrue(message.contains("declares 1125899906842624 bytes, more than the 1048576 allowed"), message);

        byte[] bigPrivate = liveStart(concat(id(TRACKS), size8(1L << 41), id(Ebml.TRACK_ENTRY), size8(1L << 40),
                id(CODEC_PRIVATE), size8(1L << 39)));
        assertTrue(fails(bigPrivate).getMessage().contains("CodecPrivate"), fails(bigPrivate).getMessage());

        // Inside a sized parent, an element larger than the parent is damage.
        byte[] overrun = concat(header("webm"), element(SEGMENT, opusTracks(1, 0),
                concat(id(VOID), size8(1L << 55))));
        assertTrue(fails(overrun).getMessage().contains("overruns its parent"), fails(overrun).getMessage());

        // In an unknown-size Cluster a huge Void is legal: it is skipped as bytes arrive, and the stream just ends.
        Packets p = new Packets();
        WebmDemuxer d = new WebmDemuxer(p);
        byte[] webm = concat(liveStart(opusTracks(1, 0)), cluster(0, simpleBlock(1, 0, NO_LACING, frame(3, 1))),
                id(VOID), size8(1L << 55));
        d.push(webm, 0, webm.length);
        byte[] zeros = new byte[1 << 16];
        for (int i = 0; i < 64; i++) {
            d.push(zeros, 0, zeros.length);
        }
        assertEquals(9 + 64L * zeros.length, d.end(), "the Void's header and the bytes of it that came");
        assertEquals(1, p.packets.size());
    }

    @Test
    void rejectsBrokenStructure() {
        String idTooLong = fails(concat(liveStart(opusTracks(1, 0)), new byte[] {0x08, 0x00, 0x00, 0x00, 0x00, 0x00}))
                .getMessage();
        assertTrue(idTooLong.contains("invalid element ID at byte") && idTooLong.contains("0x08"), idTooLong);
        String sizeTooLong = fails(concat(liveStart(opusTracks(1, 0)), new byte[] {(byte) 0xEC, 0x00, 0x01}))
                .getMessage();
        assertTrue(sizeTooLong.contains("longer than 8 bytes"), sizeTooLong);
        String unknownLeaf = fails(concat(liveStart(opusTracks(1, 0)), Ebml.unknownSize(CUES))).getMessage();
        assertTrue(unknownLeaf.contains("unknown size; only Segment and Cluster may"), unknownLeaf);
        String clusterFirst = fails(concat(header("webm"), Ebml.unknownSize(SEGMENT, cluster(0))))
                .getMessage();
        assertTrue(clusterFirst.contains("before the track list"), clusterFirst);
        String twice = fails(concat(liveStart(opusTracks(1, 0)), cluster(0), header("webm"))).getMessage();
        assertTrue(twice.contains("a second EBML header"), twice);
        String headerOnly = fails(header("webm")).getMessage();
        assertTrue(headerOnly.startsWith("WebM stream ended after") && headerOnly.contains("track list"),
                headerOnly);
        byte[] live = liveStart(opusTracks(1, 0));
        String cutInTracks = fails(Arrays.copyOf(live, live.length - 5)).getMessage();
        assertTrue(cutInTracks.contains("before its track list was complete"), cutInTracks);
    }

    @Test
    void afterEndOrFailureTheDemuxerRefusesMoreInput() throws IOException {
        byte[] webm = fixture("mediarecorder-jfk-3s.webm");
        WebmDemuxer d = new WebmDemuxer(new Packets());
        d.push(webm, 0, webm.length);
        d.end();
        assertEquals(0, d.end(), "a second end does nothing");
        assertThrows(IllegalStateException.class, () -> d.push(webm, 0, 1));
    }
}
