package dev.steno.jitsi;

import dev.steno.engine.Secrets;
import dev.steno.jitsi.auth.JwtVerifier;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the Jitsi extension: which entry points are on and where, the transcript store, retention and auth.
 *
 * @param mediaJsonPath   videobridge audio export ("mediajson") WebSocket, {@code {meetingId}} as last segment;
 *                        null turns it off
 * @param skynetPaths     Jigasi skynet streaming-whisper WebSockets ({@code {id}} = meeting); empty turns them off
 * @param voskPath        vosk-server protocol WebSocket ({@code /vosk} and {@code /vosk/{meetingId}}); null turns
 *                        it off
 * @param dataDir         where the SQLite transcript database lives (when no JDBC URL is given)
 * @param jdbcUrl         PostgreSQL (or other) JDBC URL for transcripts, or null for SQLite under {@code dataDir}
 * @param jdbcUser        database user, or null
 * @param jdbcPassword    database password, or null
 * @param retentionDays   meetings idle longer than this are deleted (checked hourly); 0 keeps them forever
 * @param jwt             JWT check for the skynet endpoints, or null to accept any client the server lets in
 * @param language        language for participants that do not name one (ISO 639-1), or null for the server's
 * @param maxAudioFrameBytes largest binary audio frame accepted; larger frames are dropped with a logged reason
 * @param maxTextChars    largest text (JSON) message accepted; larger ones are dropped with a logged reason
 * @param shutdownGraceMillis how long a closing server waits for participants' last words to be committed
 */
public record JitsiConfig(String mediaJsonPath, List<String> skynetPaths, String voskPath, Path dataDir,
                          String jdbcUrl, String jdbcUser, String jdbcPassword, int retentionDays, JwtVerifier jwt,
                          String language, int maxAudioFrameBytes, int maxTextChars, long shutdownGraceMillis) {
    /** Default videobridge export path (Jicofo's url-template ends in /transcribe/{{MEETING_ID}}). */
    public static final String MEDIAJSON_PATH = "/transcribe";
    /** Default skynet paths: skynet's own and the short one. */
    public static final List<String> SKYNET_PATHS = List.of("/streaming-whisper/ws", "/ws");
    /** Default vosk path. */
    public static final String VOSK_PATH = "/vosk";

    public JitsiConfig {
        skynetPaths = List.copyOf(skynetPaths);
        Objects.requireNonNull(dataDir, "dataDir");
        if (retentionDays < 0) {
            throw new IllegalArgumentException("--jitsi-retention-days must be >= 0, was " + retentionDays);
        }
        if (maxAudioFrameBytes < 61) {
            throw new IllegalArgumentException("max audio frame must exceed the 60-byte skynet header");
        }
        for (String p : skynetPaths) {
            checkPath(p);
        }
        if (mediaJsonPath != null) {
            checkPath(mediaJsonPath);
        }
        if (voskPath != null) {
            checkPath(voskPath);
        }
        jdbcUrl = jdbcUrl == null || jdbcUrl.isBlank() ? null : jdbcUrl;
    }

    /** The settings without the database password or the JDBC URL's parameters, which must not reach a log. */
    @Override
    public String toString() {
        return "JitsiConfig[mediaJsonPath=" + mediaJsonPath + ", skynetPaths=" + skynetPaths + ", voskPath=" + voskPath
                + ", dataDir=" + dataDir + ", jdbcUrl=" + Secrets.withoutQuery(jdbcUrl) + ", jdbcUser=" + jdbcUser
                + ", jdbcPassword=" + Secrets.mask(jdbcPassword) + ", retentionDays=" + retentionDays + ", jwt="
                + (jwt == null ? "off" : "on") + ", language=" + language + ", maxAudioFrameBytes="
                + maxAudioFrameBytes + ", maxTextChars=" + maxTextChars + ", shutdownGraceMillis="
                + shutdownGraceMillis + "]";
    }

    private static void checkPath(String p) {
        if (!p.startsWith("/") || p.endsWith("/") || p.contains("{") || p.contains("*")) {
            throw new IllegalArgumentException("endpoint path must start with / and not end with /, "
                    + "without templates (the id segment is added): '" + p + "'");
        }
    }

    /**
     * Every entry point on at its default path, SQLite under {@code dataDir}, no retention limit, no JWT; frames up to
     * 60 bytes + 10 s of 16 kHz PCM, text up to 64 KiB.
     */
    public static JitsiConfig defaults(Path dataDir) {
        return new JitsiConfig(MEDIAJSON_PATH, SKYNET_PATHS, VOSK_PATH, dataDir, null, null, null, 0, null, null,
                60 + 10 * 32_000, 64 * 1024, 5_000);
    }

    public JitsiConfig withMediaJsonPath(String p) {
        return new JitsiConfig(p, skynetPaths, voskPath, dataDir, jdbcUrl, jdbcUser, jdbcPassword, retentionDays, jwt,
                language, maxAudioFrameBytes, maxTextChars, shutdownGraceMillis);
    }

    public JitsiConfig withSkynetPaths(List<String> p) {
        return new JitsiConfig(mediaJsonPath, p, voskPath, dataDir, jdbcUrl, jdbcUser, jdbcPassword, retentionDays,
                jwt, language, maxAudioFrameBytes, maxTextChars, shutdownGraceMillis);
    }

    public JitsiConfig withVoskPath(String p) {
        return new JitsiConfig(mediaJsonPath, skynetPaths, p, dataDir, jdbcUrl, jdbcUser, jdbcPassword, retentionDays,
                jwt, language, maxAudioFrameBytes, maxTextChars, shutdownGraceMillis);
    }

    public JitsiConfig withJdbc(String url, String user, String password) {
        return new JitsiConfig(mediaJsonPath, skynetPaths, voskPath, dataDir, url, user, password, retentionDays, jwt,
                language, maxAudioFrameBytes, maxTextChars, shutdownGraceMillis);
    }

    public JitsiConfig withRetentionDays(int days) {
        return new JitsiConfig(mediaJsonPath, skynetPaths, voskPath, dataDir, jdbcUrl, jdbcUser, jdbcPassword, days,
                jwt, language, maxAudioFrameBytes, maxTextChars, shutdownGraceMillis);
    }

    public JitsiConfig withJwt(JwtVerifier verifier) {
        return new JitsiConfig(mediaJsonPath, skynetPaths, voskPath, dataDir, jdbcUrl, jdbcUser, jdbcPassword,
                retentionDays, verifier, language, maxAudioFrameBytes, maxTextChars, shutdownGraceMillis);
    }

    public JitsiConfig withLanguage(String lang) {
        return new JitsiConfig(mediaJsonPath, skynetPaths, voskPath, dataDir, jdbcUrl, jdbcUser, jdbcPassword,
                retentionDays, jwt, lang, maxAudioFrameBytes, maxTextChars, shutdownGraceMillis);
    }

    public JitsiConfig withLimits(int audioFrameBytes, int textChars) {
        return new JitsiConfig(mediaJsonPath, skynetPaths, voskPath, dataDir, jdbcUrl, jdbcUser, jdbcPassword,
                retentionDays, jwt, language, audioFrameBytes, textChars, shutdownGraceMillis);
    }

    public JitsiConfig withShutdownGraceMillis(long millis) {
        return new JitsiConfig(mediaJsonPath, skynetPaths, voskPath, dataDir, jdbcUrl, jdbcUser, jdbcPassword,
                retentionDays, jwt, language, maxAudioFrameBytes, maxTextChars, millis);
    }
}
