package dev.steno.engine.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.asr.JavaWhisperRecognizer;
import dev.steno.engine.asr.Recognition;
import dev.steno.engine.asr.RecognitionRequest;
import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.corrections.Hotwords;
import dev.steno.engine.policy.LocalAgreementConfig;
import dev.steno.engine.policy.LocalAgreementPolicy;
import dev.steno.engine.policy.alignatt.AlignAttConfig;
import dev.steno.engine.policy.alignatt.AlignAttPolicy;
import dev.steno.engine.session.InferenceScheduler;
import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.testing.SpeechBurstRecognizer;
import dev.steno.engine.testing.TestStreams;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.engine.transcript.Word;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Policies chosen by what the recogniser can do; live streams opened, scheduled and counted by the service. */
class StreamServiceTest {
    @TempDir
    static Path dir;
    static JavaWhisperRecognizer java;

    private static final LocalAgreementConfig LA = LocalAgreementConfig.builder().language("en").build();
    private static final AlignAttConfig AA = AlignAttConfig.builder().language("en").build();

    /** A recogniser whose decoder's cross-attention cannot be read, as whisper.cpp's. */
    static final SpeechRecognizer OPAQUE = new SpeechRecognizer() {
        @Override
        public Recognition transcribe(RecognitionRequest request) {
            throw new UnsupportedOperationException("not transcribed in these tests");
        }

        @Override
        public String backendName() {
            return "opaque";
        }

        @Override
        public boolean multilingual() {
            return true;
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void load() throws Exception {
        Path model = RandomGgmlWhisper.write(dir.resolve("random-micro.bin"), RandomGgmlWhisper.Config.MICRO, 8);
        java = JavaWhisperRecognizer.load(model, new JavaWhisperRecognizer.JavaWhisperConfig(true, true), null);
    }

    @AfterAll
    static void close() {
        java.close();
    }

    @Test
    void autoRunsSimulStreamingWhereCrossAttentionCanBeReadAndLocalAgreementElsewhere() {
        StreamingPolicies onJava = StreamingPolicies.of(java, StreamingPolicies.Choice.AUTO, LA, AA);
        assertTrue(onJava.simulStreaming());
        assertEquals("simulstreaming", onJava.name());
        assertEquals("de", assertInstanceOf(AlignAttPolicy.class, onJava.create("de")).config().language());
        assertEquals("en", assertInstanceOf(AlignAttPolicy.class, onJava.create(null)).config().language());

        StreamingPolicies onOpaque = StreamingPolicies.of(OPAQUE, StreamingPolicies.Choice.AUTO, LA, AA);
        assertFalse(onOpaque.simulStreaming());
        assertInstanceOf(LocalAgreementPolicy.class, onOpaque.create("de"));
        assertEquals("localagreement", onOpaque.name());

        StreamingPolicies forced = StreamingPolicies.of(java, StreamingPolicies.Choice.LOCALAGREEMENT, LA, AA);
        assertInstanceOf(LocalAgreementPolicy.class, forced.create(null));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StreamingPolicies.of(OPAQUE, StreamingPolicies.Choice.SIMULSTREAMING, LA, AA));
        assertTrue(e.getMessage().contains("opaque") && e.getMessage().contains("cross-attention"), e.getMessage());
    }

    @Test
    void aStreamsOwnTermsJoinTheServersStaticPromptInEitherPolicy() {
        String terms = new Hotwords(List.of("Kubernetes", "Jitsi Meet")).addTo(null);
        AlignAttConfig serverPrompt = AA.toBuilder().staticInitPrompt("Steno glossary.").build();
        StreamingPolicies simul = StreamingPolicies.of(java, StreamingPolicies.Choice.AUTO, LA, serverPrompt);
        AlignAttConfig c = assertInstanceOf(AlignAttPolicy.class, simul.create("de", terms)).config();
        assertEquals("Steno glossary. Kubernetes, Jitsi Meet.", c.staticInitPrompt());
        assertEquals("de", c.language());
        assertEquals("Steno glossary.", assertInstanceOf(AlignAttPolicy.class, simul.create(null)).config()
                .staticInitPrompt(), "other streams keep the server's prompt");

        StreamingPolicies agreement = StreamingPolicies.of(OPAQUE, StreamingPolicies.Choice.AUTO, LA, AA);
        assertEquals("Kubernetes, Jitsi Meet.", assertInstanceOf(LocalAgreementPolicy.class,
                agreement.create(null, terms)).config().staticPrompt());
        assertEquals("", assertInstanceOf(LocalAgreementPolicy.class, agreement.create(null, ""))
                .config().staticPrompt());
    }

    @Test
    void choicesParseTheCommandLineNames() {
        assertEquals(StreamingPolicies.Choice.SIMULSTREAMING, StreamingPolicies.Choice.parse(" AlignAtt"));
        assertEquals(StreamingPolicies.Choice.LOCALAGREEMENT, StreamingPolicies.Choice.parse("local-agreement"));
        assertEquals(StreamingPolicies.Choice.AUTO, StreamingPolicies.Choice.parse("auto"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StreamingPolicies.Choice.parse("greedy"));
        assertTrue(e.getMessage().contains("'greedy'"), e.getMessage());
    }

    @Test
    void liveStreamsRunTheClientsLanguageOnTheSchedulerAndAreCounted() throws Exception {
        float[] audio = WavReader.read(SharedFixtures.file("audio/jfk.wav")).resampledTo(16000).samples();
        StreamCounters counters = new StreamCounters();
        StreamingPolicies policies = StreamingPolicies.of(java, StreamingPolicies.Choice.AUTO, LA, AA);
        // the service would close the shared recogniser: this one is closed after all tests
        StreamService service = new StreamService(policies, null, new InferenceScheduler(1, 1, System::nanoTime),
                new StreamService.Settings(1.0, 60), counters);
        try {
            List<Word> words = Collections.synchronizedList(new ArrayList<>());
            LiveStream live = service.stream().language("de").listener(u -> words.addAll(u.newlyCommitted()))
                    .open().orElseThrow();
            assertEquals(1, counters.active());
            Optional<LiveStream> second = service.stream().open();
            assertTrue(second.isEmpty(), "the scheduler takes one stream");
            assertEquals(1, counters.rejected());
            assertEquals(0, counters.speaking(1e9), "no audio yet");
            for (int i = 0; i < audio.length; i += 16000) {
                assertTrue(live.addAudio(audio, i, Math.min(16000, audio.length - i)));
            }
            Await.until(Duration.ofSeconds(60), () -> counters.speaking(1e9) == 1,
                    () -> "a step took the audio (without a gate, all of it is speech)");
            live.endOfStream();
            live.finished().get(60, TimeUnit.SECONDS);
            assertFalse(live.addAudio(audio, 0, 100), "no audio after the end");
            assertEquals(0, counters.active(), "counted out once finished");
            assertEquals(0, counters.speaking(1e9), "a finished stream is no longer open");
            assertEquals(1, counters.opened());
            assertEquals(audio.length / 16000.0, counters.audioSeconds(), 1e-9, "the audio is counted once");
            assertFalse(words.isEmpty(), "the AlignAtt stream committed words");
            assertEquals(live.stream().committedWords(), words);
            assertTrue(words.getLast().end() <= audio.length / 16000.0 + 0.5, "inside the recording: " + words.getLast());
        } finally {
            service.scheduler().close();
        }
    }

    @Test
    void aLiveStreamEndsAnUtteranceOnRequestAndStaysOpen() throws Exception {
        StreamService service = TestStreams.localAgreement(new SpeechBurstRecognizer(), 1, 60, 120);
        try {
            List<Word> finalized = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger flushes = new AtomicInteger();
            LiveStream live = service.stream().listener(new StreamListener() {
                @Override
                public void onUpdate(TranscriptUpdate update) {
                }

                @Override
                public void onUtteranceFinished(TranscriptUpdate update) {
                    finalized.addAll(update.newlyCommitted());
                    flushes.incrementAndGet();
                }
            }).open().orElseThrow();
            float[] burst = new float[24000];
            for (int i = 0; i < 16000; i++) {
                burst[i] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * i / 16000));
            }
            // a minute-long chunk size: nothing is stepped until the flush asks
            assertTrue(live.addAudio(burst, 0, burst.length));
            live.finishUtterance();
            Await.until(Duration.ofSeconds(30), () -> flushes.get() == 1, () -> "the flush ran");
            assertFalse(finalized.isEmpty(), "the flush transcribed the queued audio");
            assertTrue(live.addAudio(burst, 0, burst.length), "the stream stays open");
            live.endOfStream();
            live.finished().get(30, TimeUnit.SECONDS);
        } finally {
            service.close();
        }
    }
}
