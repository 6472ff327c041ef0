package dev.steno.jitsi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.SystemPrograms;
import dev.steno.engine.transcript.Word;
import dev.steno.jitsi.meeting.MeetingTranscript;
import dev.steno.jitsi.meeting.TranscriptStore.StreamSlot;
import dev.steno.jitsi.testing.PostgresCluster;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Several Steno nodes on one PostgreSQL database (each node is a store with its own connection), as behind nginx:
 * a meeting moves from node to node keeping its clock and speaker numbers, and nodes writing one meeting at once
 * neither duplicate nor corrupt it. A real throwaway PostgreSQL server (Debian package {@code postgresql}).
 */
@Tag(SystemPrograms.TAG)
class SharedPostgresStoreTest {
    private static PostgresCluster cluster;

    @BeforeAll
    static void startPostgres() throws Exception {
        cluster = PostgresCluster.startOrSkip();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static List<String> lines(MeetingTranscript t) {
        return t.lines().stream().map(l -> l.speaker() + ":" + l.text()).toList();
    }

    @Test
    void aMeetingMovedToAnotherNodeKeepsItsClockAndSpeakersAndStoresEachLineOnce() throws Exception {
        String url = cluster.newDatabase();
        long t0 = 1_700_000_000_000L;
        try (JdbcTranscriptStore a = JdbcTranscriptStore.open(url, null, null);
             JdbcTranscriptStore b = JdbcTranscriptStore.open(url, null, null)) {
            assertEquals(t0, a.openMeeting("standup", t0));
            StreamSlot ann = a.addStream("standup", "ann", "Ann", "en", t0);
            StreamSlot bob = a.addStream("standup", "bob", "Bob", "en", t0 + 1_000);
            a.saveLine("standup", "ann", ann.stream(), 0, 0.5, 1.5, "hello", t0 + 2_000);
            a.saveLine("standup", "bob", bob.stream(), 0, 2.0, 3.0, "hi ann", t0 + 3_000);
            a.saveWords("standup", "bob", bob.stream(), 0, List.of(new Word(" hi", 2.0, 2.4, 0.9),
                    new Word(" ann", 2.4, 3.0, 0.8)));
            // node a dies; the bridge reconnects through nginx to node b and sends its start events again
            long later = t0 + 60_000;
            assertEquals(t0, b.openMeeting("standup", later), "the meeting clock continues from its first start");
            StreamSlot ann2 = b.addStream("standup", "ann", null, null, later);
            StreamSlot bob2 = b.addStream("standup", "bob", null, null, later);
            StreamSlot cy = b.addStream("standup", "cy", "Cy", "en", later);
            assertEquals(new StreamSlot(ann.speaker(), 2), ann2);
            assertEquals(new StreamSlot(bob.speaker(), 2), bob2);
            assertEquals(3, cy.speaker(), "a new participant gets the next number");
            b.saveLine("standup", "ann", ann2.stream(), 0, 60.5, 61.0, "where were we", later + 1_000);
            // a write repeated after an uncertain failure (its commit's answer lost), and again as the line grew
            b.saveLine("standup", "ann", ann2.stream(), 0, 60.5, 61.0, "where were we", later + 1_000);
            b.saveLine("standup", "ann", ann2.stream(), 0, 60.5, 61.8, "where were we going", later + 2_000);
            b.saveWords("standup", "bob", bob.stream(), 0, List.of(new Word(" hi", 2.0, 2.4, 0.9),
                    new Word(" ann", 2.4, 3.0, 0.8)));
            b.saveLine("standup", "cy", cy.stream(), 0, 62.0, 62.5, "morning", later + 3_000);

            MeetingTranscript t = a.transcript("standup").orElseThrow(); // either node reads the same meeting
            assertEquals(List.of("1:hello", "2:hi ann", "1:where were we going", "3:morning"), lines(t));
            assertEquals(List.of("Ann", "Bob", "Cy"), t.participants().stream()
                    .map(MeetingTranscript.ParticipantInfo::label).toList(), "names kept from the first join");
            assertEquals(2, t.words().size(), "words written twice are stored once");
            assertEquals(t, b.transcript("standup").orElseThrow());
        }
    }

    @Test
    void nodesJoiningParticipantsOfOneMeetingAtOnceGiveEachOneNumberAndDistinctStreams() throws Exception {
        String url = cluster.newDatabase();
        int nodes = 4;
        int participants = 24;
        List<JdbcTranscriptStore> stores = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            for (int i = 0; i < nodes; i++) {
                stores.add(JdbcTranscriptStore.open(url, null, null));
                stores.get(i).openMeeting("town-hall", 1_000L + i);
            }
            // every node adds every participant, all at once: a client that reconnected while the old node still ran
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Map<String, StreamSlot>>> results = new ArrayList<>();
            for (JdbcTranscriptStore store : stores) {
                results.add(pool.submit(() -> {
                    go.await();
                    Map<String, StreamSlot> slots = new HashMap<>();
                    for (int p = 0; p < participants; p++) {
                        String id = "p" + p;
                        slots.put(id, store.addStream("town-hall", id, null, null, 2_000));
                    }
                    return slots;
                }));
            }
            go.countDown();
            Map<String, Set<Integer>> speakers = new HashMap<>();
            Map<String, Set<Integer>> streams = new HashMap<>();
            for (Future<Map<String, StreamSlot>> f : results) {
                f.get(60, TimeUnit.SECONDS).forEach((id, slot) -> {
                    speakers.computeIfAbsent(id, k -> new HashSet<>()).add(slot.speaker());
                    streams.computeIfAbsent(id, k -> new HashSet<>()).add(slot.stream());
                });
            }
            Set<Integer> all = new HashSet<>();
            for (int p = 0; p < participants; p++) {
                Set<Integer> s = speakers.get("p" + p);
                assertEquals(1, s.size(), "p" + p + " has one speaker number on every node: " + s);
                all.addAll(s);
                assertEquals(Set.of(1, 2, 3, 4), streams.get("p" + p), "each node's stream of p" + p
                        + " has its own number");
            }
            assertEquals(IntStream.rangeClosed(1, participants).boxed().collect(java.util.stream.Collectors.toSet()),
                    all, "speaker numbers 1.." + participants + ", none shared, none skipped");
            assertEquals(participants, stores.getFirst().transcript("town-hall").orElseThrow().participants().size());
        } finally {
            pool.shutdownNow();
            stores.forEach(JdbcTranscriptStore::close);
        }
    }

