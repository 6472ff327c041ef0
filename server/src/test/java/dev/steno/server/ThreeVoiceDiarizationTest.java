package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.diarization.baseline.BaselineDiarizer;
import dev.steno.engine.testing.Pcm16;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.testing.SpeechBurstRecognizer;
import dev.steno.engine.testing.SystemPrograms;
import dev.steno.engine.testing.TestStreams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check: {@code /asr} with diarization on a three-voice recording made with the shared
 * {@code make-dialogue.sh} (espeak-ng + sox) gives lines split at the turns with speakers 1-3.
 */
@Tag(SystemPrograms.TAG)
class ThreeVoiceDiarizationTest {
    private static final String SCRIPT = """
            en-us+m3|Good afternoon, this is the quarterly review of our support team.
            en-us+f2|Thanks for having me. Ticket volume went down by twelve percent this quarter.
            en-gb-x-rp+m7|That matches what we saw in the field. Customers are happier with the new release.
            en-us+m3|Excellent. What are the main complaints that remain open?
            en-us+f2|Mostly slow exports and a confusing settings page.
            en-gb-x-rp+m7|We have a fix for the exports scheduled for next sprint.
            en-us+m3|Good. Let us review the settings page together next week.
            """;

    @Test
    void threeVoicesAreSpeakersOneToThreeTurnByTurn(@TempDir Path dir) throws Exception {
        SystemPrograms.requireOnPath("espeak-ng sox bc", "espeak-ng", "sox", "soxi", "bc");
        Path script = Files.writeString(dir.resolve("three.script"), SCRIPT);
        Path out = dir.resolve("three");
        Process p = new ProcessBuilder("bash", SharedFixtures.file("tools/make-dialogue.sh").toString(),
                script.toString(), out.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), log);
        List<double[]> turns = new ArrayList<>();
        List<String> voices = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(out + ".rttm"))) {
            String[] f = line.trim().split("\\s+");
            double start = Double.parseDouble(f[3]);
            turns.add(new double[]{start, start + Double.parseDouble(f[4])});
            voices.add(f[7]);
        }
        byte[] pcm = Pcm16.of(WavReader.read(Path.of(out + ".wav")).resampledTo(16000).samples());

        try (ServerFixture server = ServerFixture.over(new TranscriptionService(
                TestStreams.localAgreement(new SpeechBurstRecognizer(), 2), BaselineDiarizer.factory(8)));
             WsClient c = WsClient.connect(server.ws("language=en"))) {
            c.stream(pcm, 3200);
            c.readyToStop.get(120, TimeUnit.SECONDS);
            JsonNode last = c.updates().getLast();
            // per turn, the speaker of most of its line time; voices must map one-to-one onto speakers 1..3
            Map<String, Integer> speakerOfVoice = new HashMap<>();
            List<Integer> order = new ArrayList<>();
            for (int t = 0; t < turns.size(); t++) {
                Map<Integer, Double> time = new HashMap<>();
                for (JsonNode line : last.get("lines")) {
                    int speaker = line.get("speaker").asInt();
                    double start = DiarizationServerTest.seconds(line.get("start").asText());
                    double end = DiarizationServerTest.seconds(line.get("end").asText());
                    double overlap = Math.min(end, turns.get(t)[1]) - Math.max(start, turns.get(t)[0]);
                    if (overlap > 0 && speaker > 0) {
                        time.merge(speaker, overlap, Double::sum);
                    }
                }
                int speaker = time.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
                double total = time.values().stream().mapToDouble(Double::doubleValue).sum();
                assertTrue(time.get(speaker) >= 0.85 * total, "turn " + t + " is mostly one speaker: " + time);
                assertEquals(speakerOfVoice.computeIfAbsent(voices.get(t), v -> speaker), speaker,
                        "turn " + t + " (" + voices.get(t) + ") keeps its voice's speaker: " + last.get("lines"));
                order.add(speaker);
            }
            assertEquals(List.of(1, 2, 3, 1, 2, 3, 1), order, "speakers 1-3 in order of appearance");
        }
    }
}
