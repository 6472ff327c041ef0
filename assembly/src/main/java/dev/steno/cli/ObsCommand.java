package dev.steno.cli;

import dev.steno.engine.transcript.LineSink;
import dev.steno.obs.CaptionBridge;
import dev.steno.obs.LiveSessionCaptions;
import dev.steno.obs.caption.CaptionFeed;
import dev.steno.obs.caption.CaptionSink;
import dev.steno.obs.overlay.OverlayExtension;
import dev.steno.obs.sink.SccFileSink;
import dev.steno.obs.sink.SeiInjectionSink;
import dev.steno.obs.sink.StreamCaptionSink;
import dev.steno.obs.sink.TextSourceSink;
import dev.steno.obs.sink.YouTubeCaptionSink;
import dev.steno.obs.source.AudioSource;
import dev.steno.obs.source.MicrophoneSource;
import dev.steno.obs.source.PcmS16leSource;
import dev.steno.obs.websocket.ObsAuthenticationException;
import dev.steno.obs.websocket.ObsClient;
import dev.steno.server.ServerConfig;
import dev.steno.server.StenoServer;
import dev.steno.server.TranscriptionService;
import dev.steno.server.webhook.WebhookDispatcher;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code steno obs}: live captions for OBS streams from a microphone, stdin or the browser. */
@Command(name = "obs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Live captions for OBS: transcribe the microphone, raw PCM on stdin, or browser /asr sessions, "
                + "and send the text to OBS (native stream captions and/or a text source, over obs-websocket v5), "
                + "a browser-source overlay page, live SRT/WebVTT files and YouTube Live.",
            "Example: ffmpeg -re -i talk.mp4 -f s16le -ar 16000 -ac 1 - | steno obs --source stdin --obs-text "
                + "--srt talk.srt --model base.en"},
        footer = {"", "OBS: enable Tools > WebSocket Server Settings and copy its password (or set "
                + "OBS_WEBSOCKET_PASSWORD).",
            "Overlay: add a Browser source with URL http://HOST:PORT/overlay?size=48&lines=2&position=bottom "
                + "(parameters: font, size, lines, position, align, width, color, bg, partial, clear, token)."})
