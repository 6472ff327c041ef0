package dev.steno.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code steno bench load}: many real-time {@code /asr} sessions against running nodes, with soak checks. */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Open N concurrent /asr sessions on a running node or on a proxy in front of several (nginx), "
                + "ramped up over --ramp, each streaming the recording in real time as the web UI does (16 kHz PCM, "
                + "a 100 ms frame every 100 ms, looped) until --duration is over; then end each stream, wait for "
                + "its last results and close. Meanwhile sample each node's /metrics (--metrics) and every "
                + "session's transcript lag, print a progress line every --progress, and afterwards a summary "
                + "and the checks:",
            "- every session admitted or refused cleanly (HTTP 503 or close code 1013, never a reset or timeout);",
            "- exactly the sessions past capacity refused (capacity: --capacity, else the nodes' "
                + "steno_sessions_max minus their live sessions at the start);",
            "- every admitted session got transcript states and ready_to_stop;",
            "- transcript lag p95 <= --max-lag (how far the end of the transcript the node sends trails real time);",
            "- per node: the largest sampled steno_lag_seconds_max (age of the oldest unprocessed audio) <= "
                + "--max-node-lag; heap-after-GC and RSS slopes (least squares over the samples from ramp + --warmup to the "
                + "end) <= --max-heap-slope and --max-rss-slope; threads and open fds back within --thread-slack "
                + "and --fd-slack of the start once the sessions closed (waiting at most --settle).",
            "Exit code 0 when no check failed, 1 when one did, 2 for bad flags."})
