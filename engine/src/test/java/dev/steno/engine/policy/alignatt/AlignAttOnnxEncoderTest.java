package dev.steno.engine.policy.alignatt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.steno.engine.asr.JavaWhisperRecognizer;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.stream.StreamBuilder;
import dev.steno.engine.stream.StreamSimulator;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.transcript.Word;
import dev.steno.engine.whisper.EncoderDevice;
import dev.steno.engine.whisper.EncoderOptions;
import dev.steno.engine.whisper.EncoderPrecision;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SimulStreaming over the f32 ONNX encoder commits the very words, with the very times, that it commits over the
 * Java encoder: the graph's encoder output and its ready-made cross-attention keys and values steer AlignAtt's
 * attention-based stop rule as the Java ones do. (AlignAtt's loop guard lets a random model commit a word or two per
 * recording; {@code OnnxEncoderRecognizerTest} compares hundreds of greedy tokens.)
 */
class AlignAttOnnxEncoderTest {
    @TempDir
    static Path dir;

    private static List<Word> stream(Path model, EncoderOptions encoder, float[] audio, int beams) throws Exception {
        JavaWhisperRecognizer.JavaWhisperConfig config = new JavaWhisperRecognizer.JavaWhisperConfig(true, true)
                .withEncoder(encoder);
        try (JavaWhisperRecognizer recognizer = JavaWhisperRecognizer.load(model, config, 2, 1)) {
            AlignAttConfig policy = AlignAttConfig.builder().language("en").audioMaxLenSeconds(30).beams(beams)
                    .build();
            StreamSimulator.Result result = new StreamSimulator(1.0, false, System::nanoTime).run(audio,
                    StreamBuilder.withPolicy(new AlignAttPolicy(new JavaWhisperAlignAttModel(recognizer), policy)),
                    u -> { });
            return result.committed();
        }
    }

    @ParameterizedTest(name = "{0} on {1}, {2} beam(s)")
    @CsvSource({"MICRO, audio/jfk.wav, 1", "MICRO, audio/synthetic/dialogue-a.wav, 1", "MICRO, audio/jfk.wav, 3",
        "TINY, audio/synthetic/dialogue-a.wav, 1"})
    void f32OnnxEncoderCommitsTheJavaEncodersWords(String size, String fixture, int beams) throws Exception {
        // not named after an OpenAI model: the micro model's one decoder layer serves as its alignment heads
        Path model = dir.resolve("random-" + size + ".bin");
        if (!model.toFile().exists()) {
            RandomGgmlWhisper.write(model, size.equals("TINY") ? RandomGgmlWhisper.Config.TINY
                    : RandomGgmlWhisper.Config.MICRO, 6);
        }
        float[] audio = WavReader.read(SharedFixtures.file(fixture)).resampledTo(16000).samples();
        List<Word> java = stream(model, EncoderOptions.JAVA, audio, beams);
        List<Word> onnx = stream(model, new EncoderOptions(EncoderPrecision.F32, EncoderDevice.CPU,
                dir.resolve("cache")), audio, beams);
        assertFalse(java.isEmpty(), "a random model still commits something");
        assertEquals(java.size(), onnx.size(), () -> "java " + java + "\nonnx " + onnx);
        for (int i = 0; i < java.size(); i++) {
            Word a = java.get(i);
            Word b = onnx.get(i);
            // the same token, at the same frames; its probability to float rounding
            assertEquals(a.text(), b.text(), "word " + i);
            assertEquals(a.start(), b.start(), 1e-9, "word " + i);
            assertEquals(a.end(), b.end(), 1e-9, "word " + i);
            assertEquals(a.probability(), b.probability(), 1e-4 * Math.max(1e-6, a.probability()), "word " + i);
        }
        System.out.println(size + " " + fixture + " " + beams + " beams: " + java.size() + " words committed alike");
    }
}
