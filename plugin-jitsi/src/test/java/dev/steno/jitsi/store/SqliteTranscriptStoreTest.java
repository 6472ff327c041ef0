package dev.steno.jitsi.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the default embedded SQLite file. */
class SqliteTranscriptStoreTest extends TranscriptStoreContract {
    @TempDir
    Path dir;

    @Override
    JdbcTranscriptStore newStore() {
        return JdbcTranscriptStore.sqlite(dir.resolve("data"));
    }

    @Override
    JdbcTranscriptStore reopen() {
        return JdbcTranscriptStore.sqlite(dir.resolve("data"));
    }

    @Override
    String url() {
        return "jdbc:sqlite:" + dir.resolve("data").resolve(JdbcTranscriptStore.SQLITE_FILE);
    }
}
