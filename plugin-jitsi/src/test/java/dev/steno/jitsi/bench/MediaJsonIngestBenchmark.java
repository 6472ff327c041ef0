package dev.steno.jitsi.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.audio.AudioFormatException;
import dev.steno.engine.audio.Concealment;
import dev.steno.engine.audio.OpusPacketDecoder;
import dev.steno.engine.audio.PcmAudio;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.vad.SileroVadModel;
import dev.steno.engine.vad.VadConfig;
import dev.steno.engine.vad.VoiceActivityController;
import dev.steno.jitsi.testing.Audio;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ingest cost of one participant on the videobridge path, without ASR: one operation takes one second of
 * "mediajson" events (50 JSON messages of 20 ms base64 Opus, made with Concentus from the shared dialogue speech)
 * through JSON parsing, base64, Opus decoding, 48 to 16 kHz resampling and, with {@code vad=true}, the Silero voice
 * activity controller. The score in ms/op is CPU milliseconds per second of audio for one stream, so one core
 * sustains about 1000 / score streams in real time. Not run by the test suite. Run it from the repository root with
 * <pre>
 * ./mvnw -q -pl plugin-jitsi test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Dsteno.shared=$PWD/../shared \
 *     -cp plugin-jitsi/target/test-classes:plugin-jitsi/target/classes:$(cat plugin-jitsi/target/cp.txt) \
 *     org.openjdk.jmh.Main MediaJsonIngestBenchmark -t 2
 * </pre>
 * ({@code -t 2} runs a stream per thread on both cores of the reference machine.)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"})
public class MediaJsonIngestBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Param({"false", "true"})
    public boolean vad;

    private List<String> events;
    private int next;
    private long timestamp;
    private OpusPacketDecoder decoder;
    private SileroVadModel model;
    private VoiceActivityController controller;
    private long samples;
    private long parsed;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        PcmAudio speech = WavReader.read(SharedFixtures.file("audio/synthetic/dialogue-a.wav")).resampledTo(48_000);
        List<byte[]> packets = Audio.opus(speech.samples());
        events = new ArrayList<>(packets.size());
        for (int i = 0; i < packets.size(); i++) {
            events.add("{\"event\":\"media\",\"sequenceNumber\":\"" + (i + 2) + "\",\"media\":{\"tag\":\"aaaaaaaa-1\","
                    + "\"chunk\":\"" + (i & 0xFFFF) + "\",\"timestamp\":\"" + 960L * i + "\",\"payload\":\""
                    + Base64.getEncoder().encodeToString(packets.get(i)) + "\",\"audioLevel\":38,\"vad\":true}}");
        }
        if (vad) {
            model = SileroVadModel.load(SharedFixtures.file("models/silero/silero_vad_v6.onnx"));
            controller = new VoiceActivityController(model, 16_000, VadConfig.DEFAULT);
        }
        decoder = new OpusPacketDecoder(Concealment.MILLISECOND_TIMESTAMPS, 0, 0, (s, off, len) -> {
            samples += len;
            if (controller != null) {
                controller.accept(s, off, len);
            }
        });
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (controller != null) {
            controller.close();
            model.close();
        }
    }

    /** One second of one participant's events. */
    @Benchmark
    public long oneSecond() throws IOException, AudioFormatException {
        for (int i = 0; i < 50; i++) {
            if (next == events.size()) {
                next = 0; // loop the recording; its timestamps keep counting so nothing is taken for a reset
            }
            JsonNode media = JSON.readTree(events.get(next++)).path("media");
            byte[] packet = Base64.getDecoder().decode(media.path("payload").asText());
            // parsed as the connection does; the looped recording is decoded on a clock that keeps counting
            parsed += Long.parseLong(media.path("timestamp").asText());
            decoder.decode(packet, 0, packet.length, timestamp / 48);
            timestamp += 960;
        }
        return samples + parsed;
    }
}
