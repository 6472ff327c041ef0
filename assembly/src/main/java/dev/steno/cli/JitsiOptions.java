package dev.steno.cli;

import dev.steno.engine.diarization.DiarizerFactory;
import dev.steno.jitsi.JitsiConfig;
import dev.steno.jitsi.JitsiExtension;
import dev.steno.jitsi.auth.JwtVerifier;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code steno serve} flags of the Jitsi / meeting-transcript endpoints (plugin-jitsi). */
final class JitsiOptions {
    @Option(names = "--jitsi", description = "Serve Jitsi and meeting transcripts: videobridge audio export WebSocket "
            + "/transcribe/{meetingId}, Jigasi skynet WebSockets /streaming-whisper/ws/{id} and /ws/{id}, vosk-server "
            + "WebSocket /vosk and /vosk/{meetingId}, and GET /meetings/{id}/transcript.{json,srt,vtt,txt}.")
    boolean enabled;

    @Option(names = "--jitsi-endpoints", paramLabel = "LIST", split = ",", defaultValue = "mediajson,skynet,vosk",
            description = "Which Jitsi entry points to serve: mediajson (videobridge), skynet (Jigasi whisper), "
                    + "vosk (default: ${DEFAULT-VALUE}).")
    List<String> endpoints;

    @Option(names = "--jitsi-data-dir", paramLabel = "DIR",
            defaultValue = "${sys:user.home}/.local/share/steno/jitsi",
            description = "Where the SQLite meeting-transcript database lives (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--jitsi-jdbc-url", paramLabel = "URL", defaultValue = "${env:STENO_JITSI_JDBC_URL}",
            description = "Keep transcripts in PostgreSQL instead of SQLite, e.g. "
                    + "jdbc:postgresql://localhost:5432/steno (default from $STENO_JITSI_JDBC_URL).")
    String jdbcUrl;

    @Option(names = "--jitsi-jdbc-user", paramLabel = "USER", description = "Database user for --jitsi-jdbc-url.")
    String jdbcUser;

    @Option(names = "--jitsi-jdbc-password", paramLabel = "PASSWORD",
            defaultValue = "${env:STENO_JITSI_JDBC_PASSWORD}",
            description = "Database password (default from $STENO_JITSI_JDBC_PASSWORD).")
    String jdbcPassword;

    @Option(names = "--jitsi-retention-days", paramLabel = "DAYS", defaultValue = "0",
            description = "Delete meetings idle for more than this many days (checked hourly); 0 keeps them "
                    + "(default: ${DEFAULT-VALUE}).")
    int retentionDays;

    @Option(names = "--jitsi-language", paramLabel = "CODE",
            description = "Language of participants that name none (default: --language).")
    String language;

    @Option(names = "--jitsi-diarize-participants",
            description = "Also tell apart the voices within one participant's audio (a room microphone with several "
                    + "people): its lines are named \"Name\" for the first voice, \"Name (2)\", \"Name (3)\" for "
                    + "further ones; the participant keeps its one speaker number. Uses the server's backend with "
                    + "--diarization, else the --diarization-backend (default baseline) for participants only. "
                    + "Applies to RTP participants as well.")
    boolean diarizeParticipants;

    @Option(names = "--jitsi-jwt-public-key", paramLabel = "[KID=]PEM",
            description = "Require Jigasi's RS256 JWT on the skynet endpoints, checked with this public key (repeat "
                    + "for several; KID= binds a key id, a single key without one accepts any kid).")
    List<String> jwtKeys;

    @Option(names = "--jitsi-jwt-audience", paramLabel = "AUD", defaultValue = "jitsi",
            description = "Required JWT audience (default: ${DEFAULT-VALUE}).")
    String jwtAudience;

    @Option(names = "--jitsi-jwt-issuer", paramLabel = "ISS", defaultValue = "jigasi",
            description = "Required JWT issuer (default: ${DEFAULT-VALUE}).")
    String jwtIssuer;

    @Option(names = "--jitsi-jwt-leeway", paramLabel = "SECONDS", defaultValue = "60",
            description = "Clock skew tolerated on the JWT's exp and nbf, 0 to 600 s (default: ${DEFAULT-VALUE}).")
    long jwtLeewaySeconds;

    /**
     * What tells voices apart within participants: null without {@code --jitsi-diarize-participants}; the server's
     * backend when it has one ({@code --diarization}); else a backend opened from the diarization flags for
     * participants alone, so that {@code /asr} sessions stay undiarized (the caller closes that one). A bad flag or
     * model file is a usage error.
     */
    DiarizerFactory participantVoices(CommandLine cl, DiarizationOptions diarization, DiarizerFactory server) {
        if (!diarizeParticipants) {
            return null;
        }
        if (server != null) {
            return server;
        }
        try {
            return diarization.open();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--jitsi-diarize-participants: " + e.getMessage());
        }
    }

    /**
     * The extension the flags describe, or empty without {@code --jitsi}.
     *
     * @param participantVoices from {@link #participantVoices}; null when participants are one voice each
     */
    Optional<JitsiExtension> extension(CommandLine cl, DiarizerFactory participantVoices) {
        if (!enabled) {
            return Optional.empty();
        }
        List<String> known = List.of("mediajson", "skynet", "vosk");
        List<String> on = endpoints.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        for (String e : on) {
            if (!known.contains(e)) {
                throw new CommandLine.ParameterException(cl, "--jitsi-endpoints: unknown entry point '" + e
                        + "' (use mediajson, skynet, vosk)");
            }
        }
        if (retentionDays < 0) {
            throw new CommandLine.ParameterException(cl, "--jitsi-retention-days must be >= 0");
        }
        Duration leeway = Duration.ofSeconds(jwtLeewaySeconds);
        if (leeway.isNegative() || leeway.compareTo(JwtVerifier.MAX_LEEWAY) > 0) {
            throw new CommandLine.ParameterException(cl, "--jitsi-jwt-leeway must be 0 to "
                    + JwtVerifier.MAX_LEEWAY.toSeconds() + " seconds, not " + jwtLeewaySeconds);
        }
        JitsiConfig config = JitsiConfig.defaults(dataDir)
                .withMediaJsonPath(on.contains("mediajson") ? JitsiConfig.MEDIAJSON_PATH : null)
                .withSkynetPaths(on.contains("skynet") ? JitsiConfig.SKYNET_PATHS : List.of())
                .withVoskPath(on.contains("vosk") ? JitsiConfig.VOSK_PATH : null)
                .withJdbc(jdbcUrl, jdbcUser, jdbcPassword)
                .withRetentionDays(retentionDays)
                .withLanguage(language);
        if (jwtKeys != null && !jwtKeys.isEmpty()) {
            try {
                config = config.withJwt(JwtVerifier.fromPemFiles(jwtKeys, jwtAudience, jwtIssuer, leeway));
            } catch (IOException | IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, "--jitsi-jwt-public-key: " + e.getMessage());
            }
        }
        return Optional.of(new JitsiExtension(config, null, participantVoices));
    }
}
