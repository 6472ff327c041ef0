package dev.steno.cli;

import dev.steno.engine.audio.WavReader;
import dev.steno.engine.diarization.DiarizerFactory;
import dev.steno.jitsi.JitsiExtension;
import dev.steno.server.Drain;
import dev.steno.server.ServerConfig;
import dev.steno.server.ServerExtension;
import dev.steno.server.StenoServer;
import dev.steno.server.TranscriptionService;
import dev.steno.server.webhook.WebhookSettings;
import java.io.File;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code steno serve}: the WhisperLiveKit-compatible server with the browser UI. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start the transcription server: browser UI at /, live WebSocket /asr (WhisperLiveKit "
                + "protocol), /health, /metrics and OpenAI-compatible POST /v1/audio/transcriptions.",
            "Probes: GET /health/live (200 while the process serves) and GET /health/ready (503 while starting or "
                + "draining); both answer without the API token.",
            "Draining: on SIGTERM or Ctrl-C, or POST /admin/drain (with the API token; without one, only from this "
                + "machine), the server takes no new sessions (503 + Retry-After), lets live ones finish their "
                + "utterance, stores and sends their final results, closes them with 1001 so that clients reconnect "
                + "to another node, then exits (code 0), waiting at most --drain-timeout.",
            "Flags may also come from a properties file (--config FILE) whose keys are the flag names without "
                + "dashes, e.g. 'port=8443'."})
