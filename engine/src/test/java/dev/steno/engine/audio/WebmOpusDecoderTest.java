package dev.steno.engine.audio;

import static dev.steno.engine.audio.webm.Ebml.NO_LACING;
import static dev.steno.engine.audio.webm.Ebml.XIPH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.audio.webm.Ebml;
import dev.steno.engine.audio.webm.OpusTrack;
import dev.steno.engine.audio.webm.Packets;
import dev.steno.engine.testing.SharedFixtures;
import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

class WebmOpusDecoderTest {
    private static final String FFMPEG = "audio/browser/ffmpeg-jfk.webm";
    private static final String RECORDER = "audio/browser/mediarecorder-jfk-3s.webm";

    private static byte[] bytes(String fixture) throws IOException {
        return Files.readAllBytes(SharedFixtures.file(fixture));
    }

    @Test
    void ffmpegFileDecodesToElevenSecondsAndDropsThePreSkip() throws IOException {
        DecodedAudio sink = new DecodedAudio();
        WebmOpusDecoder d = new WebmOpusDecoder(sink);
        byte[] webm = bytes(FFMPEG);
        d.push(webm, 0, webm.length);
        d.end();
        assertEquals(new OpusTrack(1, 1, 312, 16000, 0), d.track());
        // 551 packets of 960 samples at 48 kHz, less the 312-sample pre-skip, at a third of the rate, rounded up.
        assertEquals((551 * 960 - 312 + 2) / 3, d.samplesDelivered());
        float[] audio = sink.samples();
        assertEquals(d.samplesDelivered(), audio.length);
        assertEquals(11.0, audio.length / 16000.0, 0.06);
        assertEquals(0, d.incompleteBytes());
        assertEquals(0, d.concealedSamples() + d.silenceSamples(), "ffmpeg's timestamps have no gaps");
        for (float s : audio) {
            assertTrue(s >= -1f && s <= 1f);
        }
    }

    @Test
    void mediaRecorderFileDecodesToThreeSeconds() throws IOException {
        float[] audio = DecodedAudio.decodeWebm(bytes(RECORDER), null, 0);
        assertEquals(3.0, audio.length / 16000.0, 0.06);
        assertEquals(48000, audio.length, "50 packets of 60 ms, no pre-skip");
    }

    @Test
    void chunkingDoesNotChangeTheOutput() throws IOException {
        for (String fixture : List.of(FFMPEG, RECORDER)) {
            byte[] webm = bytes(fixture);
            float[] whole = DecodedAudio.decodeWebm(webm, null, 0);
            for (int seed = 0; seed < 4; seed++) {
                DecodedAudio.assertSameAudio(whole, DecodedAudio.decodeWebm(webm, new Random(seed), 5000),
                        fixture + " " + seed);
            }
            DecodedAudio.assertSameAudio(whole, DecodedAudio.decodeWebm(webm, new Random(9), 1), fixture + " bytewise");
        }
    }

    @Test
    void decodedAudioMatchesTheOriginalSpeech() throws IOException {
        float[] reference = WavReader.read(SharedFixtures.file("audio/jfk.wav")).samples();
        for (String fixture : List.of(FFMPEG, RECORDER)) {
            float[] audio = DecodedAudio.decodeWebm(bytes(fixture), null, 0);
            DecodedAudio.Alignment a = DecodedAudio.align(audio, reference, 3 * 16000, -16000);
            int xo = Math.max(0, -a.lag());
            int ro = Math.max(0, a.lag());
            int n = Math.min(audio.length - xo, reference.length - ro);
            double whole = DecodedAudio.correlation(audio, xo, reference, ro, n);
            System.out.printf("%s vs jfk.wav: lag %d samples (%.2f ms), correlation %.4f over the first 3 s, "
                    + "%.4f over all %.2f s that overlap%n", fixture, a.lag(), a.lag() / 16.0, a.correlation(), whole,
                    n / 16000.0);
            assertTrue(Math.abs(a.lag()) < 800, "the recording starts with the speech: lag " + a.lag());
            assertTrue(a.correlation() > 0.8, fixture + ": correlation " + a.correlation());
            assertTrue(whole > 0.8, fixture + ": correlation " + whole);
        }
    }

