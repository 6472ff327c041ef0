package dev.steno.jitsi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.transcript.Word;
import dev.steno.jitsi.meeting.MeetingTranscript;
import dev.steno.jitsi.meeting.TranscriptStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every transcript store must do; run against SQLite and a real PostgreSQL. */
abstract class TranscriptStoreContract {
    /** A new store over an empty database. */
    abstract JdbcTranscriptStore newStore() throws Exception;

    /** Another store over the same database as the last {@link #newStore()} (a restarted server). */
    abstract JdbcTranscriptStore reopen() throws Exception;

    /** JDBC URL of the current database, for poking at it. */
    abstract String url();

    @Test
    void aMeetingKeepsItsStart() throws Exception {
        try (JdbcTranscriptStore s = newStore()) {
            assertEquals(1000, s.openMeeting("m", 1000));
            assertEquals(1000, s.openMeeting("m", 5000));
            assertEquals(Migrations.ALL.getLast().version(), s.schemaVersion());
        }
    }

    @Test
    void participantsKeepTheirSpeakerNumberAcrossStreams() throws Exception {
        try (JdbcTranscriptStore s = newStore()) {
            s.openMeeting("m", 0);
            assertEquals(new TranscriptStore.StreamSlot(1, 1), s.addStream("m", "a", "Alice", "en", 1));
            assertEquals(new TranscriptStore.StreamSlot(2, 1), s.addStream("m", "b", null, "de", 2));
            assertEquals(new TranscriptStore.StreamSlot(1, 2), s.addStream("m", "a", null, null, 3));
            s.openMeeting("other", 0);
            assertEquals(new TranscriptStore.StreamSlot(1, 1), s.addStream("other", "b", null, null, 4));
            MeetingTranscript t = s.transcript("m").orElseThrow();
            assertEquals(List.of(new MeetingTranscript.ParticipantInfo("a", 1, "Alice", "en"),
                    new MeetingTranscript.ParticipantInfo("b", 2, null, "de")), t.participants());
        }
    }

    @Test
    void linesAreRewrittenWhileTheyGrowAndMergedByTime() throws Exception {
        try (JdbcTranscriptStore s = newStore()) {
            s.openMeeting("m", 0);
            s.addStream("m", "a", "Alice", "en", 0);
            s.addStream("m", "b", null, "en", 0);
            s.saveLine("m", "a", 1, 0, 1.0, 1.5, " Hello", 10);
            s.saveLine("m", "b", 1, 0, 0.5, 3.0, " Hi there.", 11);
            s.saveLine("m", "a", 1, 0, 1.0, 2.0, " Hello world.", 12); // the open line grew
            s.saveLine("m", "a", 1, 1, 4.0, 5.0, " Bye.", 13);
            MeetingTranscript t = s.transcript("m").orElseThrow();
            assertEquals(List.of(
                    new MeetingTranscript.Line("b", 2, "b", 0.5, 3.0, " Hi there."),
                    new MeetingTranscript.Line("a", 1, "Alice", 1.0, 2.0, " Hello world."),
                    new MeetingTranscript.Line("a", 1, "Alice", 4.0, 5.0, " Bye.")), t.lines());
            assertEquals(13, s.meetings().getFirst().updatedMillis());
            assertEquals(3, s.meetings().getFirst().lines());
        }
    }

    @Test
    void wordsRoundTripWithOrWithoutProbability() throws Exception {
        try (JdbcTranscriptStore s = newStore()) {
            s.openMeeting("m", 0);
            s.addStream("m", "a", null, null, 0);
            List<Word> words = List.of(new Word(" one", 0.0, 0.4, 0.75), new Word(" two", 0.5, 0.9));
            s.saveWords("m", "a", 1, 0, words);
            s.saveWords("m", "a", 1, 0, words); // saved twice (a retried write): stored once
            List<MeetingTranscript.TimedWord> got = s.transcript("m").orElseThrow().words();
            assertEquals(2, got.size());
            assertEquals(new MeetingTranscript.TimedWord("a", 1, " one", 0.0, 0.4, 0.75), got.get(0));
            assertTrue(Double.isNaN(got.get(1).probability()));
        }
    }

