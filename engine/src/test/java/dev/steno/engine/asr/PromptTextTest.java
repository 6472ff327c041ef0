package dev.steno.engine.asr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.IsolatedJvm;
import dev.steno.engine.testing.RandomGgmlWhisper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PromptTextTest {
    @Test
    void prosePassesUnchanged() {
        String prose = "And so, my fellow Americans: ask not what your country can do for you.\nGrüße aus München!";
        assertSame(prose, PromptText.bounded(prose));
        String chinese = "我们今天去北京看长城。".repeat(5); // 55 characters without a space
        assertSame(chinese, PromptText.bounded(chinese));
        assertEquals("", new RecognitionRequest(new float[0], null, "en", Task.TRANSCRIBE).prompt());
    }

    @Test
    void longRunsAreBrokenAndTheTailKept() {
        String bounded = PromptText.bounded("x".repeat(10_000) + " the end");
        assertTrue(bounded.endsWith("x the end"), bounded);
        assertTrue(bounded.length() <= PromptText.MAX_CHARS + PromptText.MAX_CHARS / PromptText.MAX_RUN + 1);
        assertEquals(PromptText.MAX_RUN, longestRun(bounded));
        String unspaced = "长城".repeat(200);
        String broken = PromptText.bounded(unspaced);
        assertEquals(unspaced, broken.replace(" ", ""), "an unspaced script keeps its text");
        assertEquals(PromptText.MAX_RUN, longestRun(broken));
        assertEquals("a" + " ".repeat(PromptText.MAX_SPACE_RUN) + "b", PromptText.bounded("a" + " ".repeat(1000) + "b"));
        String emoji = "😀".repeat(3000); // surrogate pairs: the cut falls inside none of them
        assertEquals(emoji.substring(emoji.length() - PromptText.MAX_CHARS).replace(" ", ""),
                PromptText.bounded(emoji).replace(" ", ""));
        assertEquals(PromptText.bounded("z".repeat(70)), new RecognitionRequest(new float[0], "z".repeat(70), null,
                Task.TRANSCRIBE).prompt(), "every request is bounded");
    }

    private static int longestRun(String s) {
        int longest = 0;
        for (String piece : s.split("\\s+")) {
            longest = Math.max(longest, piece.codePointCount(0, piece.length()));
        }
        return longest;
    }

    /** What the child JVM runs: whisper.cpp with prompts that are long runs of one character class. */
    public static final class LongPrompts {
        public static void main(String[] args) throws Exception {
            Path model = RandomGgmlWhisper.write(Path.of(args[0]), RandomGgmlWhisper.Config.MICRO, 5);
            try (WhisperCppRecognizer r = WhisperCppRecognizer.load(model,
                    new WhisperCppConfig(1, 3, 1, false, true))) {
                for (String run : new String[] {"a", "!", " ", "长"}) {
                    r.transcribe(new RecognitionRequest(new float[16000], "x" + run.repeat(50_000) + "y", "en",
                            Task.TRANSCRIBE));
                }
            }
            System.out.println("all prompts transcribed");
        }
    }

    /**
     * Unbounded, each of these prompts overflows whisper.cpp's tokenizer stack and kills the JVM with SIGSEGV (exit
     * 139); it runs in a child JVM so that a regression fails this test rather than the build's JVM.
     */
    @Test
    void whisperCppSurvivesPromptsOfLongRuns() throws Exception {
        Path dir = Files.createTempDirectory("steno-prompt");
        IsolatedJvm.Result r = IsolatedJvm.run(LongPrompts.class, entry -> true, Duration.ofMinutes(3),
                dir.resolve("ggml-micro.bin").toString());
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("all prompts transcribed"), r.output());
    }
}
