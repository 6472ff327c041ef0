package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.transcript.Word;
import dev.steno.engine.transcript.Words;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --corrections}, {@code --corrections-dir} and {@code --hotwords}: checked before any work, then applied. */
class CorrectionOptionsTest {
    @TempDir
    Path dir;

    private static void assertUsageError(CliRun run, String fragment) {
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains(fragment), "'" + fragment + "' in:\n" + run.err());
        assertFalse(run.err().contains("\tat "), run.err());
    }

    @Test
    void aMissingOrBadCorrectionsFileIsAUsageError() throws Exception {
        String jfk = SharedFixtures.file("audio/jfk.wav").toString();
        // no --model-path: the flags are refused before any model is looked for
        assertUsageError(CliRun.of("transcribe", jfk, "--corrections", dir.resolve("absent.txt").toString()),
                "--corrections " + dir.resolve("absent.txt") + ": no such file");
        Path bad = Files.writeString(dir.resolve("bad.txt"), "# terms\ncubernetes Kubernetes\n");
        assertUsageError(CliRun.of("transcribe", jfk, "--corrections", bad.toString()),
                bad + " line 2: expected 'wrong => right'");
        assertUsageError(CliRun.of("transcribe", jfk, "--corrections-dir", bad.toString()),
                "--corrections-dir: corrections folder " + bad + " is not a folder");
    }

    private static EngineOptions parse(String... args) {
        TranscribeCommand command = new TranscribeCommand();
        new CommandLine(command).parseArgs(args);
        return command.engine;
    }

    @Test
    void hotwordsJoinBothStaticPrompts() {
        EngineOptions engine = parse("x.wav", "--hotwords", "Kubernetes, Jitsi", "--static-init-prompt",
                "Cluster talk.", "--init-prompt", "Meeting.");
        assertEquals("Cluster talk. Kubernetes, Jitsi.", engine.alignAttConfig().staticInitPrompt());
        assertEquals("Meeting. Kubernetes, Jitsi.",
                engine.policyConfig(new CommandLine(new TranscribeCommand())).staticPrompt());
        assertEquals("", parse("x.wav").alignAttConfig().staticInitPrompt());
    }

    @Test
    void theCorrectionsFileReachesTheStreams() throws Exception {
        Path terms = Files.writeString(dir.resolve("terms.txt"), "cubernetes => Kubernetes\n");
        EngineOptions engine = parse("x.wav", "--corrections", terms.toString());
        List<Word> words = List.of(new Word(" on", 0, 1), new Word(" cubernetes", 1, 2));
        CommandLine cl = new CommandLine(new TranscribeCommand());
        assertEquals("on Kubernetes", Words.text(engine.corrections.sets(cl).standard().correct(words)));
    }
}
