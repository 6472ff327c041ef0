package dev.steno.jitsi.store;

import dev.steno.engine.transcript.Word;
import dev.steno.jitsi.meeting.MeetingTranscript;
import dev.steno.jitsi.meeting.TranscriptStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * A {@link TranscriptStore} over JDBC: an embedded SQLite file by default, or PostgreSQL (any JDBC URL whose driver
 * is on the class path). Both get the same schema from {@link Migrations}.
 *
 * <p>One connection serves every call, one call at a time: transcript writes are a few small statements per
 * committed line, far below what either database handles, and a single connection keeps SQLite free of lock
 * contention. A call that fails on a broken connection (PostgreSQL restarted) reconnects once and retries.
 */
public final class JdbcTranscriptStore implements TranscriptStore {
    private static final System.Logger LOG = System.getLogger(JdbcTranscriptStore.class.getName());
    /** The SQLite file's name inside the data directory. */
    public static final String SQLITE_FILE = "meetings.db";

    private final String url;
    private final Properties properties;
    private final String description;
    private final boolean sqlite;
    private Connection connection;

    private JdbcTranscriptStore(String url, Properties properties, String description) {
        this.url = url;
        this.properties = properties;
        this.description = description;
        this.sqlite = url.startsWith("jdbc:sqlite:");
        synchronized (this) {
            try {
                connection = connect();
                int version = Migrations.apply(connection);
                LOG.log(System.Logger.Level.INFO, "meeting transcripts in {0} (schema version {1})", description,
                        version);
            } catch (SQLException e) {
                closeQuietly();
                throw new StoreException("cannot open the transcript database " + description + ": "
                        + e.getMessage(), e);
            }
        }
    }

