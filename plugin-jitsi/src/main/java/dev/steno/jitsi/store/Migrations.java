package dev.steno.jitsi.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The store's schema, as numbered migrations applied in order, each in its own transaction, and recorded in
 * {@code steno_schema_version}. The SQL is the common subset of SQLite and PostgreSQL, so both get the same schema.
 * A database whose version is newer than this code knows is refused rather than guessed at.
 */
final class Migrations {
    /** One step of the schema. */
    record Migration(int version, String description, List<String> statements) {
    }

    static final List<Migration> ALL = List.of(
            new Migration(1, "meetings, participants, lines and words", List.of(
                    "CREATE TABLE meetings (meeting_id VARCHAR(200) PRIMARY KEY, started_ms BIGINT NOT NULL, "
                            + "updated_ms BIGINT NOT NULL)",
                    "CREATE TABLE participants (meeting_id VARCHAR(200) NOT NULL, "
                            + "participant_id VARCHAR(200) NOT NULL, speaker INTEGER NOT NULL, display_name TEXT, "
                            + "language TEXT, streams INTEGER NOT NULL, PRIMARY KEY (meeting_id, participant_id))",
                    "CREATE TABLE transcript_lines (meeting_id VARCHAR(200) NOT NULL, "
                            + "participant_id VARCHAR(200) NOT NULL, stream INTEGER NOT NULL, seq INTEGER NOT NULL, "
                            + "start_s DOUBLE PRECISION NOT NULL, end_s DOUBLE PRECISION NOT NULL, text TEXT NOT NULL, "
                            + "PRIMARY KEY (meeting_id, participant_id, stream, seq))",
                    "CREATE TABLE transcript_words (meeting_id VARCHAR(200) NOT NULL, "
                            + "participant_id VARCHAR(200) NOT NULL, stream INTEGER NOT NULL, seq INTEGER NOT NULL, "
                            + "start_s DOUBLE PRECISION NOT NULL, end_s DOUBLE PRECISION NOT NULL, word TEXT NOT NULL, "
                            + "probability DOUBLE PRECISION, PRIMARY KEY (meeting_id, participant_id, stream, seq))",
                    "CREATE INDEX meetings_updated ON meetings (updated_ms)")),
            // additive: lines stored before it are of their participant's only voice
            new Migration(2, "the voice of a line within its participant", List.of(
                    "ALTER TABLE transcript_lines ADD COLUMN voice INTEGER NOT NULL DEFAULT 1")));

    private Migrations() {
    }

    /** Brings the schema up to date; returns the version now in place. */
    static int apply(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS steno_schema_version (version INTEGER PRIMARY KEY, "
                        + "description TEXT NOT NULL, applied_ms BIGINT NOT NULL)");
            }
            c.commit();
            int current = currentVersion(c);
            int latest = ALL.getLast().version();
            if (current > latest) {
                throw new SQLException("the transcript database has schema version " + current
                        + " but this Steno only knows up to " + latest + ": upgrade Steno or use another database");
            }
            for (Migration m : ALL) {
                if (m.version() <= current) {
                    continue;
                }
                try (Statement s = c.createStatement()) {
                    for (String sql : m.statements()) {
                        s.execute(sql);
                    }
                }
                try (var ps = c.prepareStatement(
                        "INSERT INTO steno_schema_version (version, description, applied_ms) VALUES (?, ?, ?)")) {
                    ps.setInt(1, m.version());
                    ps.setString(2, m.description());
                    ps.setLong(3, System.currentTimeMillis());
                    ps.executeUpdate();
                }
                c.commit();
                current = m.version();
            }
            return current;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    static int currentVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT MAX(version) FROM steno_schema_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }
}
