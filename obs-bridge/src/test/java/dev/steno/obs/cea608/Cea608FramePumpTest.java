package dev.steno.obs.cea608;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Cea608FramePumpTest {
    @Test
    void emitsEveryFrameThatFellDueInOrder() {
        long[] now = {1_000_000_000L};
        int[] counter = {0};
        List<Long> frames = new ArrayList<>();
        List<Integer> pairs = new ArrayList<>();
        Cea608FramePump pump = new Cea608FramePump(() -> 0x8000 + counter[0]++, 30000.0 / 1001,
                List.of((f, p) -> {
                    frames.add(f);
                    pairs.add(p);
                }), () -> now[0]);
        var executor = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            pump.start(executor);
            pump.close();   // the test drives the ticks itself from here on
        } finally {
            executor.shutdownNow();
        }
        int before = frames.size();   // frame 0 may already have gone out on the executor
        now[0] += 1_000_000_000L;     // one second later: frames 0..29 are due (29.97 fps)
        pump.tick();
        assertEquals(30, frames.size());
        now[0] += 100_000_000L;       // a late tick: frames 30..32 (1.1 s * 29.97 = 32.97)
        pump.tick();
        assertEquals(33, frames.size());
        for (int i = 0; i < frames.size(); i++) {
            assertEquals(i, frames.get(i));
            assertEquals(0x8000 + i, pairs.get(i));
        }
        assertEquals(33, pump.frames());
        assertEquals(true, before <= 1);
    }

    @Test
    void finishSendsWhatIsQueuedAndTheEraseAheadOfTheClock() {
        long[] now = {0};
        Cea608CaptionSink sink = new Cea608CaptionSink(Cea608Settings.defaults());
        List<Integer> pairs = new ArrayList<>();
        Cea608FramePump pump = new Cea608FramePump(sink, sink.settings().frameRate(),
                List.of((f, p) -> pairs.add(p)), () -> now[0]);
        sink.commit(List.of(new dev.steno.engine.transcript.Word("Bye", 0, 1)));
        sink.silence();
        pump.finish(sink::idle, 1000);
        // RU2 CR PAC (6), "By" "e" (2), 1.5 s readable (44 padding), EDM (2): then idle.
        assertEquals(6 + 2 + 44 + 2, pairs.size());
        assertEquals(0x942c, pairs.get(pairs.size() - 1));
        assertTrue(sink.idle());
    }
}
