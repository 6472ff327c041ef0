package dev.steno.jitsi.meeting;

import dev.steno.engine.stream.StreamService;
import dev.steno.engine.testing.TestStreams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.Await;
import dev.steno.jitsi.store.JdbcTranscriptStore;
import dev.steno.jitsi.testing.Audio;
import dev.steno.jitsi.testing.ToneRecognizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The meeting core as other ingest paths (RTP) use it: join, push audio, end; no WebSocket involved. */
class MeetingRegistryTest {
    @TempDir
    Path dir;

    private StreamService service;
    private JdbcTranscriptStore store;
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private MeetingRegistry registry;

    @BeforeEach
    void setUp() {
        service = TestStreams.localAgreement(new ToneRecognizer(), 2);
        store = JdbcTranscriptStore.sqlite(dir);
        registry = new MeetingRegistry(service, store, clock::get);
    }

    @AfterEach
    void tearDown() {
        registry.close();
        service.close();
        store.close();
    }

    @Test
    void participantsFedAt16kAnd48kBecomeSpeakersOfOneMergedTranscript() throws Exception {
        Meeting m = registry.meeting("weekly");
        List<String> finals = new CopyOnWriteArrayList<>();
        ParticipantListener collect = new ParticipantListener() {
            @Override
            public void onFinal(Participant p, Utterance u) {
                finals.add(p.id() + ":" + u.text());
            }
        };
        Participant ann = m.join("ann", "Ann", null, collect);
        clock.addAndGet(2_000); // Bob joins two seconds into the meeting
        Participant bob = m.join("bob", null, "en", collect);
        assertEquals(1, ann.speaker());
        assertEquals(2, bob.speaker());
        assertEquals(2.0, bob.offsetSeconds(), 1e-9);

        float[] a = Audio.bursts(16_000, 300, 2, 0.5, 1.2);
        float[] b = Audio.bursts(48_000, 700, 2, 0.5, 1.2);
        for (int i = 0; i < 4; i++) { // in pieces, as packets arrive
            ann.addAudio16k(a, i * a.length / 4, a.length / 4);
            bob.addPcm48k(b, i * b.length / 4, b.length / 4);
        }
        ann.end();
        bob.end();
        ann.finished().get(20, TimeUnit.SECONDS);
        bob.finished().get(20, TimeUnit.SECONDS);
        assertEquals(3.4, bob.receivedSeconds(), 1e-3, "48 kHz resampled to 16 kHz, nothing lost");
        // leaving runs just after finished() completes
        Await.until(Duration.ofSeconds(5), () -> m.participants().isEmpty(),
                () -> "ended participants leave the meeting: " + m.participants());
        assertEquals(List.of("alpha alpha", "bravo bravo"),
                List.of(String.join(" ", finals.stream().filter(f -> f.startsWith("ann:")).map(f -> f.substring(4))
                                .toList()),
                        String.join(" ", finals.stream().filter(f -> f.startsWith("bob:")).map(f -> f.substring(4))
                                .toList())));

        MeetingTranscript t = m.transcript();
        assertEquals("Ann", t.lines().getFirst().speakerLabel());
        MeetingTranscript.Line bobs = t.lines().stream().filter(l -> l.participantId().equals("bob")).findFirst()
                .orElseThrow();
        assertTrue(bobs.start() >= 2.0, "Bob's lines sit on the meeting clock from his join: " + bobs);
    }

    @Test
    void aFullServerRefusesAParticipantAndTheOthersGoOn() throws Exception {
        Meeting m = registry.meeting("busy");
        Participant one = m.join("one", null, null, null);
        Participant two = m.join("two", null, null, null);
        NoCapacityException full = assertThrows(NoCapacityException.class, () -> m.join("three", null, null, null));
        assertTrue(full.getMessage().contains("three"), full.getMessage());
        float[] tone = Audio.bursts(16_000, 1100, 1, 0.5, 0.5);
        assertTrue(one.addAudio16k(tone, 0, tone.length));
        assertTrue(two.addAudio16k(tone, 0, tone.length));
        one.end();
        two.end();
        one.finished().get(20, TimeUnit.SECONDS);
        two.finished().get(20, TimeUnit.SECONDS);
        assertEquals(2, m.transcript().lines().size());
        assertTrue(!one.addAudio16k(tone, 0, tone.length), "an ended participant refuses audio");
    }

