package dev.steno.jitsi;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.corrections.CorrectionSets;
import dev.steno.engine.corrections.Corrector;
import dev.steno.engine.diarization.DiarizerFactory;
import dev.steno.jitsi.auth.JwtVerifier;
import dev.steno.jitsi.http.TranscriptHandler;
import dev.steno.jitsi.mediajson.MediaJsonConnection;
import dev.steno.jitsi.meeting.Meeting;
import dev.steno.jitsi.meeting.MeetingRegistry;
import dev.steno.jitsi.meeting.TranscriptStore;
import dev.steno.jitsi.skynet.SkynetConnection;
import dev.steno.jitsi.store.JdbcTranscriptStore;
import dev.steno.jitsi.vosk.VoskConnection;
import dev.steno.jitsi.ws.Paths;
import dev.steno.server.Drain;
import dev.steno.server.ServerConfig;
import dev.steno.server.ServerExtension;
import dev.steno.server.http.ApiToken;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketCreator;

/**
 * Jitsi and meeting transcripts on the Steno server: the videobridge audio export ({@code /transcribe/{meetingId}}),
 * Jigasi's skynet protocol ({@code /streaming-whisper/ws/{id}}, {@code /ws/{id}}), the vosk-server protocol
 * ({@code /vosk}, {@code /vosk/{meetingId}}), and {@code GET /meetings/{id}/transcript.{json,srt,vtt,txt}}. Every
 * participant gets its own engine session on the server's shared model and scheduler; committed lines are stored as
 * they are committed (SQLite under the data directory, or PostgreSQL).
 *
 * <p>Every participant is one speaker of its meeting; with a diarizer for participants, the voices within one
 * participant's audio (several people at one microphone) are told apart as "Name", "Name (2)", ...
 *
 * <p>Other ingest paths (RTP) join participants through {@link #registry()} once the extension is installed.
 *
 * <p>Draining: every socket winds itself down (see {@link dev.steno.jitsi.ws.MeetingSocket}); besides, the extension
 * takes part in the drain itself, so that the registry joins no one any more and every participant (RTP ones
 * included) ends and has its last words stored before the node goes.
 */
public final class JitsiExtension implements ServerExtension {
    private static final System.Logger LOG = System.getLogger(JitsiExtension.class.getName());
    /** How often old meetings are deleted and idle ones forgotten. */
    static final long SWEEP_MINUTES = 60;
    /** How often writes the transcript store refused are tried again, in seconds. */
    static final long RETRY_SECONDS = 5;
    private static final ObjectMapper ERROR_JSON =
            new ObjectMapper();

    private final JitsiConfig config;
    private final TranscriptStore givenStore;
    private final DiarizerFactory participantVoices;
    private TranscriptStore store;
    private MeetingRegistry registry;
    private CorrectionSets corrections;
    private ServerConfig serverConfig;
    private String defaultLanguage;
    private ScheduledExecutorService sweeper;
    private volatile Drain.Registration inDrain;

    /** An extension that opens its store from the config (SQLite under the data directory, or the JDBC URL). */
    public JitsiExtension(JitsiConfig config) {
        this(config, null);
    }

    /**
     * An extension over a store the caller opened and closes.
     *
     * @param store null to open one from the config (then closed with this extension)
     */
    public JitsiExtension(JitsiConfig config, TranscriptStore store) {
        this(config, store, null);
    }

    /**
     * An extension that may diarize within participants.
     *
     * @param store             null to open one from the config (then closed with this extension)
     * @param participantVoices diarizes each participant's stream within itself, or null when every participant is
     *                          one voice; the caller closes it after this extension
     */
    public JitsiExtension(JitsiConfig config, TranscriptStore store, DiarizerFactory participantVoices) {
        this.config = Objects.requireNonNull(config, "config");
        this.givenStore = store;
        this.participantVoices = participantVoices;
    }

    @Override
    public String name() {
        return "jitsi";
    }

    /** The meeting core; available once installed. */
    public MeetingRegistry registry() {
        if (registry == null) {
            throw new IllegalStateException("the Jitsi extension is not installed yet");
        }
        return registry;
    }

    /** The settings. */
    public JitsiConfig config() {
        return config;
    }

