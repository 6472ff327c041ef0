package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.asr.JavaWhisperRecognizer;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.policy.LocalAgreementConfig;
import dev.steno.engine.policy.StreamingPolicy;
import dev.steno.engine.policy.alignatt.AlignAttConfig;
import dev.steno.engine.policy.alignatt.AlignAttPolicy;
import dev.steno.engine.policy.alignatt.JavaWhisperAlignAttModel;
import dev.steno.engine.session.InferenceScheduler;
import dev.steno.engine.session.ScheduledSession;
import dev.steno.engine.session.SessionListener;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.engine.transcript.Word;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live sessions take their streaming policy from the settings' factory: SimulStreaming on the Java Whisper. */
class PolicyFactoryTest {
    @TempDir
    Path dir;

    @Test
    void sessionsRunTheFactorysPolicyWithTheClientsLanguage() throws Exception {
        Path model = RandomGgmlWhisper.write(dir.resolve("random-micro.bin"), RandomGgmlWhisper.Config.MICRO, 8);
        JavaWhisperRecognizer recognizer = JavaWhisperRecognizer.load(model,
                new JavaWhisperRecognizer.JavaWhisperConfig(true, true), null);
        JavaWhisperAlignAttModel alignAtt = new JavaWhisperAlignAttModel(recognizer);
        AlignAttConfig config = AlignAttConfig.builder().language("en").build();
        List<String> languages = Collections.synchronizedList(new ArrayList<>());
        List<StreamingPolicy> built = Collections.synchronizedList(new ArrayList<>());
        TranscriptionService.Settings settings = new TranscriptionService.Settings(
                LocalAgreementConfig.builder().language("en").build(), 1.0, 60, language -> {
                    languages.add(language);
                    StreamingPolicy p = new AlignAttPolicy(alignAtt,
                            language == null ? config : config.toBuilder().language(language).build());
                    built.add(p);
                    return p;
                });
        float[] audio = WavReader.read(SharedFixtures.file("audio/jfk.wav")).resampledTo(16000).samples();
        try (TranscriptionService service = new TranscriptionService(recognizer, settings,
                new InferenceScheduler(1, 4, System::nanoTime), new ServerMetrics())) {
            List<Word> words = Collections.synchronizedList(new ArrayList<>());
            ScheduledSession session = service.open("de", (TranscriptUpdate u) -> words.addAll(u.newlyCommitted()),
                    () -> 0, SessionListener.NONE).orElseThrow();
            ScheduledSession other = service.open(null, u -> { }, () -> 0, SessionListener.NONE).orElseThrow();
            for (int i = 0; i < audio.length; i += 16000) {
                session.addAudio(audio, i, Math.min(16000, audio.length - i));
            }
            session.endOfStream();
            other.endOfStream();
            session.finished().get(60, TimeUnit.SECONDS);
            other.finished().get(60, TimeUnit.SECONDS);
            assertEquals(List.of("de", "null"), languages.stream().map(String::valueOf).toList());
            assertEquals("de", ((AlignAttPolicy) built.get(0)).config().language());
            assertEquals("en", ((AlignAttPolicy) built.get(1)).config().language());
            assertFalse(words.isEmpty(), "the AlignAtt session committed words");
            assertEquals(session.session().committedWords(), words);
            assertTrue(words.getLast().end() <= 11.5, "inside the recording: " + words.getLast());
        }
    }
}