    @Test
    void twoNodesWritingOneMeetingAtOnceLoseAndDuplicateNothing() throws Exception {
        String url = cluster.newDatabase();
        try (JdbcTranscriptStore a = JdbcTranscriptStore.open(url, null, null);
             JdbcTranscriptStore b = JdbcTranscriptStore.open(url, null, null)) {
            a.openMeeting("all-hands", 0);
            b.openMeeting("all-hands", 0);
            // the old node finishes Ann's first stream while the new one already transcribes her next one
            StreamSlot old = a.addStream("all-hands", "ann", null, null, 0);
            StreamSlot next = b.addStream("all-hands", "ann", null, null, 0);
            int n = 200;
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<?> fa = pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < n; i++) {
                        a.saveLine("all-hands", "ann", old.stream(), i, i, i + 0.5, "old " + i, 10_000 + i);
                    }
                    return null;
                });
                Future<?> fb = pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < n; i++) {
                        b.saveLine("all-hands", "ann", next.stream(), i, 1_000 + i, 1_000.5 + i, "new " + i,
                                20_000 + i);
                        b.saveLine("all-hands", "ann", next.stream(), i, 1_000 + i, 1_000.8 + i, "new " + i + "!",
                                20_000 + i);
                    }
                    return null;
                });
                go.countDown();
                fa.get(60, TimeUnit.SECONDS);
                fb.get(60, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            MeetingTranscript t = a.transcript("all-hands").orElseThrow();
            assertEquals(2 * n, t.lines().size());
            List<String> expected = new ArrayList<>();
            IntStream.range(0, n).forEach(i -> expected.add("1:old " + i));
            IntStream.range(0, n).forEach(i -> expected.add("1:new " + i + "!"));
            assertEquals(expected, lines(t));
            MeetingTranscript.Summary s = a.meetings().getFirst();
            assertEquals(20_000 + n - 1, s.updatedMillis(), "the meeting's last activity is the newest write");
            assertTrue(s.lines() == 2 * n);
        }
    }
}
