package dev.steno.cli;

import dev.steno.engine.transcript.LineSink;
import dev.steno.obs.CaptionBridge;
import dev.steno.obs.caption.CaptionFeed;
import dev.steno.obs.caption.CaptionSink;
import dev.steno.obs.relay.CaptionRelay;
import dev.steno.obs.relay.RelayCaptions;
import dev.steno.obs.relay.RelaySettings;
import dev.steno.server.TranscriptionService;
import dev.steno.server.webhook.WebhookDispatcher;
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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code steno relay}: an RTMP relay that writes captions of the stream's own speech into its video. */
@Command(name = "relay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Captions that show on Twitch and YouTube: point OBS at this relay instead of the platform. "
                + "Steno transcribes the stream's own audio and writes compliant CEA-608 captions (A/53 SEI, in "
                + "display order, so OBS's default B-frames work) into every H.264 picture, then pushes the stream "
                + "on unchanged otherwise. FFmpeg (started and watched by Steno) is the RTMP transport on both sides.",
            "Example: steno relay --listen rtmp://127.0.0.1:1935/live --to rtmps://live.twitch.tv/app/KEY "
                + "--model base.en --delay 2"},
        footer = {"", "OBS: Settings > Stream > Service: Custom..., Server: the --listen address, Stream Key: anything. "
                + "Encoder: H.264 (x264 or NVENC H.264); HEVC and AV1 pass through without captions.",
            "Twitch shows the CC button once captions arrive; YouTube: enable Closed captions > Embedded 608/708 in "
                + "the stream's settings.",
            "Keep the stream key out of shell history and process lists with $STENO_RELAY_TO."})
final class RelayCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--listen", paramLabel = "URL", defaultValue = "rtmp://127.0.0.1:1935/live",
            description = "Where OBS publishes: rtmp://HOST:PORT/APP; any stream key is accepted. Use 0.0.0.0 for "
                    + "OBS on another machine (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--to", paramLabel = "URL", defaultValue = "${env:STENO_RELAY_TO}",
            description = "The platform's ingest URL with your stream key, e.g. rtmps://live.twitch.tv/app/KEY or "
                    + "rtmp://a.rtmp.youtube.com/live2/KEY (anything FFmpeg's FLV output takes, a file too); default "
                    + "from $STENO_RELAY_TO. The key never appears in logs.")
    String to;

    @Option(names = "--delay", paramLabel = "SECONDS", defaultValue = "0",
            description = "Hold the stream back this long (0..30 s) so that captions line up with the speech instead "
                    + "of trailing it by the recogniser's latency; about 2 s suits --model base on a laptop "
                    + "(default: ${DEFAULT-VALUE}).")
    double delaySeconds;

    @Mixin
    Cea608Options cea608;

    @Option(names = "--frame-rate", paramLabel = "FPS", defaultValue = "30",
            description = "Frame rate assumed when the stream does not announce one (OBS and FFmpeg do) "
                    + "(default: ${DEFAULT-VALUE}).")
    double frameRate;

    @Option(names = "--ffmpeg", paramLabel = "PATH", defaultValue = "ffmpeg",
            description = "The FFmpeg executable (default: ${DEFAULT-VALUE}, found on the PATH).")
    String ffmpeg;

    @Mixin
    TranscriptFileOptions files;

    @Option(names = "--clear-after", paramLabel = "SECONDS", defaultValue = "5",
            description = "Clear the captions after this much quiet (default: ${DEFAULT-VALUE}).")
    double clearAfter;

    @Mixin
    EngineOptions engine;

    @Mixin
    DiarizationOptions diarization;

    @Mixin
    WebhookOptions webhooks;

    @Option(names = "--verbose", description = "Print stack traces with errors.")
    boolean verbose;

    /** Counted down once the relay listens for OBS (tests wait on it). */
    final CountDownLatch started = new CountDownLatch(1);
    /** The running relay (tests read its counters and stop it). */
    volatile CaptionRelay relay;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        RelaySettings settings = validate();
        Optional<WebhookDispatcher> hooks = webhooks.dispatcher(spec.commandLine());
        RelayCaptions captions = new RelayCaptions(cea608.settings());
        List<CaptionSink> sinks = new ArrayList<>(List.of(captions));
        files.addSinks(sinks);
        TranscriptionService service = engine.service(spec.commandLine(), engine.modelFile(), engine.workers(0), 1,
                60, diarization.openIfEnabled(spec.commandLine()));
        try (service; CaptionFeed feed = new CaptionFeed(sinks, Duration.ofMillis(Math.round(clearAfter * 1000)))) {
            service.warmUp(new float[16000]);
            CaptionRelay r = new CaptionRelay(settings, captions, System::nanoTime);
            relay = r;
            err.printf(Locale.ROOT, "steno: relay listening on %s, captions (%s, %s%s) to %s%n", settings.listen(),
                    cea608.channel, cea608.mode, delaySeconds > 0 ? ", delay " + delaySeconds + " s" : "",
                    settings.redactedDestination());
            err.println("steno: in OBS set Settings > Stream > Service: Custom..., Server: " + settings.listen()
                    + ", any stream key");
            err.flush();
            started.countDown();
            // Ctrl-C: end the stream (what was received still goes out), then give the last words a moment
            try (GracefulExit exit = new GracefulExit("steno-relay-stop", r::close, Duration.ofSeconds(15))) {
                CaptionBridge.run(r, service.streams(), engine.language(), service.speakerStage(true), feed,
                        hooks.<LineSink>map(h -> h).orElse(LineSink.NONE));
            } finally {
                hooks.ifPresent(h -> WebhookOptions.flushAndClose(h, err));
            }
            CaptionRelay.Stats s = r.stats();
            err.printf(Locale.ROOT, "steno: relay stopped after %d stream(s), %d captioned pictures%s%n", s.streams(),
                    s.pictures(), s.droppedTags() > 0 ? ", " + s.droppedTags() + " tags dropped while the destination "
                    + "was down" : "");
        }
        return 0;
    }

    private RelaySettings validate() {
        CommandLine cl = spec.commandLine();
        engine.validate(cl);
        if (to == null || to.isBlank()) {
            throw new CommandLine.ParameterException(cl, "--to is required: the platform's ingest URL with your "
                    + "stream key (e.g. rtmps://live.twitch.tv/app/KEY), or set $STENO_RELAY_TO");
        }
        if (!(clearAfter > 0)) {
            throw new CommandLine.ParameterException(cl, "--clear-after must be > 0, not " + clearAfter);
        }
        if (!(delaySeconds >= 0 && delaySeconds <= RelaySettings.MAX_DELAY.toSeconds())) {
            throw new CommandLine.ParameterException(cl, "--delay must be 0..30 seconds, not " + delaySeconds);
        }
        URI listenUri;
        try {
            listenUri = URI.create(listen.strip());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--listen is not a URL: " + e.getMessage());
        }
        try {
            return new RelaySettings(ffmpeg, listenUri, to.strip(), Duration.ofMillis(Math.round(delaySeconds * 1000)),
                    frameRate);
        } catch (IllegalArgumentException e) {
            String flag = e.getMessage().startsWith("frame rate") ? "--frame-rate: "
                    : e.getMessage().startsWith("the listen") ? "--listen: " : "--to: ";
            throw new CommandLine.ParameterException(cl, flag + e.getMessage());
        }
    }
}
