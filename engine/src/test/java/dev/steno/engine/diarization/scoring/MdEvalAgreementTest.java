package dev.steno.engine.diarization.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.testing.SystemPrograms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Our DER equals NIST md-eval-22's (Debian package sctk) to within 0.05 percentage points. */
@Tag(SystemPrograms.TAG)
class MdEvalAgreementTest {
    private static final Path MD_EVAL = Path.of("/usr/lib/sctk/bin/md-eval.pl");
    private static final Pattern OVERALL = Pattern.compile("OVERALL SPEAKER DIARIZATION ERROR = ([0-9.]+) percent");
    /** md-eval prints two decimals; the rest is our own slack. */
    private static final double TOLERANCE_POINTS = 0.05;

    @TempDir
    Path dir;

    @BeforeEach
    void needsMdEval() {
        SystemPrograms.require(Files.isExecutable(MD_EVAL) && SystemPrograms.onPath("perl"), MD_EVAL.toString(),
                "sctk");
    }

    /** How one case is scored: md-eval's {@code -c}, {@code -1} and whether a random UEM is given. */
    record Options(double collar, boolean ignoreOverlap, boolean uem) {
        @Override
        public String toString() {
            return "collar " + collar + (ignoreOverlap ? ", -1" : "") + (uem ? ", uem" : "");
        }
    }

    static Stream<Arguments> randomPairs() {
        Options fair = new Options(0.25, false, false);
        List<Arguments> cases = new ArrayList<>();
        for (long seed = 1; seed <= 6; seed++) {
            cases.add(Arguments.of(seed, fair));
        }
        cases.add(Arguments.of(7L, new Options(0, false, false)));
        cases.add(Arguments.of(8L, new Options(0, false, false)));
        cases.add(Arguments.of(9L, new Options(0.25, true, false)));
        cases.add(Arguments.of(10L, new Options(0, true, false)));
        cases.add(Arguments.of(11L, new Options(0.25, false, true)));
        cases.add(Arguments.of(12L, new Options(0, false, true)));
        cases.add(Arguments.of(13L, new Options(0.25, true, true)));
        cases.add(Arguments.of(14L, new Options(0.5, false, false)));
        return cases.stream();
    }

    @ParameterizedTest(name = "seed {0}, {1}")
    @MethodSource("randomPairs")
    void randomConversationsScoreAsMdEvalScoresThem(long seed, Options options) throws Exception {
        RandomTurns random = new RandomTurns(seed);
        List<RttmTurn> reference = new ArrayList<>();
        List<RttmTurn> system = new ArrayList<>();
        List<UemSegment> uem = new ArrayList<>();
        int recordings = 1 + (int) (seed % 3);
        for (int r = 0; r < recordings; r++) {
            String file = "rec" + r;
            double seconds = 40 + 20 * r;
            List<RttmTurn> ref = random.reference(file, 2 + (int) ((seed + r) % 4), seconds);
            reference.addAll(ref);
            system.addAll(random.system(ref));
            uem.addAll(random.uem(file, seconds));
        }
        if (seed % 4 == 0) {
            // a system speaker of one recording invented outright, for a recording the reference lacks
            system.add(new RttmTurn("unscored", 0, 5, "S0"));
        }
        assertAgreement("seed " + seed, reference, system, options.uem() ? uem : null, options);
    }

    @Test
    void oneSpeakerOnTheSyntheticDialogueScores42Point2Percent() throws Exception {
        List<RttmTurn> reference = Rttm.read(SharedFixtures.file("audio/synthetic/dialogue-a.rttm"));
        List<RttmTurn> system = reference.stream()
                .map(t -> new RttmTurn(t.file(), t.start(), t.duration(), "one")).toList();
        double ours = assertAgreement("dialogue-a, one speaker", reference, system, null,
                new Options(0.25, false, false));
        assertEquals(42.2, ours, 0.05, "test-peers.md: a one-speaker hypothesis scores 42.2% on dialogue-a");
    }

    @Test
    void amiExcerptsWithTheirUem() throws Exception {
        List<RttmTurn> reference = Rttm.read(SharedFixtures.file("audio/ami/debug.development.rttm"));
        List<UemSegment> uem = Uem.read(SharedFixtures.file("audio/ami/debug.development.uem"));
        List<RttmTurn> oneSpeaker = new ArrayList<>();
        List<RttmTurn> imperfect = new ArrayList<>();
        RandomTurns random = new RandomTurns(2026);
        Rttm.byFile(reference).forEach((file, turns) -> {
            // one speaker talking through all of the scored 30 s, silence included
            oneSpeaker.add(new RttmTurn(file, 0, 30, "all"));
            imperfect.addAll(random.system(turns));
        });
        for (Options o : List.of(new Options(0.25, false, true), new Options(0, false, true),
                new Options(0.25, true, true))) {
            assertAgreement("ami one speaker", reference, oneSpeaker, uem, o);
            assertAgreement("ami imperfect", reference, imperfect, uem, o);
        }
    }

    /** Scores both ways from the same files and returns our DER in percent. */
    private double assertAgreement(String name, List<RttmTurn> reference, List<RttmTurn> system,
                                   List<UemSegment> uem, Options options) throws IOException, InterruptedException {
        Path ref = dir.resolve("ref.rttm");
        Path hyp = dir.resolve("hyp.rttm");
        Rttm.write(ref, reference);
        Rttm.write(hyp, system);
        List<String> command = new ArrayList<>(List.of("perl", MD_EVAL.toString(), "-c",
                Double.toString(options.collar())));
        if (options.ignoreOverlap()) {
            command.add("-1");
        }
        if (uem != null) {
            // md-eval applies a UEM row only when its channel equals the RTTM channel (ours write 1)
            StringBuilder text = new StringBuilder();
            for (UemSegment u : uem) {
                text.append(String.format(Locale.ROOT, "%s 1 %.3f %.3f%n", u.file(), u.start(), u.end()));
            }
            Path uemFile = Files.writeString(dir.resolve("scored.uem"), text.toString());
            command.addAll(List.of("-u", uemFile.toString()));
        }
        command.addAll(List.of("-r", ref.toString(), "-s", hyp.toString()));
        double theirs = mdEval(command);

        // ours reads the very files md-eval read, so both see the same rounded times
        DiarizationScorer scorer = DiarizationScorer.withCollar(options.collar());
        if (options.ignoreOverlap()) {
            scorer = scorer.ignoringOverlap();
        }
        List<UemSegment> scoredTime = uem == null ? null : Uem.read(dir.resolve("scored.uem"));
        DiarizationScore score = scorer.scoreAll(Rttm.read(ref), Rttm.read(hyp), scoredTime);
        double ours = 100 * score.der();
        System.out.printf(Locale.ROOT, "%s, %s: ours %.3f%%, md-eval %.2f%%%n", name, options, ours, theirs);
        assertTrue(score.scored() > 0, name + ": nothing scored");
        assertEquals(theirs, ours, TOLERANCE_POINTS, name + ", " + options + ": DER in percent, md-eval vs ours");
        return ours;
    }

    private double mdEval(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("md-eval did not finish: " + command);
        }
        Matcher m = OVERALL.matcher(output);
        if (process.exitValue() != 0 || !m.find()) {
            fail("md-eval exited " + process.exitValue() + " without an overall DER: " + command + "\n" + output);
        }
        return Double.parseDouble(m.group(1));
    }
}
