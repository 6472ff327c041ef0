package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.asr.Task;
import dev.steno.engine.testing.TestStreams;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Uploads run one per inference worker at a time (each holds an encoder call's and a decoding's buffers, which the
 * launcher sizes the heap for); the others wait their turn and are all transcribed.
 */
class UploadSlotsTest {
    @Test
    void withOneWorkerUploadsRunOneAtATimeAndAllFinish() throws Exception {
        HeldRecognizer recognizer = new HeldRecognizer();
        recognizer.hold = true;
        try (TranscriptionService service = new TranscriptionService(TestStreams.localAgreement(recognizer, 4))) {
            List<Thread> uploads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                uploads.add(Thread.ofPlatform().start(
                        () -> service.transcribeWhole(new float[16_000], "en", "", Task.TRANSCRIBE)));
            }
            assertTrue(recognizer.entered.await(60, TimeUnit.SECONDS), "one upload runs");
            // the other two park on the upload slot: wait until both are parked, then check none got in
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (uploads.stream().filter(t -> t.getState() == Thread.State.WAITING).count() < 3
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(3, uploads.stream().filter(t -> t.getState() == Thread.State.WAITING).count(),
                    "one upload waits in the recogniser, two for the slot");
            assertEquals(1, recognizer.calls.get());
            recognizer.release.countDown();
            for (Thread t : uploads) {
                t.join(TimeUnit.SECONDS.toMillis(60));
            }
            assertEquals(3, recognizer.calls.get(), "every upload is transcribed");
            assertEquals(1, recognizer.mostInFlight.get());
        }
    }
}