    @Override
    public void install(Wiring wiring) {
        serverConfig = wiring.config();
        store = givenStore != null ? givenStore
                : config.jdbcUrl() != null ? JdbcTranscriptStore.open(config.jdbcUrl(), config.jdbcUser(),
                        config.jdbcPassword())
                : JdbcTranscriptStore.sqlite(config.dataDir());
        registry = new MeetingRegistry(wiring.service().streams(), store, participantVoices);
        corrections = wiring.service().streams().corrections();
        registry.useWebhooks(wiring.webhooks()::sink);
        defaultLanguage = config.language() != null ? config.language()
                : wiring.service().streams().policies().defaultLanguage();
        Drain drain = wiring.drain();
        inDrain = drain.admit(Drain.Member.of(
                () -> "meeting participants (" + registry.liveParticipants() + " live, " + registry.unstoredWrites()
                        + " write(s) waiting for the store)", this::drainMeetings, () -> registry.cancelAll())).orElse(null);
        var ws = wiring.webSocket();
        if (config.mediaJsonPath() != null) {
            ws.addMapping("uri-template|" + config.mediaJsonPath() + "/{meetingId}", (req, resp, cb) -> {
                if (!serverTokenOk(req, resp, cb)) {
                    return null;
                }
                Supplier<Meeting> meeting = meetingWithWebhooks(req, resp, cb, Paths.lastSegment(req));
                if (meeting == null) {
                    return null;
                }
                String lang = Paths.query(req, "language"); // a Jicofo url-template may add ?language=
                return new MediaJsonConnection(meeting, drain,
                        lang != null && !lang.isBlank() ? lang : defaultLanguage, config.maxTextChars());
            });
        }
        for (String path : config.skynetPaths()) {
            ws.addMapping("uri-template|" + path + "/{id}", (req, resp, cb) -> {
                if (!skynetAuthorized(req, resp, cb)) {
                    return null;
                }
                Supplier<Meeting> meeting = meetingWithWebhooks(req, resp, cb, Paths.lastSegment(req));
                if (meeting == null) {
                    return null;
                }
                return new SkynetConnection(meeting, drain, config.language(),
                        config.maxAudioFrameBytes());
            });
        }
        if (config.voskPath() != null) {
            WebSocketCreator vosk = (req, resp, cb) -> {
                if (!serverTokenOk(req, resp, cb)) {
                    return null;
                }
                Fields q = Request.extractQueryParameters(req,
                        StandardCharsets.UTF_8);
                String path = Request.getPathInContext(req);
                String meetingId = path.equals(config.voskPath()) ? Objects.requireNonNullElse(
                        q.getValue("meeting"), "vosk") : Paths.lastSegment(req);
                String participant = Objects.requireNonNullElseGet(q.getValue("participant"),
                        () -> "vosk-" + UUID.randomUUID().toString().substring(0, 8));
                String lang = q.getValue("language");
                Supplier<Meeting> meeting = meetingWithWebhooks(req, resp, cb, meetingId);
                if (meeting == null) {
                    return null;
                }
                return new VoskConnection(meeting, drain, participant, q.getValue("name"),
                        lang != null ? lang : config.language(), config.maxAudioFrameBytes(), config.maxTextChars());
            };
            ws.addMapping(config.voskPath(), vosk);
            ws.addMapping("uri-template|" + config.voskPath() + "/{meetingId}", vosk);
        }
        wiring.http().accept(new TranscriptHandler(registry));
        LOG.log(System.Logger.Level.INFO, "Jitsi endpoints: videobridge export {0}, skynet {1}, vosk {2}; "
                        + "transcripts in {3}; retention {4}; {5}", describe(config.mediaJsonPath(), "/{meetingId}"),
                config.skynetPaths().isEmpty() ? "off" : config.skynetPaths() + " + /{id}"
                        + (config.jwt() != null ? " (JWT required)" : ""),
                describe(config.voskPath(), ""), store.describe(),
                config.retentionDays() == 0 ? "forever" : config.retentionDays() + " days",
                participantVoices == null ? "one voice per participant"
                        : "voices within a participant told apart by the " + participantVoices.name() + " diarizer");
    }

    /**
     * Opens a socket's meeting; a {@code ?corrections=<name>} sets the meeting's term corrections. An unknown set
     * name is refused as a bad meeting id is: the socket closes with 1008 and the reason.
     */
    private Supplier<Meeting> meetingFor(String meetingId, ServerUpgradeRequest req) {
        String set = Paths.query(req, "corrections");
        return () -> {
            Corrector named = set == null ? null : corrections.forSession(set);
            Meeting meeting = registry.meeting(meetingId);
            if (named != null) {
                meeting.useCorrections(named);
            }
            return meeting;
        };
    }

    /** The node drains: join no one, end every participant; done once all are stored. */
    private void drainMeetings() {
        registry.stopJoining();
        registry.endAll().whenComplete((v, error) -> releaseOnceStored());
    }