final class ObsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--source", paramLabel = "SOURCE", defaultValue = "mic",
            description = "Audio to caption: mic (the system microphone), stdin (PCM s16le 16 kHz mono), or browser "
                    + "(every live /asr session of this server, e.g. its web page in a browser) "
                    + "(default: ${DEFAULT-VALUE}).")
    String source;

    @Option(names = "--mic-device", paramLabel = "NAME",
            description = "Part of the capture device's name (default: the system default microphone).")
    String micDevice;

    @Option(names = "--obs-url", paramLabel = "URL", defaultValue = "ws://127.0.0.1:4455",
            description = "obs-websocket address (default: ${DEFAULT-VALUE}).")
    URI obsUrl;

    @Option(names = "--obs-password", paramLabel = "PASSWORD", defaultValue = "${env:OBS_WEBSOCKET_PASSWORD}",
            description = "obs-websocket password; default from $OBS_WEBSOCKET_PASSWORD.")
    String obsPassword;

    @Option(names = "--obs-captions", description = "Send captions through OBS's native SendStreamCaption (CEA-608 "
            + "in the stream; only while streaming; see README for its limits).")
    boolean obsCaptions;

    @Option(names = "--obs-caption-lines", paramLabel = "N", defaultValue = "2",
            description = "Lines per native caption (default: ${DEFAULT-VALUE}).")
    int obsCaptionLines;

    @Option(names = "--obs-text", description = "Show captions in an OBS text source (created in the current scene "
            + "if missing); works while not streaming and in recordings.")
    boolean obsText;

    @Option(names = "--obs-text-name", paramLabel = "NAME", defaultValue = "Steno Captions",
            description = "Name of the text source (default: ${DEFAULT-VALUE}).")
    String obsTextName;

    @Option(names = "--obs-text-lines", paramLabel = "N", defaultValue = "2",
            description = "Lines the text source shows (default: ${DEFAULT-VALUE}).")
    int obsTextLines;

    @Option(names = "--obs-text-width", paramLabel = "CHARS", defaultValue = "42",
            description = "Characters per line (default: ${DEFAULT-VALUE}).")
    int obsTextWidth;

    @Option(names = "--obs-text-font-size", paramLabel = "PX", defaultValue = "48",
            description = "Font size of a text source Steno creates (default: ${DEFAULT-VALUE}).")
    int obsTextFontSize;

    @Option(names = "--obs-text-kind", paramLabel = "KIND",
            description = "OBS input kind for a new text source (default: text_gdiplus_v2 on Windows, "
                    + "text_ft2_source_v2 elsewhere).")
    String obsTextKind;

    @Option(names = "--obs-text-rate", paramLabel = "PER_SECOND", defaultValue = "5",
            description = "Most text source updates per second (default: ${DEFAULT-VALUE}).")
    double obsTextRate;

    @Option(names = "--final-only", description = "Show only final text in the text source (no tentative words).")
    boolean finalOnly;

    @Option(names = "--overlay", description = "Serve the caption overlay page at /overlay (for an OBS Browser source).")
    boolean overlay;

    @Mixin
    TranscriptFileOptions files;

    @Option(names = "--scc", paramLabel = "FILE",
            description = "Write our own compliant CEA-608 captions (paced one byte pair per frame, bottom rows) to a "
                    + "live Scenarist SCC file.")
    Path scc;

    @Mixin
    Cea608Options cea608;

    @Option(names = "--sei-in", paramLabel = "FILE",
            description = "Carry our CEA-608 captions inside a video: read Annex-B H.264 (a file or named pipe, "
                    + "encoded without B-frames, e.g. ffmpeg ... -c:v libx264 -bf 0 -f h264 PIPE) and write it with an "
                    + "A/53 caption SEI per picture to --sei-out.")
    Path seiIn;

    @Option(names = "--video-fps", paramLabel = "FPS", defaultValue = "29.97",
            description = "Frame rate of the --sei-in video: sets cc_count and paces the captions (above 30 fps a 608 "
                    + "pair goes in every other picture) (default: ${DEFAULT-VALUE}).")
    double videoFps;

    @Option(names = "--sei-out", paramLabel = "FILE",
            description = "Where the captioned H.264 goes (a file or named pipe read by e.g. ffmpeg -i PIPE -c copy "
                    + "-f flv rtmp://...).")
    Path seiOut;

    @Option(names = "--youtube-url", paramLabel = "URL", defaultValue = "${env:STENO_YOUTUBE_CAPTION_URL}",
            description = "YouTube Live caption ingestion URL (YouTube Studio > stream settings > closed captions > "
                    + "POST captions to URL); default from $STENO_YOUTUBE_CAPTION_URL.")
    URI youtubeUrl;

    @Option(names = "--clear-after", paramLabel = "SECONDS", defaultValue = "5",
            description = "Clear displayed captions after this much quiet (default: ${DEFAULT-VALUE}).")
    double clearAfter;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "localhost",
            description = "Interface for the overlay page and /asr (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8000",
            description = "Port for the overlay page and /asr (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--api-token", paramLabel = "TOKEN", defaultValue = "${env:STENO_API_TOKEN}",
            description = "Require this token on the server's endpoints; default from $STENO_API_TOKEN.")
    String apiToken;

    @Option(names = "--max-sessions", paramLabel = "N", defaultValue = "4",
            description = "Browser sessions served at once with --source browser (default: ${DEFAULT-VALUE}).")
    int maxSessions;

    @Mixin
    EngineOptions engine;

    @Mixin
    DiarizationOptions diarization;

    @Mixin
    WebhookOptions webhooks;

    @Option(names = "--verbose", description = "Print stack traces with errors.")
    boolean verbose;

    /** Where stdin audio comes from (tests replace it). */
    InputStream stdin = System.in;
    /** Counted down once captions flow (tests wait on it). */
    final CountDownLatch started = new CountDownLatch(1);
    volatile StenoServer server;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        validate();
        Optional<WebhookDispatcher> hooks = webhooks.dispatcher(spec.commandLine());
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "steno-obs-timer");
            t.setDaemon(true);
            return t;
        });
        ObsClient obs = null;
        CaptionFeed feed = null;
        StenoServer srv = null;
        List<CaptionSink> sinks = new ArrayList<>();
        Path modelFile = engine.modelFile();
        boolean browser = source.equals("browser");
        TranscriptionService service = engine.service(spec.commandLine(), modelFile, engine.workers(0),
                browser ? maxSessions : 1, 60, diarization.openIfEnabled(spec.commandLine()));
        try (service) {
            if (obsCaptions || obsText) {
                obs = new ObsClient(ObsClient.Options.of(obsUrl, obsPassword), timer);
                if (obsCaptions) {
                    sinks.add(new StreamCaptionSink(obs, obsCaptionLines));
                }
                if (obsText) {
                    sinks.add(new TextSourceSink(obs, new TextSourceSink.Options(obsTextName, obsTextKind,
                            obsTextLines, obsTextWidth, obsTextFontSize,
                            Duration.ofNanos((long) (1e9 / obsTextRate)), !finalOnly), timer));
                }
                connectObs(obs, err);
            }
            OverlayExtension overlayPage = overlay ? new OverlayExtension() : null;
            if (overlayPage != null) {
                sinks.add(overlayPage);
            }
            files.addSinks(sinks);
            if (scc != null) {
                sinks.add(new SccFileSink(scc, cea608.settings(), timer));
            }
            if (seiIn != null) {
                SeiInjectionSink sei = new SeiInjectionSink(seiIn, seiOut,
                        cea608.settings().withFrameRate(videoFps));
                sei.start();
                sinks.add(sei);
            }
            if (youtubeUrl != null) {
                sinks.add(new YouTubeCaptionSink(YouTubeCaptionSink.Options.of(youtubeUrl)));
            }
            feed = new CaptionFeed(sinks, Duration.ofMillis(Math.round(clearAfter * 1000)));
            if (overlayPage != null || browser) {
                ServerConfig config = new ServerConfig(host, port, null, null, apiToken, List.of(), false, 1 << 20);
                srv = new StenoServer(config, service,
                        overlayPage == null ? List.of() : List.of(overlayPage));
                srv.start();
                server = srv;
                if (overlayPage != null) {
                    err.println("steno: overlay page for an OBS Browser source: " + srv.uri().resolve("overlay"));
                }
                if (browser) {
                    err.println("steno: open " + srv.uri() + " in a browser and start recording: its captions go to "
                            + "OBS");
                }
            }
            service.warmUp(new float[16000]);
            err.printf(Locale.ROOT, "steno: captions to %s%n", String.join(", ", sinks.stream()
                    .map(CaptionSink::name).toList()));
            err.flush();
            started.countDown();
            runSource(browser, service, feed, hooks, err);
        } finally {
            if (feed != null) {
                feed.close();
            }
            if (obs != null) {
                obs.close();
            }
            if (srv != null) {
                srv.close();
            }
            timer.shutdownNow();
        }
        return 0;
    }

    private void runSource(boolean browser, TranscriptionService service, CaptionFeed feed,
                           Optional<WebhookDispatcher> hooks, PrintWriter err) throws Exception {
        if (browser) {
            try (AutoCloseable following = LiveSessionCaptions.follow(service.live(), feed)) {
                Thread.currentThread().join(); // until interrupted
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        AudioSource audio = source.equals("stdin") ? new PcmS16leSource(stdin, "stdin") : new MicrophoneSource(micDevice);
        // Ctrl-C: stop the audio, then give the last words a moment to reach the sinks before the JVM exits
        try (GracefulExit exit = new GracefulExit("steno-obs-stop", audio::close, Duration.ofSeconds(15))) {
            CaptionBridge.run(audio, service.streams(), engine.language(), service.speakerStage(true), feed,
                    hooks.<LineSink>map(h -> h).orElse(LineSink.NONE));
            feed.close(); // delivers what is queued and closes the files (idempotent; call() closes it again)
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
        } finally {
            hooks.ifPresent(h -> WebhookOptions.flushAndClose(h, err));
        }
    }

    /** Waits briefly for OBS: a refused password ends the command; an absent OBS is waited for in the background. */
    private static void connectObs(ObsClient obs, PrintWriter err) throws InterruptedException {
        try {
            obs.start().get(5, TimeUnit.SECONDS);
            err.println("steno: connected to OBS at " + obs.uri());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ObsAuthenticationException auth) {
                throw auth;
            }
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            err.println("steno: OBS is not reachable at " + obs.uri() + " yet (is OBS running with Tools > WebSocket "
                    + "Server Settings > Enable WebSocket server?); captions go to OBS once it is");
        }
    }

    private void validate() {
        CommandLine cl = spec.commandLine();
        engine.validate(cl);
        source = source.strip().toLowerCase(Locale.ROOT);
        if (!List.of("mic", "stdin", "browser").contains(source)) {
            throw new CommandLine.ParameterException(cl, "--source must be mic, stdin or browser, not '" + source + "'");
        }
        if (!obsCaptions && !obsText && !overlay && !files.any() && scc == null
                && seiIn == null && youtubeUrl == null) {
            throw new CommandLine.ParameterException(cl, "choose at least one caption output: --obs-captions, "
                    + "--obs-text, --overlay, --srt FILE, --vtt FILE, --scc FILE, --sei-in/--sei-out or --youtube-url URL");
        }
        if (source.equals("browser") && !webhooks.urls.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "--webhook-url takes the lines of --source mic or stdin; "
                    + "for browser sessions use steno serve --webhook-url");
        }
        if ((seiIn == null) != (seiOut == null)) {
            throw new CommandLine.ParameterException(cl, "--sei-in and --sei-out go together: the H.264 to read and "
                    + "where its captioned copy goes");
        }
        if (!(videoFps >= 1 && videoFps <= 120)) {
            throw new CommandLine.ParameterException(cl, "--video-fps must be 1..120 frames/s, not " + videoFps);
        }
        if ((obsCaptions || obsText) && !List.of("ws", "wss").contains(String.valueOf(obsUrl.getScheme()))) {
            throw new CommandLine.ParameterException(cl, "--obs-url must be a ws:// or wss:// URL, not '" + obsUrl + "'");
        }
        if (youtubeUrl != null && !List.of("http", "https").contains(String.valueOf(youtubeUrl.getScheme()))) {
            throw new CommandLine.ParameterException(cl, "--youtube-url must be an http(s) URL, not '" + youtubeUrl + "'");
        }
        if (!(clearAfter > 0) || !(obsTextRate > 0 && obsTextRate <= 60) || obsCaptionLines < 1 || obsCaptionLines > 4
                || obsTextLines < 1 || obsTextLines > 10 || obsTextWidth < 8 || obsTextWidth > 200 || maxSessions < 1) {
            throw new CommandLine.ParameterException(cl, "--clear-after must be > 0, --obs-text-rate in (0, 60], "
                    + "--obs-caption-lines 1..4, --obs-text-lines 1..10, --obs-text-width 8..200, --max-sessions >= 1");
        }
    }
}