    @Test
    void joiningAgainReplacesTheActiveStream() throws Exception {
        Meeting m = registry.meeting("again");
        Participant first = m.join("p", null, null, null);
        Participant second = m.join("p", null, null, null);
        first.finished().get(20, TimeUnit.SECONDS);
        assertEquals(List.of(second), m.participants());
        assertEquals(first.speaker(), second.speaker());
        second.cancel();
    }

    @Test
    void aMeetingForgottenWhileIdleComesBackWhenSomeoneJoins() {
        Meeting m = registry.meeting("idle");
        clock.addAndGet(3_600_000);
        registry.evictIdle(1_000);
        assertTrue(registry.active("idle").isEmpty(), "idle meetings are forgotten (the store keeps them)");
        Participant p = m.join("late", null, null, null); // a socket still held the meeting
        assertEquals(m, registry.active("idle").orElseThrow());
        registry.endAll(5_000);
        assertTrue(p.isDone(), "shutdown reaches participants of a meeting that was forgotten");
    }

    @Test
    void aFeedStartsANewStreamAfterAPauseSoLinesStayWhereTheyWereSaid() throws Exception {
        Meeting m = registry.meeting("paused");
        AtomicLong nanos = new AtomicLong();
        List<Utterance> finals = new CopyOnWriteArrayList<>();
        ParticipantFeed feed = new ParticipantFeed(m, "ann", "Ann", "en", new ParticipantListener() {
            @Override
            public void onFinal(Participant p, Utterance u) {
                finals.add(u);
            }
        }, 5_000_000_000L, nanos::get);
        float[] tone = Audio.bursts(16_000, 300, 1, 0.5, 0.5);
        assertTrue(!feed.endIfIdle(), "nothing open yet");
        feed.addAudio16k(tone, 0, tone.length);
        Participant first = feed.current();
        nanos.addAndGet(4_000_000_000L);
        assertTrue(!feed.endIfIdle(), "4 s of quiet is a pause, not the end");
        nanos.addAndGet(2_000_000_000L);
        clock.addAndGet(60_000); // the participant was muted for a minute
        assertTrue(feed.endIfIdle());
        first.finished().get(20, TimeUnit.SECONDS);
        assertEquals(1, finals.size(), "the words before the pause are final at once");
        feed.addAudio16k(tone, 0, tone.length);
        Participant second = feed.current();
        assertTrue(second != first);
        assertEquals(first.speaker(), second.speaker());
        assertEquals(60.0, second.offsetSeconds(), 1e-9, "placed at the time it resumed");
        feed.endStream();
        second.finished().get(20, TimeUnit.SECONDS);
        List<MeetingTranscript.Line> lines = m.transcript().lines();
        assertEquals(2, lines.size());
        assertEquals(0.0, lines.get(0).start(), 0.05);
        assertEquals(60.0, lines.get(1).start(), 0.05, "not squeezed next to the first line");
    }

    @Test
    void captionsGoOnWhenTheStoreIsDown() throws Exception {
        store.close(); // every store call now fails
        Meeting m = registry.meeting("offline");
        List<String> finals = new CopyOnWriteArrayList<>();
        Participant p = m.join("ann", null, null, new ParticipantListener() {
            @Override
            public void onFinal(Participant who, Utterance u) {
                finals.add(u.text());
            }
        });
        float[] tone = Audio.bursts(16_000, 300, 1, 0.5, 0.5);
        p.addAudio16k(tone, 0, tone.length);
        p.end();
        p.finished().get(20, TimeUnit.SECONDS);
        assertEquals(List.of("alpha"), finals);
    }