    /** Rebuilds a stream from the ffmpeg file's packets, as MediaRecorder would write it, retimed by {@code time}. */
    private static byte[] rebuild(List<Packets.Packet> packets, OpusTrack track, LongUnaryOperator time) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Ebml.liveStart(Ebml.opusTracks(track.channels(), track.preSkip())));
        long clusterStart = -1;
        List<byte[]> blocks = new ArrayList<>();
        for (Packets.Packet p : packets) {
            long t = time.applyAsLong(p.timestampMs());
            if (t < 0) {
                continue;
            }
            if (clusterStart < 0 || t - clusterStart >= 1000 || t < clusterStart) {
                if (!blocks.isEmpty()) {
                    out.writeBytes(Ebml.cluster(clusterStart, blocks.toArray(byte[][]::new)));
                    blocks.clear();
                }
                clusterStart = t;
            }
            blocks.add(Ebml.simpleBlock(1, (int) (t - clusterStart), NO_LACING, p.data()));
        }
        out.writeBytes(Ebml.cluster(clusterStart, blocks.toArray(byte[][]::new)));
        return out.toByteArray();
    }

    private static final class Decoded {
        final float[] audio;
        final long concealed;
        final long silence;

        Decoded(byte[] webm) throws AudioFormatException {
            DecodedAudio sink = new DecodedAudio();
            WebmOpusDecoder d = new WebmOpusDecoder(sink);
            d.push(webm, 0, webm.length);
            d.end();
            audio = sink.samples();
            concealed = d.concealedSamples();
            silence = d.silenceSamples();
        }
    }

    @Test
    void gapsInTheTimestampsAreConcealedThenFilledWithSilence() throws IOException {
        byte[] original = bytes(FFMPEG);
        Packets demuxed = Packets.of(original);
        OpusTrack track = demuxed.tracks.get(0);
        List<Packets.Packet> all = demuxed.packets;
        float[] full = DecodedAudio.decodeWebm(original, null, 0);

        // Same packets and timestamps in MediaRecorder's layout: the same audio.
        DecodedAudio.assertSameAudio(full, new Decoded(rebuild(all, track, t -> t)).audio, "rebuilt");

        // One second lost (packets 100 to 149): concealed, and what follows stays in place.
        List<Packets.Packet> lost1 = new ArrayList<>(all.subList(0, 100));
        lost1.addAll(all.subList(150, all.size()));
        Decoded d1 = new Decoded(rebuild(lost1, track, t -> t));
        assertEquals(full.length, d1.audio.length, 32.0, "timing kept");
        assertEquals(48000, d1.concealed, 240, "a second of concealment");
        assertEquals(0, d1.silence, 120);
        assertResumesInPlace(d1.audio, full, 3 * 16000 + 800);

        // Three seconds lost: one concealed, two of silence.
        List<Packets.Packet> lost3 = new ArrayList<>(all.subList(0, 100));
        lost3.addAll(all.subList(250, all.size()));
        Decoded d3 = new Decoded(rebuild(lost3, track, t -> t));
        assertEquals(full.length, d3.audio.length, 32.0);
        assertEquals(48000, d3.concealed, 240);
        assertEquals(96000, d3.silence, 240);
        for (int i = (int) (3.05 * 16000); i < (int) (4.95 * 16000); i++) {
            assertEquals(0f, d3.audio[i], "silence at sample " + i);
        }
        assertTrue(DecodedAudio.rms(d3.audio, 2 * 16000 - 1600, 2 * 16000) > 0.01, "speech before the gap");
        assertResumesInPlace(d3.audio, full, 5 * 16000 + 800);

        // A jump of a minute, or back in time: a reset sender clock, nothing inserted.
        Decoded jump = new Decoded(rebuild(all, track, t -> t >= 2000 ? t + 60_000 : t));
        Decoded back = new Decoded(rebuild(all, track, t -> t >= 2000 ? t - 1500 : t));
        for (Decoded d : List.of(jump, back)) {
            assertEquals(0, d.concealed + d.silence);
            DecodedAudio.assertSameAudio(full, d.audio, "clock reset");
        }
    }

    /**
     * The audio from {@code from} on lines up with the uninterrupted decode within 1 ms: the timestamps are rounded to
     * milliseconds, so the gap filled may be a millisecond longer than the packets lost.
     */
    private static void assertResumesInPlace(float[] audio, float[] full, int from) {
        int bestLag = 0;
        double best = -2;
        for (int lag = -32; lag <= 32; lag++) {
            double c = DecodedAudio.correlation(audio, from + lag, full, from, 4 * 16000);
            if (c > best) {
                best = c;
                bestLag = lag;
            }
        }
        System.out.printf("after the gap: offset %d samples, correlation %.4f%n", bestLag, best);
        assertTrue(Math.abs(bestLag) <= 16 && best > 0.95, "offset " + bestLag + ", correlation " + best);
    }

    @Test
    void stereoIsMixedToMonoAndLacedFramesAreDecoded() throws Exception {
        OpusEncoder encoder = new OpusEncoder(48000, 2, OpusApplication.OPUS_APPLICATION_AUDIO);
        encoder.setBitrate(128_000);
        int frame = 960;
        short[] pcm = new short[2 * frame];
        byte[] packet = new byte[1500];
        List<byte[]> packets = new ArrayList<>();
        // Two seconds: 440 Hz at half scale in the left channel only, then 440 Hz in both.
        for (int f = 0; f < 100; f++) {
            for (int i = 0; i < frame; i++) {
                long n = (long) f * frame + i;
                short v = (short) (16384 * Math.sin(2 * Math.PI * 440 * n / 48000.0));
                pcm[2 * i] = v;
                pcm[2 * i + 1] = f < 50 ? 0 : v;
            }
            int len = encoder.encode(pcm, 0, frame, packet, 0, packet.length);
            packets.add(Arrays.copyOf(packet, len));
        }
        int preSkip = encoder.getLookahead();
        ByteArrayOutputStream webm = new ByteArrayOutputStream();
        webm.writeBytes(Ebml.liveStart(Ebml.opusTracks(2, preSkip)));
        for (int c = 0; c < 10; c++) {
            // Each cluster holds 200 ms as two Xiph-laced blocks of five 20 ms frames.
            byte[][] first = packets.subList(10 * c, 10 * c + 5).toArray(byte[][]::new);
            byte[][] second = packets.subList(10 * c + 5, 10 * c + 10).toArray(byte[][]::new);
            webm.writeBytes(Ebml.cluster(200L * c, Ebml.simpleBlock(1, 0, XIPH, first),
                    Ebml.simpleBlock(1, 100, XIPH, second)));
        }
        DecodedAudio sink = new DecodedAudio();
        WebmOpusDecoder d = new WebmOpusDecoder(sink);
        DecodedAudio.push(d, webm.toByteArray(), new Random(5), 300);
        float[] audio = sink.samples();
        assertEquals(2, d.track().channels());
        assertEquals(0, d.concealedSamples() + d.silenceSamples(), "laced frames follow each other without gaps");
        assertEquals((100 * 960 - preSkip + 2) / 3, audio.length);
        double leftOnly = DecodedAudio.rms(audio, 4000, 12000);
        double both = DecodedAudio.rms(audio, 20000, 28000);
        double sine = 0.5 / Math.sqrt(2);
        System.out.printf("stereo to mono: rms %.4f with the left channel only, %.4f with both (sine rms %.4f)%n",
                leftOnly, both, sine);
        assertEquals(sine / 2, leftOnly, 0.03, "left only averages to half");
        assertEquals(sine, both, 0.05, "equal channels average to the signal");
        // 440 Hz: 880 zero crossings a second.
        int crossings = 0;
        for (int i = 20001; i < 28000; i++) {
            if (audio[i - 1] < 0 != audio[i] < 0) {
                crossings++;
            }
        }
        assertEquals(440, crossings, 6);
    }

    @Test
    void streamCutMidBlockDeliversTheAudioBeforeTheCut() throws IOException {
        byte[] webm = bytes(RECORDER);
        float[] full = DecodedAudio.decodeWebm(webm, null, 0);
        byte[] cut = Arrays.copyOf(webm, webm.length / 2 + 123);
        DecodedAudio sink = new DecodedAudio();
        WebmOpusDecoder d = new WebmOpusDecoder(sink);
        d.push(cut, 0, cut.length);
        d.end();
        float[] audio = sink.samples();
        assertTrue(d.incompleteBytes() > 0);
        assertTrue(audio.length > 16000 && audio.length < full.length, "decoded " + audio.length);
        // Identical up to the resampler's look-ahead before the cut, where the flush assumes silence.
        int same = audio.length - 100;
        DecodedAudio.assertSameAudio(Arrays.copyOf(full, same), Arrays.copyOf(audio, same), "before the cut");
    }

    @Test
    void invalidOpusIsReported() {
        byte[] webm = Ebml.concat(Ebml.liveStart(Ebml.opusTracks(1, 0)),
                Ebml.cluster(0, Ebml.simpleBlock(1, 0, NO_LACING, new byte[] {0x03, 0x00})));
        AudioFormatException e = assertThrows(AudioFormatException.class,
                () -> DecodedAudio.decodeWebm(webm, null, 0));
        assertTrue(e.getMessage().startsWith("Opus packet 1 (2 bytes, at 0 ms) is not valid Opus"), e.getMessage());
        AudioFormatException empty = assertThrows(AudioFormatException.class,
                () -> DecodedAudio.decodeWebm(new byte[0], null, 0));
        assertEquals("empty stream: no WebM data was received", empty.getMessage());
    }
}
