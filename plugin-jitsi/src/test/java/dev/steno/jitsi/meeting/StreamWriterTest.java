package dev.steno.jitsi.meeting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.transcript.Word;
import dev.steno.jitsi.store.JdbcTranscriptStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A participant stream's writes survive a store outage and are stored once when it answers again. */
class StreamWriterTest {
    @TempDir
    Path dir;

    private OutageStore store;
    private final AtomicLong clock = new AtomicLong(1_000_000);

    @BeforeEach
    void open() {
        store = new OutageStore(JdbcTranscriptStore.sqlite(dir));
        store.openMeeting("m", clock.get());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private StreamWriter writer(String participant, int stream) {
        return new StreamWriter(store, "m", participant, null, null, stream, clock::get, participant);
    }

    private List<String> lines() {
        return store.transcript("m").orElseThrow().lines().stream()
                .map(l -> l.participantId() + ":" + l.text()).toList();
    }

    @Test
    void linesWrittenDuringAnOutageAreStoredOnceItEndsAndAGrownLineKeepsItsLatestText() {
        TranscriptStore.StreamSlot slot = store.addStream("m", "ann", "Ann", null, clock.get());
        StreamWriter w = writer("ann", slot.stream());
        w.line(0, 1, 0.0, 1.0, "good morning");
        store.down(true);
        w.line(1, 1, 1.5, 2.0, "the agenda");
        w.words(0, List.of(new Word(" the", 1.5, 1.7, 0.9), new Word(" agenda", 1.7, 2.0, 0.9)));
        w.line(1, 1, 1.5, 2.8, "the agenda has"); // the open line grows while the store is down
        assertFalse(w.flush(), "the store is still down");
        assertEquals(2, w.pending(), "one line (its latest text) and one batch of words wait");
        assertEquals(List.of("ann:good morning"), lines());

        store.down(false);
        w.line(2, 1, 3.0, 3.5, "three items");
        assertEquals(0, w.pending());
        assertEquals(List.of("ann:good morning", "ann:the agenda has", "ann:three items"), lines());
        assertEquals(2, store.transcript("m").orElseThrow().words().size());
        assertTrue(w.flush(), "nothing is left, writing again repeats nothing");
        assertEquals(3, store.transcript("m").orElseThrow().lines().size());
    }

    @Test
    void aStreamJoinedWhileTheStoreWasDownGetsItsOwnNumberOnceItAnswers() {
        StreamWriter first = writer("ann", store.addStream("m", "ann", "Ann", null, clock.get()).stream());
        first.line(0, 1, 0.0, 1.0, "before the outage");
        store.down(true);
        StreamWriter second = writer("ann", 0); // joined again during the outage: no stream number yet
        second.line(0, 1, 5.0, 6.0, "during the outage");
        assertEquals(0, second.stream());
        store.down(false);
        assertTrue(second.flush());
        assertEquals(2, second.stream(), "the participant's next stream, not a number shared with another");
        assertEquals(List.of("ann:before the outage", "ann:during the outage"), lines(),
                "line 0 of the new stream does not overwrite line 0 of the first");
        assertEquals(1, store.transcript("m").orElseThrow().participants().size());
    }

    @Test
    void aLongOutageKeepsTheNewestWritesWithinItsBound() {
        StreamWriter w = writer("ann", store.addStream("m", "ann", null, null, clock.get()).stream());
        store.down(true);
        int n = StreamWriter.MAX_PENDING + 5;
        for (int i = 0; i < n; i++) {
            w.line(i, 1, i, i + 0.5, "line " + i);
        }
        assertEquals(StreamWriter.MAX_PENDING, w.pending());
        store.down(false);
        assertTrue(w.flush());
        List<String> stored = lines();
        assertEquals(StreamWriter.MAX_PENDING, stored.size());
        assertEquals("ann:line 5", stored.getFirst(), "the oldest five went");
        assertEquals("ann:line " + (n - 1), stored.getLast());
    }
}