    @Test
    void retentionDeletesOnlyMeetingsIdleSinceTheCutoff() throws Exception {
        try (JdbcTranscriptStore s = newStore()) {
            s.openMeeting("old", 1_000);
            s.addStream("old", "a", null, null, 1_000);
            s.saveLine("old", "a", 1, 0, 0, 1, " old", 2_000);
            s.saveWords("old", "a", 1, 0, List.of(new Word(" old", 0, 1)));
            s.openMeeting("new", 1_000);
            s.saveLine("new", "a", 1, 0, 0, 1, " new", 9_000); // old start, but active recently
            assertEquals(1, s.deleteMeetingsBefore(5_000));
            assertTrue(s.transcript("old").isEmpty());
            assertEquals(" new", s.transcript("new").orElseThrow().lines().getFirst().text());
            try (Connection c = DriverManager.getConnection(url()); Statement st = c.createStatement();
                 var rs = st.executeQuery("SELECT COUNT(*) FROM transcript_words")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "the old meeting's words went with it");
            }
        }
    }

    @Test
    void aReopenedStoreServesEverythingCommitted() throws Exception {
        try (JdbcTranscriptStore s = newStore()) {
            s.openMeeting("m", 7);
            s.addStream("m", "a", "Alice", "en", 7);
            s.saveLine("m", "a", 1, 0, 0.0, 1.0, " Kept.", 8);
        }
        try (JdbcTranscriptStore s = reopen()) {
            assertEquals(7, s.openMeeting("m", 99));
            assertEquals(" Kept.", s.transcript("m").orElseThrow().lines().getFirst().text());
            assertEquals(new TranscriptStore.StreamSlot(1, 2), s.addStream("m", "a", null, null, 100));
            try (Connection c = DriverManager.getConnection(url()); Statement st = c.createStatement();
                 var rs = st.executeQuery("SELECT COUNT(*) FROM steno_schema_version")) {
                rs.next();
                assertEquals(Migrations.ALL.size(), rs.getInt(1), "migrations ran once");
            }
        }
    }

    @Test
    void voicesWithinAParticipantAreStoredAndNamed() throws Exception {
        try (JdbcTranscriptStore s = newStore()) {
            s.openMeeting("m", 0);
            s.addStream("m", "a", "Alice", "en", 0);
            s.addStream("m", "b", null, "en", 0);
            s.saveLine("m", "a", 1, 0, 1, 0.0, 1.0, " One.", 1);
            s.saveLine("m", "a", 1, 1, 2, 1.5, 2.0, " Two", 2);
            s.saveLine("m", "a", 1, 1, 2, 1.5, 2.5, " Two more.", 3); // the open line grew
            s.saveLine("m", "b", 1, 0, 3, 3.0, 4.0, " Three.", 4);
            assertEquals(List.of(
                    new MeetingTranscript.Line("a", 1, 1, "Alice", 0.0, 1.0, " One."),
                    new MeetingTranscript.Line("a", 1, 2, "Alice (2)", 1.5, 2.5, " Two more."),
                    new MeetingTranscript.Line("b", 2, 3, "b (3)", 3.0, 4.0, " Three.")),
                    s.transcript("m").orElseThrow().lines());
            assertThrows(IllegalArgumentException.class, () -> s.saveLine("m", "a", 1, 2, 0, 5, 6, " No.", 5));
        }
    }

    @Test
    void aDatabaseOfSchemaVersionOneGainsVoicesWithItsLinesKept() throws Exception {
        try (JdbcTranscriptStore s = newStore()) {
            s.openMeeting("m", 0);
            s.addStream("m", "a", "Alice", "en", 0);
        }
        // back to what schema version 1 wrote: no voice column, one recorded migration, a line written then
        try (Connection c = DriverManager.getConnection(url()); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE transcript_lines DROP COLUMN voice");
            st.execute("DELETE FROM steno_schema_version WHERE version > 1");
            st.execute("INSERT INTO transcript_lines (meeting_id, participant_id, stream, seq, start_s, end_s, text) "
                    + "VALUES ('m', 'a', 1, 0, 0.0, 1.0, ' Old.')");
        }
        try (JdbcTranscriptStore s = reopen()) {
            assertEquals(2, s.schemaVersion());
            s.saveLine("m", "a", 1, 1, 2, 2.0, 3.0, " New.", 9);
            assertEquals(List.of(
                    new MeetingTranscript.Line("a", 1, 1, "Alice", 0.0, 1.0, " Old."),
                    new MeetingTranscript.Line("a", 1, 2, "Alice (2)", 2.0, 3.0, " New.")),
                    s.transcript("m").orElseThrow().lines());
        }
    }

    @Test
    void aNewerSchemaIsRefusedWithAReason() throws Exception {
        newStore().close();
        try (Connection c = DriverManager.getConnection(url()); Statement st = c.createStatement()) {
            st.execute("INSERT INTO steno_schema_version (version, description, applied_ms) VALUES (99, 'x', 0)");
        }
        TranscriptStore.StoreException e = assertThrows(TranscriptStore.StoreException.class, this::reopen);
        assertTrue(e.getMessage().contains("schema version 99"), e.getMessage());
    }
}
