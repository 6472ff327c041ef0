package dev.steno.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.policy.alignatt.SpeechEmulation;
import dev.steno.engine.session.InferenceScheduler;
import dev.steno.engine.session.WorkerPlan;
import dev.steno.engine.stream.StreamingPolicies;
import dev.steno.engine.whisper.DecoderBatcher;
import dev.steno.server.ServerConfig;
import dev.steno.server.StenoServer;
import dev.steno.server.TranscriptionService;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code steno bench}: measured figures, not tests. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks that print figures.",
        subcommands = {BenchCommand.Sessions.class, BenchCaptionsCommand.class, BenchBackendsCommand.class,
                IngestBenchCommand.class, BenchDiarizationCommand.class, LoadBenchCommand.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Concurrent real-time /asr sessions against an in-process server. */
    @Command(name = "sessions", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Start the server in-process, stream AUDIO in real time over N WebSocket sessions at once "
                    + "(PCM, 100 ms frames) and report, for each N: the largest lag of unprocessed audio, the time "
                    + "from the last audio frame to ready_to_stop, the process's resident memory, the real-time "
                    + "factor of inference and the words committed per session and audio second."})
    static final class Sessions implements Callable<Integer> {
        private static final ObjectMapper JSON = new ObjectMapper();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        EngineOptions engine;

        @Option(names = "--audio", paramLabel = "WAV", required = true, description = "Recording each session streams.")
        Path audio;

        @Option(names = "--sessions", paramLabel = "N,N,...", split = ",", defaultValue = "1,2,4,6",
                description = "Session counts to try (default: ${DEFAULT-VALUE}).")
        List<Integer> counts;

        @Option(names = "--seconds", paramLabel = "S", defaultValue = "30",
                description = "Audio per session, the recording looped (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Option(names = "--workers", paramLabel = "N", defaultValue = "0", description = "Inference workers; 0 = auto.")
        int workers;

        @Option(names = "--emulate-speech", paramLabel = "RATE", arity = "0..1", fallbackValue = "" + SpeechEmulation.DEFAULT_TOKENS_PER_SECOND,
                description = "SimulStreaming only: run all of the model's compute but decode a scripted transcript "
                        + "of RATE tokens per second (default ${FALLBACK-VALUE}) whose attention moves along the "
                        + "audio, so that a random-weight model costs what real speech would (without it, random "
                        + "weights stop steps early and the figures flatter).")
        Double emulateSpeech;

        @Override
        public Integer call() throws Exception {
            engine.validate(spec.commandLine());
            if (emulateSpeech != null && !(emulateSpeech > 0 && emulateSpeech <= 50)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--emulate-speech RATE must be in (0, 50] tokens per second");
            }
            PrintWriter out = spec.commandLine().getOut();
            byte[] pcm = BenchAudio.pcm(audio, seconds);
            Path modelFile = engine.modelFile();
            WorkerPlan plan = engine.plan(workers);
            int workerCount = plan.workers();
            out.printf(Locale.ROOT, "model %s, %d worker(s) x %d thread(s), %.0f s of audio per session, min chunk %.2f s%n",
                    modelFile.getFileName(), workerCount, plan.threadsPerCall(), seconds, engine.minChunkSize);
            out.println(emulateSpeech == null
                    ? "decoding: the model's own output (random weights stop steps early; --emulate-speech for the cost of speech)"
                    : String.format(Locale.ROOT, "decoding: emulated speech, %.2f tokens/s scripted, attention along "
                            + "the audio", emulateSpeech));
            out.println("sessions  max-lag-s  p95-lag-s  last-frame-to-ready-s(max)  rss-MB  inference-RTF  dropped-s"
                    + "  words/s  batch-rows");
            UnaryOperator<StreamingPolicies> decoding = emulateSpeech == null ? UnaryOperator.identity()
                    : p -> emulated(p, emulateSpeech);
            for (int n : counts) {
                try (TranscriptionService service = engine.service(spec.commandLine(), modelFile, workerCount,
                        Math.max(n, 1), 60, null, decoding);
                     StenoServer server = new StenoServer(ServerConfig.defaults().withPort(0).withPcmInput(true),
                             service)) {
                    server.start();
                    service.warmUp(new float[16000]);
                    out.println(run(n, server.uri(), pcm, service.scheduler(), service.streams().policies()));
                    out.flush();
                }
            }
            return 0;
        }

        private StreamingPolicies emulated(StreamingPolicies policies, double tokensPerSecond) {
            try {
                return policies.emulatingSpeech(tokensPerSecond);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--emulate-speech: " + e.getMessage());
            }
        }

        private String run(int n, URI base, byte[] pcm, InferenceScheduler scheduler, StreamingPolicies policies)
                throws Exception {
            DecoderBatcher.Counts before = policies.decoderBatches().orElse(new DecoderBatcher.Counts(0, 0));
            URI ws = URI.create(base.toString().replaceFirst("^http", "ws") + "asr?language=en");
            HttpClient http = HttpClient.newHttpClient();
            ExecutorService pool = Executors.newFixedThreadPool(n + 1);
            List<Double> lagSamples = new ArrayList<>();
            long[] maxRss = {0};
            CompletableFuture<Void> done = new CompletableFuture<>();
            Future<?> sampler = pool.submit(() -> {
                while (!done.isDone()) {
                    synchronized (lagSamples) {
                        lagSamples.add(scheduler.maxLagSeconds());
                    }
                    maxRss[0] = Math.max(maxRss[0], BenchBackendsCommand.rssKb());
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            List<Future<Streamed>> clients = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                clients.add(pool.submit(() -> stream(http, ws, pcm)));
            }
            double worstTail = 0;
            long words = 0;
            for (Future<Streamed> c : clients) {
                Streamed s = c.get(30, TimeUnit.MINUTES);
                worstTail = Math.max(worstTail, s.lastFrameToReady());
                words += s.words();
            }
            done.complete(null);
            sampler.get();
            pool.shutdownNow();
            List<Double> sorted = new ArrayList<>(lagSamples);
            sorted.sort(null);
            double max = sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1);
            double p95 = sorted.isEmpty() ? 0 : sorted.get((int) Math.floor(0.95 * (sorted.size() - 1)));
            var stats = scheduler.stats();
            double audioSeconds = pcm.length / 2 / 16000.0;
            DecoderBatcher.Counts after = policies.decoderBatches().orElse(before);
            double batchRows = new DecoderBatcher.Counts(after.batches() - before.batches(),
                    after.rows() - before.rows()).meanRows();
            return String.format(Locale.ROOT, "%8d  %9.2f  %9.2f  %26.2f  %6.0f  %13.3f  %9.2f  %7.2f  %10.2f", n, max,
                    p95, worstTail, maxRss[0] / 1024.0, stats.realTimeFactor(), stats.droppedAudioSeconds(),
                    words / (n * audioSeconds), batchRows);
        }

        /**
         * What one session saw.
         *
         * @param lastFrameToReady seconds from the end marker to ready_to_stop
         * @param words            words of the committed lines in the last transcript before ready_to_stop
         */
        private record Streamed(double lastFrameToReady, int words) {
        }

        /** Streams in real time. */
        private static Streamed stream(HttpClient http, URI uri, byte[] pcm) throws Exception {
            CompletableFuture<Long> ready = new CompletableFuture<>();
            String[] lastState = {null};
            WebSocket ws = http.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
                final StringBuilder text = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                        if (text.indexOf("\"ready_to_stop\"") >= 0) {
                            ready.complete(System.nanoTime());
                        } else if (text.indexOf("\"lines\"") >= 0) {
                            lastState[0] = text.toString();
                        }
                        text.setLength(0);
                    }
                    w.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                    ready.completeExceptionally(new IllegalStateException("closed " + code + " " + reason));
                    return null;
                }
            }).get(10, TimeUnit.SECONDS);
            int frame = BenchAudio.FRAME_BYTES;
            long start = System.nanoTime();
            for (int off = 0, k = 0; off < pcm.length; off += frame, k++) {
                long due = start + k * 100_000_000L;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                ws.sendBinary(ByteBuffer.wrap(pcm, off, Math.min(frame, pcm.length - off)), true).get();
            }
            long end = System.nanoTime();
            ws.sendBinary(ByteBuffer.allocate(0), true).get();
            long readyAt = ready.get(10, TimeUnit.MINUTES);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
            // the listener's messages come one at a time, and ready_to_stop after the last state
            return new Streamed((readyAt - end) / 1e9, committedWords(lastState[0]));
        }

        /** Words of the committed lines of a full-mode state message (silence lines have none). */
        private static int committedWords(String state) throws IOException {
            if (state == null) {
                return 0;
            }
            int words = 0;
            for (JsonNode line : JSON.readTree(state).path("lines")) {
                String text = line.path("text").asText("").strip();
                words += text.isEmpty() ? 0 : text.split("\\s+").length;
            }
            return words;
        }
    }
}