final class LoadBenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL", required = true,
            description = "Base address of a node or of the proxy in front of the nodes, e.g. http://127.0.0.1:8080 "
                    + "(https for TLS); sessions open on its /asr.")
    String url;

    @Option(names = "--sessions", paramLabel = "N", defaultValue = "4",
            description = "Concurrent sessions to open (default: ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--ramp", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "Time over which the sessions open, evenly spaced (default: ${DEFAULT-VALUE}).")
    Duration ramp;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
            description = "Length of the run from the first session's start; every session streams until it is "
                    + "over (e.g. 90s, 30m; default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--audio", paramLabel = "WAV", defaultValue = "${env:STENO_SHARED:-../shared}/audio/jfk.wav",
            description = "Recording every session streams, looped (default: ${DEFAULT-VALUE}).")
    Path audio;

    @Option(names = "--language", paramLabel = "LANG", defaultValue = "en",
            description = "The sessions' ?language= (default: ${DEFAULT-VALUE}).")
    String language;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:STENO_API_TOKEN}",
            description = "API token of the nodes, sent as 'Authorization: Bearer' on /asr and /metrics; default "
                    + "from $STENO_API_TOKEN.")
    String token;

    @Option(names = "--metrics", paramLabel = "URL", split = ",",
            description = "Base addresses of the nodes whose /metrics to sample, comma-separated or repeated "
                    + "(default: --url; behind a proxy name each node, as the proxy sends /metrics to any one).")
    List<String> metrics;

    @Option(names = "--capacity", paramLabel = "N",
            description = "Sessions the nodes should admit (default: the sum of the nodes' steno_sessions_max "
                    + "less their live sessions at the start).")
    Integer capacity;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write every figure, check and sampled "
            + "series as JSON.")
    Path json;

    @Option(names = "--sample-every", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "How often to sample the nodes' metrics and the sessions' lag (default: ${DEFAULT-VALUE}).")
    Duration sampleEvery;

    @Option(names = "--progress", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "How often to print a progress line (default: ${DEFAULT-VALUE}).")
    Duration progressEvery;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
            description = "Time after the ramp left out of the memory slopes (JIT, pools and the sessions' buffers "
                    + "filling; default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--settle", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "After the sessions closed, how long to wait for threads and fds to come back "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration settle;

    @Option(names = "--max-lag", paramLabel = "SECONDS", defaultValue = "10",
            description = "Bound on the 95th percentile of the admitted sessions' transcript lag "
                    + "(default: ${DEFAULT-VALUE}).")
    double maxLag;

    @Option(names = "--max-node-lag", paramLabel = "SECONDS", defaultValue = "10",
            description = "Bound on each node's largest sampled age of unprocessed audio, steno_lag_seconds_max "
                    + "(default: ${DEFAULT-VALUE}).")
    double maxNodeLag;

    @Option(names = "--max-heap-slope", paramLabel = "MB_PER_HOUR", defaultValue = "128",
            description = "Bound on each node's heap-after-GC growth (default: ${DEFAULT-VALUE}).")
    double maxHeapSlope;

    @Option(names = "--max-rss-slope", paramLabel = "MB_PER_HOUR", defaultValue = "128",
            description = "Bound on each node's resident memory growth (default: ${DEFAULT-VALUE}).")
    double maxRssSlope;

    @Option(names = "--thread-slack", paramLabel = "N", defaultValue = "4",
            description = "Threads above the start's count still taken as back (default: ${DEFAULT-VALUE}).")
    int threadSlack;

    @Option(names = "--fd-slack", paramLabel = "N", defaultValue = "4",
            description = "Open file descriptors above the start's count still taken as back "
                    + "(default: ${DEFAULT-VALUE}).")
    int fdSlack;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        URI base = baseAddress(cl, "--url", url);
        List<URI> nodes = metrics == null || metrics.isEmpty() ? List.of(base)
                : metrics.stream().map(m -> baseAddress(cl, "--metrics", m.strip())).toList();
        validate(cl);
        BenchAudio.Loop loop = BenchAudio.loop(audio);
        URI asr = URI.create(base.resolve("asr").toString().replaceFirst("^http", "ws") + "?language="
                + URLEncoder.encode(language, StandardCharsets.UTF_8));
        LoadReport.Thresholds thresholds = new LoadReport.Thresholds(maxLag, maxNodeLag, maxHeapSlope, maxRssSlope, threadSlack,
                fdSlack);
        PrintWriter out = cl.getOut();
        out.printf(Locale.ROOT, "steno bench load: %d session(s) opened over %.0f s, %.0f s in all, on %s; %s "
                        + "(%.1f s) looped; sampling %s%n", sessions, DurationConverter.seconds(ramp),
                DurationConverter.seconds(duration), asr, audio.getFileName(), loop.seconds(),
                String.join(", ", nodes.stream().map(URI::toString).toList()));
        out.flush();
        LoadRun.Result result;
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(LoadSession.ANSWER_TIMEOUT).executor(Executors.newVirtualThreadPerTaskExecutor())
                .build()) {
            LoadRun.Plan plan = new LoadRun.Plan(asr, token, nodes, sessions, ramp, duration, capacity, sampleEvery,
                    progressEvery, settle, threadSlack, fdSlack);
            result = new LoadRun(plan, loop, http, out).run();
        }
        LoadReport report = LoadReport.of(new LoadReport.Settings(base.toString(), sessions,
                DurationConverter.seconds(ramp), DurationConverter.seconds(duration), DurationConverter.seconds(warmup),
                audio.toString(), thresholds), result);
        LoadSummary.print(out, report);
        if (json != null) {
            JSON.writeValue(json.toFile(), report);
            out.println("figures written to " + json);
        }
        out.flush();
        return report.passed() ? 0 : 1;
    }

    private void validate(CommandLine cl) {
        if (sessions < 1) {
            throw new CommandLine.ParameterException(cl, "--sessions must be at least 1, not " + sessions);
        }
        if (duration.isZero() || ramp.compareTo(duration) >= 0) {
            throw new CommandLine.ParameterException(cl, "--duration (" + DurationConverter.seconds(duration)
                    + " s) must be longer than --ramp (" + DurationConverter.seconds(ramp) + " s)");
        }
        if (sampleEvery.compareTo(Duration.ofMillis(100)) < 0 || progressEvery.isZero()) {
            throw new CommandLine.ParameterException(cl, "--sample-every must be at least 100ms and --progress "
                    + "more than 0");
        }
        if (!(maxLag > 0) || !(maxNodeLag > 0) || !(maxHeapSlope >= 0) || !(maxRssSlope >= 0) || threadSlack < 0 || fdSlack < 0
                || (capacity != null && capacity < 0)) {
            throw new CommandLine.ParameterException(cl, "--max-lag and --max-node-lag must be above 0; --max-heap-slope, "
                    + "--max-rss-slope, --thread-slack, --fd-slack and --capacity must not be negative");
        }
        if (!Files.isReadable(audio)) {
            throw new CommandLine.ParameterException(cl, "--audio " + audio + ": no such readable file (a WAV "
                    + "recording; the default is jfk.wav in the shared fixtures, $STENO_SHARED or ../shared)");
        }
    }

    /** An http(s) address with a host, its path ending in '/' so that "asr" and "metrics" resolve beneath it. */
    private static URI baseAddress(CommandLine cl, String flag, String value) {
        try {
            URI u = new URI(value);
            if (u.getScheme() == null || !List.of("http", "https").contains(u.getScheme().toLowerCase(Locale.ROOT))
                    || u.getHost() == null || u.getQuery() != null) {
                throw new URISyntaxException(value, "use http:// or https://, a host and no query");
            }
            String path = u.getPath() == null || u.getPath().isEmpty() ? "/" : u.getPath();
            return new URI(u.getScheme(), u.getUserInfo(), u.getHost(), u.getPort(),
                    path.endsWith("/") ? path : path + "/", null, null);
        } catch (URISyntaxException e) {
            throw new CommandLine.ParameterException(cl, flag + " '" + value + "' is not a node's base address ("
                    + e.getReason() + "), e.g. http://127.0.0.1:8000");
        }
    }
}
