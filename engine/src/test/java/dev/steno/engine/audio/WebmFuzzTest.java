package dev.steno.engine.audio;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.steno.engine.testing.SharedFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Seeded random damage to the two browser fixtures, pushed in random chunks: the decoders may only end normally or
 * throw {@link AudioFormatException}, must never hang, and the audio they make of damage stays bounded. Failures print
 * the seed to replay.
 */
class WebmFuzzTest {
    private static final int CASES = 2000;
    /** A watchdog for a hang, not a speed limit: a case takes milliseconds, the slowest of 2000 well under 1 s. */
    private static final Duration HANG = Duration.ofSeconds(60);

    static byte[] mutate(byte[] original, Random r) {
        byte[] data = original;
        int mutations = 1 + r.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            int kind = r.nextInt(10);
            int at = r.nextInt(data.length + 1);
            if (kind < 4) {
                // Bit flips, clustered near one spot so that they hit the same header or packet.
                data = data.clone();
                int flips = 1 + r.nextInt(8);
                for (int f = 0; f < flips && data.length > 0; f++) {
                    int i = Math.min(data.length - 1, Math.max(0, at + r.nextInt(33) - 16));
                    data[i] ^= (byte) (1 << r.nextInt(8));
                }
            } else if (kind < 6) {
                byte[] inserted = new byte[1 + r.nextInt(r.nextBoolean() ? 4 : 64)];
                r.nextBytes(inserted);
                if (r.nextInt(4) == 0) {
                    // All-ones runs turn sizes into 'unknown'; 0x01 0xFF.. is an 8-byte unknown size.
                    java.util.Arrays.fill(inserted, (byte) 0xFF);
                    inserted[0] = 0x01;
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(data, 0, at);
                out.writeBytes(inserted);
                out.write(data, at, data.length - at);
                data = out.toByteArray();
            } else if (kind < 8) {
                int n = Math.min(data.length - at, 1 + r.nextInt(r.nextBoolean() ? 4 : 200));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(data, 0, at);
                out.write(data, at + n, data.length - at - n);
                data = out.toByteArray();
            } else if (kind == 8) {
                data = java.util.Arrays.copyOf(data, at);
            } else {
                // Overwrite a few bytes with random values (sizes, IDs, timecodes, packet bytes).
                data = data.clone();
                for (int i = at; i < Math.min(data.length, at + 1 + r.nextInt(8)); i++) {
                    data[i] = (byte) r.nextInt(256);
                }
            }
        }
        return data;
    }

    @Test
    void damagedStreamsFailCleanlyAndNeverHang() throws IOException {
        byte[][] fixtures = {
            Files.readAllBytes(SharedFixtures.file("audio/browser/ffmpeg-jfk.webm")),
            Files.readAllBytes(SharedFixtures.file("audio/browser/mediarecorder-jfk-3s.webm")),
        };
        Map<String, Integer> outcomes = new TreeMap<>();
        long slowest = 0;
        int slowestSeed = -1;
        long maxSamples = 0;
        long start = System.nanoTime();
        long[] delivered = new long[1];
        AudioSink sink = (s, off, len) -> {
            for (int i = off; i < off + len; i++) {
                if (!(s[i] >= -1f && s[i] <= 1f)) {
                    throw new AssertionError("sample out of range: " + s[i]);
                }
            }
            delivered[0] += len;
        };
        for (int seed = 0; seed < CASES; seed++) {
            Random r = new Random(seed);
            byte[] input = mutate(fixtures[seed % 2], r);
            StreamingAudioDecoder decoder = seed % 4 < 2 ? new WebmOpusDecoder(sink) : new AutoDetectingDecoder(sink);
            delivered[0] = 0;
            long t0 = System.nanoTime();
            int chunk = 1 + r.nextInt(5000);
            int caseSeed = seed;
            String outcome = assertTimeoutPreemptively(HANG, () -> {
                try {
                    DecodedAudio.push(decoder, input, r, chunk);
                    return "ended normally";
                } catch (AudioFormatException e) {
                    return category(e.getMessage());
                } catch (Throwable t) {
                    t.printStackTrace();
                    return fail("seed " + caseSeed + " (" + input.length + " bytes): " + t, t);
                }
            }, () -> "seed " + caseSeed + " (" + input.length + " bytes) hangs");
            long took = System.nanoTime() - t0;
            if (took > slowest) {
                slowest = took;
                slowestSeed = seed;
            }
            maxSamples = Math.max(maxSamples, delivered[0]);
            outcomes.merge(outcome, 1, Integer::sum);
        }
        double total = (System.nanoTime() - start) / 1e9;
        System.out.printf("fuzz: %d cases in %.1f s, slowest %.1f ms (seed %d), most audio from one case %.1f s%n",
                CASES, total, slowest / 1e6, slowestSeed, maxSamples / 16000.0);
        outcomes.forEach((k, v) -> System.out.printf("  %5d  %s%n", v, k));
        // Gaps are filled for at most 10 s each, so damage cannot make the audio balloon.
        assertTrue(maxSamples < 16000L * 60, "a case produced " + maxSamples / 16000.0 + " s");
    }

    /** The message with numbers and quoted values blanked, so that the summary groups alike failures. */
    private static String category(String message) {
        String s = message.replaceAll("'[^']*'", "'…'").replaceAll("0x[0-9A-F]+", "0x…")
                .replaceAll("found( [0-9A-F]{2})+", "found …").replaceAll("\\b-?\\d+\\b", "#");
        return s.length() > 110 ? s.substring(0, 110) + "…" : s;
    }
}
