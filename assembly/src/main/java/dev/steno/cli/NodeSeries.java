package dev.steno.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One node's {@code /metrics} over a load run: fetched on the run's clock and kept in order, with the fetches that
 * failed counted. Sampled from one thread; read once the run is over.
 */
final class NodeSeries {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** Resident memory of the node's process (VmRSS). */
    static final String RSS = "steno_process_resident_bytes";
    /** Heap that survived the node's latest garbage collection. */
    static final String HEAP_AFTER_GC = "steno_jvm_heap_after_gc_bytes";
    /** Heap in use, garbage included. */
    static final String HEAP_USED = "steno_jvm_heap_used_bytes";
    static final String THREADS = "steno_threads";
    static final String OPEN_FDS = "steno_open_fds";
    static final String ACTIVE = "steno_sessions_active";
    static final String MAX_SESSIONS = "steno_sessions_max";
    /** The largest age of unprocessed audio over the node's live sessions. */
    static final String LAG = "steno_lag_seconds_max";

    /**
     * The node's metrics at one time.
     *
     * @param seconds since the run began
     */
    record Sample(double seconds, Map<String, Double> values) {
        OptionalDouble value(String name) {
            Double v = values.get(name);
            return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
        }
    }

    private final URI node;
    private final HttpClient http;
    private final String token;
    private final List<Sample> samples = new ArrayList<>();
    private int errors;
    private String lastError = "";

    /**
     * @param node  the node's base address ({@code http://host:port})
     * @param token sent as {@code Authorization: Bearer}; null for none
     */
    NodeSeries(URI node, HttpClient http, String token) {
        this.node = node;
        this.http = http;
        this.token = token;
    }

    /** The node's base address. */
    URI node() {
        return node;
    }

    /**
     * Fetches the metrics now.
     *
     * @throws IOException the node did not answer 200, naming the status, or could not be reached
     */
    Sample fetch(double seconds) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(node.resolve("metrics")).timeout(TIMEOUT);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r;
        try {
            r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IOException("GET " + node.resolve("metrics") + " failed: " + e, e);
        }
        if (r.statusCode() != 200) {
            throw new IOException("GET " + node.resolve("metrics") + " answered " + r.statusCode()
                    + (r.statusCode() == 401 ? " (pass the node's API token with --token)" : ""));
        }
        return new Sample(seconds, PrometheusText.parse(r.body()));
    }

    /** Fetches the metrics and keeps them; a failure is counted, not thrown. Returns the sample, or null. */
    Sample sample(double seconds) throws InterruptedException {
        try {
            Sample s = fetch(seconds);
            samples.add(s);
            return s;
        } catch (IOException e) {
            errors++;
            lastError = String.valueOf(e.getMessage());
            return null;
        }
    }

    /** Samples kept, oldest first. */
    List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** Fetches that failed. */
    int errors() {
        return errors;
    }

    /** Why the latest failed fetch failed; empty when none did. */
    String lastError() {
        return lastError;
    }
}