    @Test
    void linesCommittedWhileTheStoreIsDownAreStoredOnceItAnswersAgain() throws Exception {
        OutageStore flaky = new OutageStore(store);
        MeetingRegistry r = new MeetingRegistry(service, flaky, clock::get);
        Meeting m = r.meeting("outage");
        Participant first = m.join("ann", "Ann", null, ParticipantListener.NONE);
        float[] hello = Audio.bursts(16_000, 300, 1, 0.5, 0.5);
        first.addAudio16k(hello, 0, hello.length);
        first.end();
        first.stored().get(20, TimeUnit.SECONDS);

        flaky.down(true); // the database restarts: Ann comes back, Bob joins, both speak while it is away
        Participant ann = m.join("ann", "Ann", null, ParticipantListener.NONE);
        Participant bob = m.join("bob", "Bob", null, ParticipantListener.NONE);
        float[] a = Audio.bursts(16_000, 1100, 2, 0.5, 1.2);
        float[] b = Audio.bursts(16_000, 700, 2, 0.5, 1.2);
        ann.addAudio16k(a, 0, a.length);
        bob.addAudio16k(b, 0, b.length);
        ann.end();
        bob.end();
        ann.stored().get(20, TimeUnit.SECONDS);
        bob.stored().get(20, TimeUnit.SECONDS);
        assertTrue(flaky.refused.get() > 0, "the writes met the outage");
        assertTrue(r.unstoredWrites() > 0, "the ended participants' lines wait in memory");
        assertEquals(List.of("alpha"), m.transcript().lines().stream().map(l -> l.text().strip()).toList());

        flaky.down(false);
        assertEquals(0, r.retryPendingWrites());
        MeetingTranscript t = m.transcript();
        assertEquals(List.of("ann:alpha", "ann:charlie charlie", "bob:bravo bravo"), t.lines().stream()
                .map(l -> l.participantId() + ":" + l.text().strip()).sorted().toList());
        assertEquals(2, t.participants().size(), "Bob, who joined during the outage, is a participant");
        assertEquals(0, r.retryPendingWrites(), "nothing is written twice");
        assertEquals(3, m.transcript().lines().size());
    }

    @Test
    void clientLanguageTagsBecomeWhisperCodes() {
        assertEquals("en", Meeting.whisperLanguage("en-US", "p"));
        assertEquals("pt", Meeting.whisperLanguage(" PT_br ", "p"));
        assertEquals(null, Meeting.whisperLanguage("klingon", "p"), "unknown: the server default");
        assertEquals(null, Meeting.whisperLanguage(null, "p"));
    }

    @Test
    void badIdsAreRefusedWithAReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> registry.meeting(" ")).getMessage()
                .contains("meeting id is empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> registry.meeting("a\nb")).getMessage()
                .contains("control character"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> registry.meeting("x".repeat(201)))
                .getMessage().contains("longer than 200"));
    }

    @Test
    void aDrainingRegistryEndsEveryoneStoresTheirWordsAndJoinsNoOne() throws Exception {
        Meeting m = registry.meeting("standup");
        Participant ann = m.join("ann", "Ann", null, null);
        float[] a = Audio.bursts(16_000, 300, 2, 0.5, 1.2);
        ann.addAudio16k(a, 0, a.length); // no end: the drain ends it
        registry.stopJoining();
        NoCapacityException refused = assertThrows(NoCapacityException.class, () -> m.join("bob", null, null, null));
        assertTrue(refused.getMessage().contains("draining"), refused.getMessage());
        registry.endAll().get(20, TimeUnit.SECONDS);
        assertTrue(ann.isDone());
        assertEquals("alpha alpha", String.join(" ", m.transcript().lines().stream()
                .map(l -> l.text().strip()).toList()), "the last words were committed and stored");
        assertEquals(List.of("ann"), m.transcript().participants().stream()
                .map(MeetingTranscript.ParticipantInfo::participantId).toList(), "Bob never joined");
    }
}
