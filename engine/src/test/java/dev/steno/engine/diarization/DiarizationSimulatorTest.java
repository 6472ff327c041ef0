package dev.steno.engine.diarization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.vad.VadEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiarizationSimulatorTest {
    /**
     * Decides everything up to 0.25 s behind the audio, one segment per whole second decided (speaker = second % 2),
     * and records the pieces and voice-activity events it was handed.
     */
    private static final class TrailingDiarizer implements Diarizer {
        final List<Integer> pieces = new ArrayList<>();
        long heard;
        int decidedSeconds;
        boolean finished;

        @Override
        public List<SpeakerSegment> accept(float[] samples16k, int offset, int length, List<VadEvent> vad) {
            pieces.add(length);
            heard += length;
            return decideUpTo(Math.max(0, heard / 16000.0 - 0.25));
        }

        @Override
        public List<SpeakerSegment> finish() {
            finished = true;
            return decideUpTo(heard / 16000.0);
        }

        private List<SpeakerSegment> decideUpTo(double until) {
            List<SpeakerSegment> out = new ArrayList<>();
            while (decidedSeconds + 1 <= until + 1e-9) {
                out.add(new SpeakerSegment(decidedSeconds % 2, decidedSeconds, decidedSeconds + 1));
                decidedSeconds++;
            }
            return out;
        }

        @Override
        public double coverage() {
            return finished ? heard / 16000.0 : Math.max(0, heard / 16000.0 - 0.25);
        }
    }

    @Test
    void streamsInPiecesAndSamplesTheCoverageLagAfterEach() {
        TrailingDiarizer diarizer = new TrailingDiarizer();
        long[] cpu = {0};
        // the injected CPU clock advances 1 ms per reading: two readings per piece, two around the end
        DiarizationSimulator.Result r = new DiarizationSimulator(0.1, () -> cpu[0] += 1_000_000)
                .run(new float[16000 * 3 + 800], diarizer, null);
        assertEquals(31, diarizer.pieces.size());
        assertEquals(800, diarizer.pieces.get(30));
        assertTrue(diarizer.pieces.subList(0, 30).stream().allMatch(n -> n == 1600), diarizer.pieces.toString());
        assertEquals(3.05, r.audioSeconds(), 1e-9);
        assertEquals(31, r.coverageLags().size());
        assertEquals(0.1, r.coverageLags().get(0), 1e-9, "0.1 s heard, nothing decided");
        assertEquals(0.25, r.coverageLags().get(30), 1e-9);
        assertEquals(0.25, r.coverageLagQuantile(0.5), 1e-9);
        assertEquals(List.of(0, 1, 0), r.segments().stream().map(SpeakerSegment::speaker).toList());
        assertEquals(2, r.speakers());
        assertEquals(31 + 1, r.diarizerNanos() / 1_000_000);
        assertEquals(32 / 3.05, r.cpuMillisPerAudioSecond(), 1e-9);
    }

    @Test
    void noAudioIsNoSegmentsAndNoSamples() {
        DiarizationSimulator.Result r = new DiarizationSimulator(0.1, () -> 0).run(new float[0],
                new TrailingDiarizer(), null);
        assertTrue(r.segments().isEmpty());
        assertTrue(Double.isNaN(r.coverageLagQuantile(0.95)));
        assertEquals(0, r.cpuMillisPerAudioSecond());
    }

    @Test
    void rejectsPiecesOfNoLength() {
        assertThrows(IllegalArgumentException.class, () -> new DiarizationSimulator(0, () -> 0));
    }
}
