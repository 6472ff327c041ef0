package dev.steno.engine.whisper;

import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.RandomGgmlWhisper.Config;
import io.github.givimad.whisperjni.WhisperContext;
import io.github.givimad.whisperjni.WhisperFullParams;
import io.github.givimad.whisperjni.WhisperJNI;
import io.github.givimad.whisperjni.WhisperSamplingStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generator's files are ones whisper.cpp itself accepts and runs, not just ones our reader accepts. */
class GeneratedModelLoadsInWhisperCppTest {
    @TempDir
    Path dir;

    @Test
    void microInEotModeLoadsAndTranscribesToNothing() throws Exception {
        transcribesToNothing(Config.MICRO, "micro");
    }

    @Test
    void tinyInEotModeLoadsAndTranscribesToNothing() throws Exception {
        transcribesToNothing(Config.TINY, "tiny");
    }

    private void transcribesToNothing(Config cfg, String label) throws Exception {
        Path model = RandomGgmlWhisper.write(dir.resolve(label + "-eot.bin"), cfg.withEotMode(true), 21);
        GgmlWhisperFile.openComplete(model);
        WhisperJNI.loadLibrary();
        WhisperJNI whisper = new WhisperJNI();
        WhisperContext ctx = whisper.init(model);
        assertNotNull(ctx, "whisper.cpp refused the generated model");
        try {
            assertTrue(whisper.isMultilingual(ctx));
            WhisperFullParams params = new WhisperFullParams(WhisperSamplingStrategy.GREEDY);
            params.language = "en";
            params.suppressBlank = false;
            // With timestamps whisper.cpp forces a timestamp first and whenever timestamps outweigh text, which
            // the random timestamp rows do; end-of-text mode is meant for timestamp-free decoding.
            params.noTimestamps = true;
            params.printProgress = false;
            params.audioCtx = 256;
            float[] audio = new float[16000 * 2];
            for (int i = 0; i < audio.length; i++) {
                audio[i] = (float) (0.1 * Math.sin(2 * Math.PI * 440 * i / 16000.0));
            }
            long t0 = System.nanoTime();
            assertEquals(0, whisper.full(ctx, params, audio, audio.length));
            System.out.printf("whisper.cpp full() on %s eot: %d ms%n", label, (System.nanoTime() - t0) / 1_000_000);
            // End of text comes first, so there is no text: at most empty segments.
            for (int i = 0; i < whisper.fullNSegments(ctx); i++) {
                assertEquals("", whisper.fullGetSegmentText(ctx, i).strip());
            }
        } finally {
            whisper.free(ctx);
        }
    }
}
