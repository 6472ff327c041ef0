package dev.steno.engine.vad;

import dev.steno.engine.audio.PcmAudio;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.testing.SharedFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Shared models, audio and reference segments for the VAD tests; models are loaded once per JVM. */
final class VadFixtures {
    private static final Map<String, SileroVadModel> MODELS = new ConcurrentHashMap<>();

    private VadFixtures() {
    }

    /** The v5 or v6 fixture model ("v5", "v6"), loaded once and kept for the whole test run. */
    static SileroVadModel model(String version) {
        return MODELS.computeIfAbsent(version, v -> {
            try {
                return SileroVadModel.load(SharedFixtures.file("models/silero/silero_vad_" + v + ".onnx"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** A fixture WAV converted to the given rate. */
    static PcmAudio audio(String relative, int rate) {
        try {
            PcmAudio a = WavReader.read(SharedFixtures.file(relative));
            return a.sampleRate() == rate ? a : a.resampledTo(rate);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A speech interval in seconds. */
    record Span(double start, double end) {
    }

    /** The union of every speaker's turns for one file id of an RTTM file, sorted and merged. */
    static List<Span> rttmSpeech(String relative, String fileId) {
        List<Span> spans = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(SharedFixtures.file(relative))) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 5 && f[0].equals("SPEAKER") && f[1].equals(fileId)) {
                    double s = Double.parseDouble(f[3]);
                    spans.add(new Span(s, s + Double.parseDouble(f[4])));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        spans.sort((a, b) -> Double.compare(a.start(), b.start()));
        List<Span> merged = new ArrayList<>();
        for (Span s : spans) {
            if (!merged.isEmpty() && s.start() <= merged.getLast().end()) {
                Span last = merged.removeLast();
                merged.add(new Span(last.start(), Math.max(last.end(), s.end())));
            } else {
                merged.add(s);
            }
        }
        return merged;
    }

    /** The scored region of a file id from a UEM file (one line per file: id channel start end). */
    static Span uem(String relative, String fileId) {
        try {
            for (String line : Files.readAllLines(SharedFixtures.file(relative))) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4 && f[0].equals(fileId)) {
                    return new Span(Double.parseDouble(f[2]), Double.parseDouble(f[3]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no UEM line for " + fileId);
    }

    /** Speech segments from alternating start/end events. */
    static List<Span> segments(List<VadEvent> events) {
        List<Span> out = new ArrayList<>();
        for (int i = 0; i + 1 < events.size(); i += 2) {
            VadEvent s = events.get(i);
            VadEvent e = events.get(i + 1);
            if (!s.isStart() || e.isStart()) {
                throw new AssertionError("events do not alternate: " + events);
            }
            out.add(new Span(s.seconds(), e.seconds()));
        }
        if (events.size() % 2 != 0) {
            throw new AssertionError("unterminated speech segment: " + events);
        }
        return out;
    }

    /** Frame-level comparison over a region, with 10 ms frames judged at their centres. */
    record Agreement(int frames, int agree, int miss, int falseAlarm) {
        double accuracy() {
            return (double) agree / frames;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "agreement %.1f%% over %d frames (missed speech %.1f%%, false alarm"
                    + " %.1f%%)", 100.0 * accuracy(), frames, 100.0 * miss / frames, 100.0 * falseAlarm / frames);
        }
    }

    static Agreement agreement(List<Span> ref, List<Span> hyp, Span region) {
        int frames = 0;
        int agree = 0;
        int miss = 0;
        int fa = 0;
        for (long i = Math.round(region.start() * 100); (i + 1) / 100.0 <= region.end() + 1e-9; i++) {
            double t = (i + 0.5) / 100.0;
            boolean r = inside(ref, t);
            boolean h = inside(hyp, t);
            frames++;
            if (r == h) {
                agree++;
            } else if (r) {
                miss++;
            } else {
                fa++;
            }
        }
        return new Agreement(frames, agree, miss, fa);
    }

    private static boolean inside(List<Span> spans, double t) {
        for (Span s : spans) {
            if (t >= s.start() && t < s.end()) {
                return true;
            }
        }
        return false;
    }

    /**
     * A minimal ONNX model with one Identity node from float input {@code x} [1] to output {@code y} [1], encoded
     * by hand (ModelProto, IR version 7, opset 13).
     */
    static byte[] identityOnnx() {
        byte[] dim = field(1, varint(1));                       // Dimension.dim_value = 1
        byte[] shape = field(1, dim);                           // TensorShapeProto.dim
        byte[] tensorType = concat(tag(1, 0), varint(1), field(2, shape)); // elem_type FLOAT, shape
        byte[] type = field(1, tensorType);                     // TypeProto.tensor_type
        byte[] node = concat(field(1, str("x")), field(2, str("y")), field(4, str("Identity")));
        byte[] graph = concat(field(1, node), field(2, str("g")),
                field(11, concat(field(1, str("x")), field(2, type))),
                field(12, concat(field(1, str("y")), field(2, type))));
        byte[] opset = concat(field(1, str("")), tag(2, 0), varint(13));
        return concat(tag(1, 0), varint(7), field(7, graph), field(8, opset));
    }

    private static byte[] str(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] tag(int field, int wire) {
        return varint((field << 3) | wire);
    }

    private static byte[] field(int field, byte[] body) {
        return concat(tag(field, 2), varint(body.length), body);
    }

    private static byte[] varint(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static Path write(Path dir, String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }
}
