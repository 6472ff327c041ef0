package dev.steno.jitsi.store;

import org.junit.jupiter.api.Tag;
import dev.steno.engine.testing.SystemPrograms;
import dev.steno.jitsi.testing.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract on a real PostgreSQL server (a throwaway cluster; Debian package {@code postgresql}). */
@Tag(SystemPrograms.TAG)
class PostgresTranscriptStoreTest extends TranscriptStoreContract {
    private static PostgresCluster cluster;
    private String url;

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

    @Override
    JdbcTranscriptStore newStore() throws Exception {
        url = cluster.newDatabase();
        return JdbcTranscriptStore.open(url, null, null);
    }

    @Override
    JdbcTranscriptStore reopen() {
        return JdbcTranscriptStore.open(url, null, null);
    }

    @Override
    String url() {
        return url;
    }
}