    /** An SQLite database {@value #SQLITE_FILE} in {@code dataDir} (created if missing). */
    public static JdbcTranscriptStore sqlite(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new StoreException("cannot create the data directory " + dataDir + ": " + e.getMessage(), e);
        }
        Path file = dataDir.resolve(SQLITE_FILE).toAbsolutePath();
        return new JdbcTranscriptStore("jdbc:sqlite:" + file, new Properties(), "SQLite " + file);
    }

    /**
     * The database at a JDBC URL ({@code jdbc:postgresql://host:5432/steno}, or {@code jdbc:sqlite:/path/file.db}).
     *
     * @param user     user name, or null to use the URL's
     * @param password password, or null to use the URL's
     */
    public static JdbcTranscriptStore open(String jdbcUrl, String user, String password) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
            throw new IllegalArgumentException("not a JDBC URL: '" + jdbcUrl
                    + "' (expected e.g. jdbc:postgresql://localhost:5432/steno)");
        }
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        // the description must not leak a password written into the URL
        return new JdbcTranscriptStore(jdbcUrl, p, jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***"));
    }

    private Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(url, properties);
        if (sqlite) {
            try (Statement s = c.createStatement()) {
                // WAL: a committed transaction survives a crash of the process; readers never block the writer
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA busy_timeout=5000");
            }
        }
        return c;
    }

    @Override
    public String describe() {
        return description;
    }

    /** The schema version in place. */
    public int schemaVersion() {
        return call("read the schema version", Migrations::currentVersion);
    }

    @Override
    public long openMeeting(String meetingId, long nowMillis) {
        return call("open meeting " + meetingId, c -> inTransaction(c, () -> {
            insertMeeting(c, meetingId, nowMillis);
            try (PreparedStatement ps = c.prepareStatement("SELECT started_ms FROM meetings WHERE meeting_id = ?")) {
                ps.setString(1, meetingId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }));
    }

    @Override
    public StreamSlot addStream(String meetingId, String participantId, String displayName, String language,
                                long nowMillis) {
        return call("add participant " + participantId + " to meeting " + meetingId, c -> inTransaction(c, () -> {
            lockMeeting(c, meetingId, nowMillis);
            touch(c, meetingId, nowMillis);
            try (PreparedStatement ps = c.prepareStatement("SELECT speaker, streams FROM participants "
                    + "WHERE meeting_id = ? AND participant_id = ?")) {
                ps.setString(1, meetingId);
                ps.setString(2, participantId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        int speaker = rs.getInt(1);
                        int stream = rs.getInt(2) + 1;
                        try (PreparedStatement up = c.prepareStatement("UPDATE participants SET streams = ?, "
                                + "display_name = COALESCE(?, display_name), language = COALESCE(?, language) "
                                + "WHERE meeting_id = ? AND participant_id = ?")) {
                            up.setInt(1, stream);
                            up.setString(2, displayName);
                            up.setString(3, language);
                            up.setString(4, meetingId);
                            up.setString(5, participantId);
                            up.executeUpdate();
                        }
                        return new StreamSlot(speaker, stream);
                    }
                }
            }
            int speaker;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COALESCE(MAX(speaker), 0) + 1 FROM participants WHERE meeting_id = ?")) {
                ps.setString(1, meetingId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    speaker = rs.getInt(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO participants (meeting_id, participant_id, "
                    + "speaker, display_name, language, streams) VALUES (?, ?, ?, ?, ?, 1)")) {
                ps.setString(1, meetingId);
                ps.setString(2, participantId);
                ps.setInt(3, speaker);
                ps.setString(4, displayName);
                ps.setString(5, language);
                ps.executeUpdate();
            }
            return new StreamSlot(speaker, 1);
        }));
    }

    @Override
    public void saveLine(String meetingId, String participantId, int stream, int seq, int voice, double start,
                         double end, String text, long nowMillis) {
        MeetingTranscript.checkVoice(voice);
        call("store a line of meeting " + meetingId, c -> inTransaction(c, () -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO transcript_lines (meeting_id, participant_id, "
                    + "stream, seq, start_s, end_s, text, voice) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                    + "ON CONFLICT (meeting_id, participant_id, stream, seq) "
                    + "DO UPDATE SET start_s = excluded.start_s, end_s = excluded.end_s, text = excluded.text, "
                    + "voice = excluded.voice")) {
                ps.setString(1, meetingId);
                ps.setString(2, participantId);
                ps.setInt(3, stream);
                ps.setInt(4, seq);
                ps.setDouble(5, start);
                ps.setDouble(6, end);
                ps.setString(7, text);
                ps.setInt(8, voice);
                ps.executeUpdate();
            }
            touch(c, meetingId, nowMillis);
            return null;
        }));
    }

    @Override
    public void saveWords(String meetingId, String participantId, int stream, int firstSeq, List<Word> words) {
        if (words.isEmpty()) {
            return;
        }
        call("store words of meeting " + meetingId, c -> inTransaction(c, () -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO transcript_words (meeting_id, participant_id, "
                    + "stream, seq, start_s, end_s, word, probability) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                    + "ON CONFLICT (meeting_id, participant_id, stream, seq) DO NOTHING")) {
                int seq = firstSeq;
                for (Word w : words) {
                    ps.setString(1, meetingId);
                    ps.setString(2, participantId);
                    ps.setInt(3, stream);
                    ps.setInt(4, seq++);
                    ps.setDouble(5, w.start());
                    ps.setDouble(6, w.end());
                    ps.setString(7, w.text());
                    if (Double.isNaN(w.probability())) {
                        ps.setNull(8, Types.DOUBLE);
                    } else {
                        ps.setDouble(8, w.probability());
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        }));
    }

    @Override
    public Optional<MeetingTranscript> transcript(String meetingId) {
        return call("read meeting " + meetingId, c -> {
            long started;
            try (PreparedStatement ps = c.prepareStatement("SELECT started_ms FROM meetings WHERE meeting_id = ?")) {
                ps.setString(1, meetingId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    started = rs.getLong(1);
                }
            }
            List<MeetingTranscript.ParticipantInfo> participants = new ArrayList<>();
            Map<String, MeetingTranscript.ParticipantInfo> byId = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT participant_id, speaker, display_name, language "
                    + "FROM participants WHERE meeting_id = ? ORDER BY speaker")) {
                ps.setString(1, meetingId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        var p = new MeetingTranscript.ParticipantInfo(rs.getString(1), rs.getInt(2), rs.getString(3),
                                rs.getString(4));
                        participants.add(p);
                        byId.put(p.participantId(), p);
                    }
                }
            }
            List<MeetingTranscript.Line> lines = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT participant_id, start_s, end_s, text, voice "
                    + "FROM transcript_lines WHERE meeting_id = ? ORDER BY start_s, participant_id, stream, seq")) {
                ps.setString(1, meetingId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        var p = participant(byId, rs.getString(1));
                        int voice = rs.getInt(5);
                        lines.add(new MeetingTranscript.Line(p.participantId(), p.speaker(), voice, p.label(voice),
                                rs.getDouble(2), rs.getDouble(3), rs.getString(4)));
                    }
                }
            }
            List<MeetingTranscript.TimedWord> words = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT participant_id, word, start_s, end_s, probability "
                    + "FROM transcript_words WHERE meeting_id = ? ORDER BY start_s, participant_id, stream, seq")) {
                ps.setString(1, meetingId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        var p = participant(byId, rs.getString(1));
                        double prob = rs.getDouble(5);
                        if (rs.wasNull()) {
                            prob = Double.NaN;
                        }
                        words.add(new MeetingTranscript.TimedWord(p.participantId(), p.speaker(), rs.getString(2),
                                rs.getDouble(3), rs.getDouble(4), prob));
                    }
                }
            }
            return Optional.of(new MeetingTranscript(meetingId, started, participants, lines, words));
        });
    }

    private static MeetingTranscript.ParticipantInfo participant(Map<String, MeetingTranscript.ParticipantInfo> byId,
                                                                 String id) {
        MeetingTranscript.ParticipantInfo p = byId.get(id);
        return p != null ? p : new MeetingTranscript.ParticipantInfo(id, 0, null, null);
    }

    @Override
    public List<MeetingTranscript.Summary> meetings() {
        return call("list meetings", c -> {
            List<MeetingTranscript.Summary> all = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT m.meeting_id, m.started_ms, m.updated_ms, "
                         + "(SELECT COUNT(*) FROM participants p WHERE p.meeting_id = m.meeting_id), "
                         + "(SELECT COUNT(*) FROM transcript_lines l WHERE l.meeting_id = m.meeting_id) "
                         + "FROM meetings m ORDER BY m.started_ms DESC, m.meeting_id")) {
                while (rs.next()) {
                    all.add(new MeetingTranscript.Summary(rs.getString(1), rs.getLong(2), rs.getLong(3),
                            rs.getInt(4), rs.getInt(5)));
                }
            }
            return all;
        });
    }

    @Override
    public int deleteMeetingsBefore(long cutoffMillis) {
        return call("delete old meetings", c -> inTransaction(c, () -> {
            String old = " WHERE meeting_id IN (SELECT meeting_id FROM meetings WHERE updated_ms < ?)";
            for (String table : List.of("transcript_words", "transcript_lines", "participants")) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + old)) {
                    ps.setLong(1, cutoffMillis);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM meetings WHERE updated_ms < ?")) {
                ps.setLong(1, cutoffMillis);
                return ps.executeUpdate();
            }
        }));
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }

    /**
     * Makes sure the meeting exists and, on PostgreSQL, locks its row until the transaction ends: two nodes adding
     * streams to one meeting at once (a client reconnecting while the old node still finishes) then take turns, so
     * that a participant is added once and two participants never get the same speaker number. SQLite needs no
     * lock: it has one writer at a time, and one node per file.
     */
    private void lockMeeting(Connection c, String meetingId, long nowMillis) throws SQLException {
        insertMeeting(c, meetingId, nowMillis);
        if (!sqlite) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT meeting_id FROM meetings WHERE meeting_id = ? FOR UPDATE")) {
                ps.setString(1, meetingId);
                ps.executeQuery().close();
            }
        }
    }

    /** Creates the meeting, started now, unless it exists. */
    private static void insertMeeting(Connection c, String meetingId, long nowMillis) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO meetings (meeting_id, started_ms, updated_ms) "
                + "VALUES (?, ?, ?) ON CONFLICT (meeting_id) DO NOTHING")) {
            ps.setString(1, meetingId);
            ps.setLong(2, nowMillis);
            ps.setLong(3, nowMillis);
            ps.executeUpdate();
        }
    }

    private void touch(Connection c, String meetingId, long nowMillis) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE meetings SET updated_ms = ? WHERE meeting_id = ? AND updated_ms < ?")) {
            ps.setLong(1, nowMillis);
            ps.setString(2, meetingId);
            ps.setLong(3, nowMillis);
            ps.executeUpdate();
        }
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private interface Body<T> {
        T run() throws SQLException;
    }

    private static <T> T inTransaction(Connection c, Body<T> body) throws SQLException {
        c.setAutoCommit(false);
        try {
            T result = body.run();
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private synchronized <T> T call(String what, Work<T> work) {
        if (connection == null) {
            throw new StoreException("cannot " + what + ": the transcript store is closed", null);
        }
        try {
            return work.run(connection);
        } catch (SQLException first) {
            if (!connectionBroken()) {
                throw new StoreException("cannot " + what + " in " + description + ": " + first.getMessage(), first);
            }
            LOG.log(System.Logger.Level.WARNING, "connection to {0} lost ({1}); reconnecting", description,
                    first.getMessage());
            try {
                closeQuietly();
                connection = connect();
                return work.run(connection);
            } catch (SQLException second) {
                second.addSuppressed(first);
                throw new StoreException("cannot " + what + " in " + description + ": " + second.getMessage(),
                        second);
            }
        }
    }

    private boolean connectionBroken() {
        try {
            return connection == null || !connection.isValid(2);
        } catch (SQLException e) {
            return true;
        }
    }

    private void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing " + description + ": " + e.getMessage());
            }
            connection = null;
        }
    }
}