final class ServeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "localhost",
            description = "Interface to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8000",
            description = "TCP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Mixin
    EngineOptions engine;

    @Mixin
    JitsiOptions jitsi;

    @Mixin
    DiarizationOptions diarization;

    @Option(names = "--ssl-certfile", paramLabel = "PEM", description = "Certificate chain for HTTPS/WSS, e.g. "
            + "Let's Encrypt's fullchain.pem.")
    Path sslCertFile;

    @Option(names = "--ssl-keyfile", paramLabel = "PEM", description = "Private key for --ssl-certfile, e.g. privkey.pem.")
    Path sslKeyFile;

    @Option(names = "--api-token", paramLabel = "TOKEN", defaultValue = "${env:STENO_API_TOKEN}",
            description = "Require this token on every endpoint (?token= or 'Authorization: Bearer'); "
                    + "default from $STENO_API_TOKEN.")
    String apiToken;

    @Option(names = "--cors-origins", paramLabel = "ORIGINS", split = ",",
            description = "Comma-separated origins whose pages may call the server, or * for any.")
    List<String> corsOrigins;

    @Option(names = "--warmup-file", paramLabel = "WAV",
            description = "Audio to transcribe once at start-up before reporting ready (default: 1 s of silence).")
    Path warmupFile;

    @Option(names = "--pcm-input", description = "Ask browsers to send raw PCM from an AudioWorklet instead of "
            + "MediaRecorder WebM/Opus (both are accepted either way).")
    boolean pcmInput;

    @Option(names = "--max-sessions", paramLabel = "N", defaultValue = "16",
            description = "Live sessions served at once; more are refused with a clear reason (default: ${DEFAULT-VALUE}).")
    int maxSessions;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "0",
            description = "Inference steps run in parallel; 0 picks cores / threads per step (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--max-pending-seconds", paramLabel = "SECONDS", defaultValue = "60",
            description = "Audio a lagging session may hold unprocessed before its oldest audio is dropped "
                    + "(default: ${DEFAULT-VALUE}).")
    double maxPendingSeconds;

    @Option(names = "--drain-timeout", paramLabel = "SECONDS", defaultValue = "25",
            description = "When draining (SIGTERM, Ctrl-C, POST /admin/drain), wait at most this long for live "
                    + "sessions to finish before closing them and exiting; keep it below the orchestrator's grace "
                    + "period (Kubernetes: 30 s) (default: ${DEFAULT-VALUE}).")
    String drainTimeout;

    @Mixin
    RtpOptions rtp;

    @Mixin
    WebRtcOptions webrtc;

    @Mixin
    WebhookOptions webhooks;

    @Mixin
    WebhookAllowOption webhookAllow;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file with defaults for these flags (keys are flag names without dashes).")
    Path config;

    @Option(names = "--verbose", description = "Print stack traces with errors.")
    boolean verbose;

    /** Longest {@code --drain-timeout}: a drain waits for utterances to end, not for meetings to end. */
    static final double MAX_DRAIN_SECONDS = 3600;
    /** How long the shutdown path waits, after the drain, for the server and the model to close. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(15);

    /** Counted down once the server listens; tests wait on it. */
    final CountDownLatch started = new CountDownLatch(1);
    /** Counted down once the command closed everything it opened (or failed before). */
    private final CountDownLatch stopped = new CountDownLatch(1);
    volatile StenoServer server;
    private volatile Duration drainLimit = ServerConfig.DEFAULT_DRAIN_TIMEOUT;

    @Override
    public Integer call() throws Exception {
        try {
            return serve();
        } finally {
            stopped.countDown();
        }
    }

    private int serve() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        engine.validate(spec.commandLine());
        if (maxSessions < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-sessions must be >= 1");
        }
        drainLimit = parseDrainTimeout(spec.commandLine(), drainTimeout);
        WebhookSettings webhookSettings = webhooks.settings(spec.commandLine(), webhookAllow.allow);
        ServerConfig serverConfig = new ServerConfig(host, port, sslCertFile, sslKeyFile, apiToken,
                corsOrigins == null ? List.of() : corsOrigins.stream().map(String::strip).toList(), pcmInput, 1 << 20,
                drainLimit);
        float[] warmup = warmupFile == null ? new float[16000]
                : WavReader.read(warmupFile).resampledTo(16000).samples();

        List<ServerExtension> extensions = new ArrayList<>();
        DiarizerFactory serverDiarization = diarization.openIfEnabled(spec.commandLine());
        DiarizerFactory participantVoices = jitsi.participantVoices(spec.commandLine(), diarization,
                serverDiarization);
        // the server closes its own backend; one opened for participants alone closes here
        AutoCloseable ownParticipantVoices = participantVoices == serverDiarization ? null : participantVoices;
        Optional<JitsiExtension> jitsiExtension = jitsi.extension(spec.commandLine(), participantVoices);
        jitsiExtension.ifPresent(extensions::add);
        Path modelFile = engine.modelFile();
        int workerCount = engine.workers(workers);
        TranscriptionService service = engine.service(spec.commandLine(), modelFile, workerCount, maxSessions,
                maxPendingSeconds, serverDiarization);
        extensions.addAll(rtp.extensions(service, spec.commandLine(),
                jitsiExtension.map(j -> j::registry), participantVoices));
        extensions.addAll(webrtc.extensions(service, spec.commandLine(),
                jitsiExtension.map(j -> j::registry), participantVoices));
        try (service; ownParticipantVoices; StenoServer s = new StenoServer(serverConfig, service, extensions,
                webhookSettings)) {
            server = s;
            s.start();
            err.printf(Locale.ROOT, "steno: model %s (%s backend, %s policy), %d inference worker(s), at most %d sessions, "
                    + "voice activity controller %s%n", modelFile.getFileName(), EngineOptions.backendDescription(service.streams().recognizer()),
                    engine.policyName(service.streams().policies()), workerCount, maxSessions,
                    service.gated() ? "on (Silero " + service.voiceActivitySource() + ")" : "off");
            long t0 = System.nanoTime();
            service.warmUp(warmup);
            err.printf(Locale.ROOT, "steno: warmed up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            service.diarization().ifPresent(d -> err.println("steno: speakers labelled by the " + d.name()
                    + " diarization backend (a client opts out with /asr?diarization=false)"));
            err.println("steno: open " + s.uri() + " in a browser (WebSocket " + s.uri().resolve("asr")
                    .toString().replaceFirst("^http", "ws") + ")");
            if (jitsi.enabled) {
                err.println("steno: Jitsi endpoints on; meeting transcripts at " + s.uri().resolve("meetings"));
            }
            if (participantVoices != null) {
                err.println("steno: voices within a participant told apart by the " + participantVoices.name()
                        + " diarization backend (\"Name\", \"Name (2)\", ...)");
            }
            if (!webhookSettings.off()) {
                err.println("steno: committed lines go to " + webhookSettings.targets().size() + " webhook(s)"
                        + (webhookSettings.allow().isEmpty() ? "" : "; ?webhook= allowed under "
                        + webhookSettings.allow().size() + " prefix(es)"));
            }
            if (serverConfig.apiToken() != null) {
                err.println("steno: an API token is required (?token=... or Authorization: Bearer)");
            }
            err.flush();
            Thread onExit = new Thread(this::drainOnExit, "steno-drain-on-exit");
            Runtime.getRuntime().addShutdownHook(onExit);
            started.countDown();
            try {
                // until drained: by POST /admin/drain, or by the shutdown hook on SIGTERM or Ctrl-C
                Drain.Outcome drained = s.drain().finished().get();
                err.printf(Locale.ROOT, "steno: drained: %d session(s) finished, %d closed at the deadline; "
                        + "stopping%n", drained.finished(), drained.stopped());
                err.flush();
            } finally {
                removeHook(onExit);
            }
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException impossible) {
            throw new IllegalStateException("the drain failed", impossible.getCause());
        }
        return 0;
    }

    /**
     * What the JVM's shutdown hook runs (SIGTERM, Ctrl-C): drains the server, which ends the command, then waits
     * for the command to close the server and the model; at most the drain timeout plus a grace for closing.
     */
    void drainOnExit() {
        StenoServer s = server;
        if (s == null) {
            return;
        }
        // straight to the error stream: the JVM's own shutdown hooks may already have closed the loggers
        PrintWriter err = spec.commandLine().getErr();
        err.printf(Locale.ROOT, "steno: shutting down: draining for at most %.1f s%n", drainLimit.toMillis() / 1000.0);
        err.flush();
        s.drain().start();
        try {
            if (!stopped.await(drainLimit.plus(CLOSE_GRACE).toMillis(), TimeUnit.MILLISECONDS)) {
                System.getLogger(ServeCommand.class.getName()).log(System.Logger.Level.WARNING,
                        "steno serve did not stop within the drain timeout: exiting anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it waits for this command to finish closing
        }
    }

    /** {@code --drain-timeout}: seconds, a trailing "s" allowed ("25", "2.5", "30s"), from a millisecond to an hour. */
    static Duration parseDrainTimeout(CommandLine cl, String value) {
        String v = value == null ? "" : value.strip();
        double seconds;
        try {
            seconds = Double.parseDouble(v.endsWith("s") ? v.substring(0, v.length() - 1) : v);
        } catch (NumberFormatException e) {
            seconds = Double.NaN;
        }
        if (!(seconds >= 0.001) || seconds > MAX_DRAIN_SECONDS) {
            throw new CommandLine.ParameterException(cl, "--drain-timeout must be a number of seconds from 0.001 to "
                    + (long) MAX_DRAIN_SECONDS + " (e.g. 25 or 2.5), not '" + value + "'");
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    /** Reads {@code --config FILE} before parsing so that its values become defaults. */
    static CommandLine.IDefaultValueProvider configDefaults(String[] args) {
        int i = Arrays.asList(args).indexOf("--config");
        if (i < 0 || i + 1 >= args.length) {
            return null;
        }
        File f = new File(args[i + 1]);
        if (!f.isFile()) {
            throw new IllegalArgumentException("--config " + f + ": no such file");
        }
        return new CommandLine.PropertiesDefaultProvider(f);
    }
}