    /**
     * Releases the drain once every line is in the store; while the store refuses writes (restarting, failing over),
     * tries again each second until the drain's deadline.
     */
    private void releaseOnceStored() {
        if (registry.retryPendingWrites() > 0 && sweeper != null && !sweeper.isShutdown()) {
            LOG.log(System.Logger.Level.WARNING, "draining: {0} transcript write(s) wait for the store {1}",
                    registry.unstoredWrites(), store.describe());
            sweeper.schedule(this::releaseOnceStored, 1, TimeUnit.SECONDS);
            return;
        }
        Drain.Registration r = inDrain;
        if (r != null) {
            r.close();
        }
    }

    @Override
    public void start() {
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "steno-jitsi-retention");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, 0, SWEEP_MINUTES, TimeUnit.MINUTES);
        sweeper.scheduleWithFixedDelay(this::retryWrites, RETRY_SECONDS, RETRY_SECONDS, TimeUnit.SECONDS);
    }

    /** Writes again what the store refused, so that lines reach it soon after an outage even in a silence. */
    private void retryWrites() {
        try {
            registry.retryPendingWrites();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "retrying transcript writes failed: " + e.getMessage(), e);
        }
    }

    /** Deletes meetings past the retention period and forgets idle meetings; runs hourly. */
    void sweep() {
        try {
            registry.evictIdle(TimeUnit.MINUTES.toMillis(SWEEP_MINUTES));
            if (config.retentionDays() > 0) {
                long cutoff = System.currentTimeMillis() - TimeUnit.DAYS.toMillis(config.retentionDays());
                int n = store.deleteMeetingsBefore(cutoff);
                if (n > 0) {
                    LOG.log(System.Logger.Level.INFO, "deleted {0} meeting(s) idle for more than {1} days", n,
                            config.retentionDays());
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "retention sweep failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        if (registry != null) {
            registry.endAll(config.shutdownGraceMillis());
            if (registry.retryPendingWrites() > 0) {
                LOG.log(System.Logger.Level.ERROR, "the transcript store {0} is unreachable: {1} write(s) of ended "
                        + "participants are lost", store.describe(), registry.unstoredWrites());
            }
        }
        if (store != null && givenStore == null) {
            store.close();
        }
    }

    private boolean serverTokenOk(ServerUpgradeRequest req, ServerUpgradeResponse resp, Callback cb) {
        String expected = serverConfig.apiToken();
        if (expected == null || ApiToken.matches(Paths.query(req, "token"),
                req.getHeaders().get(HttpHeader.AUTHORIZATION), expected)) {
            return true;
        }
        refuse(resp, cb, "invalid or missing token: pass ?token=... or 'Authorization: Bearer ...'");
        return false;
    }

    private boolean skynetAuthorized(ServerUpgradeRequest req, ServerUpgradeResponse resp, Callback cb) {
        JwtVerifier jwt = config.jwt();
        if (jwt == null) {
            return serverTokenOk(req, resp, cb);
        }
        String token = Paths.query(req, "auth_token");
        String auth = req.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (token == null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = auth.substring(7).strip();
        }
        try {
            jwt.verify(token);
            return true;
        } catch (JwtVerifier.InvalidTokenException e) {
            LOG.log(System.Logger.Level.WARNING, "refused a Jigasi connection from {0}: {1}",
                    req.getConnectionMetaData().getRemoteSocketAddress(), e.getMessage());
            refuse(resp, cb, e.getMessage());
            return false;
        }
    }

    /**
     * Opens a socket's meeting with the socket's {@code ?webhook=} URLs added to it and its {@code ?corrections=} set
     * (see {@link #meetingFor}); null after answering 400 when a URL is not on the server's {@code --webhook-allow}
     * list.
     */
    private Supplier<Meeting> meetingWithWebhooks(ServerUpgradeRequest req, ServerUpgradeResponse resp, Callback cb,
                                                  String meetingId) {
        List<String> urls = Request.extractQueryParameters(req, StandardCharsets.UTF_8)
                .getValuesOrEmpty("webhook");
        try {
            registry.webhooks(urls);
        } catch (IllegalArgumentException e) {
            refuse(resp, cb, HttpStatus.BAD_REQUEST_400, e.getMessage());
            return null;
        }
        Supplier<Meeting> withCorrections = meetingFor(meetingId, req);
        return () -> {
            Meeting m = withCorrections.get();
            urls.forEach(m::addWebhook);
            return m;
        };
    }

    private static void refuse(ServerUpgradeResponse resp, Callback cb, String message) {
        refuse(resp, cb, HttpStatus.UNAUTHORIZED_401, message);
    }

    private static void refuse(ServerUpgradeResponse resp, Callback cb, int status, String message) {
        resp.setStatus(status);
        resp.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        String body = ERROR_JSON.createObjectNode().put("error", message).toString();
        resp.write(true, StandardCharsets.UTF_8.encode(body), cb);
    }

    private static String describe(String path, String suffix) {
        return path == null ? "off" : path + suffix;
    }
}
