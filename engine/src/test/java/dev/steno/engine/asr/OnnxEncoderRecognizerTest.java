package dev.steno.engine.asr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.audio.WavReader;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.whisper.DecoderState;
import dev.steno.engine.whisper.EncoderDevice;
import dev.steno.engine.whisper.EncoderOptions;
import dev.steno.engine.whisper.EncoderPrecision;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole Java recogniser with its encoder on onnxruntime: f32 decodes the same greedy text as the Java encoder on
 * random tiny and base models over jfk and both LibriSpeech files; int8's decoder agrees with the Java f32 decoder's
 * top-1 token at most steps when both are fed the same (f32 greedy) tokens.
 */
class OnnxEncoderRecognizerTest {
    private static final String[] AUDIO = {"audio/jfk.wav", "audio/librispeech/6930-75918-0000.wav",
        "audio/librispeech/7902-96591-0000.wav"};

    @TempDir
    static Path dir;

    private static Path model(String size) throws Exception {
        RandomGgmlWhisper.Config cfg = size.equals("TINY") ? RandomGgmlWhisper.Config.TINY
                : RandomGgmlWhisper.Config.BASE;
        Path model = dir.resolve(size + ".bin");
        return model.toFile().exists() ? model : RandomGgmlWhisper.write(model, cfg, 21);
    }

    private static JavaWhisperRecognizer load(Path model, EncoderPrecision precision) throws Exception {
        EncoderOptions encoder = precision == null ? EncoderOptions.JAVA
                : new EncoderOptions(precision, EncoderDevice.CPU, dir.resolve("cache"));
        return JavaWhisperRecognizer.load(model, new JavaWhisperRecognizer.JavaWhisperConfig(true, true)
                .withEncoder(encoder), 2, 1);
    }

    private static float[] audio(String file) throws Exception {
        return WavReader.read(SharedFixtures.file(file)).resampledTo(16000).samples();
    }

    private static String text(Recognition r) {
        return String.join("", r.segments().stream().map(Segment::text).toList()).strip();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TINY", "BASE"})
    void f32OnnxEncoderGivesTheJavaEncodersText(String size) throws Exception {
        Path model = model(size);
        try (JavaWhisperRecognizer java = load(model, null);
             JavaWhisperRecognizer onnx = load(model, EncoderPrecision.F32)) {
            assertEquals("onnx", onnx.encoderName());
            for (String file : AUDIO) {
                float[] audio = audio(file);
                String want = text(java.transcribe(RecognitionRequest.of(audio, "en")));
                String got = text(onnx.transcribe(RecognitionRequest.of(audio, "en")));
                assertFalse(want.isEmpty(), "the random model decodes some text");
                assertEquals(want, got, size + " " + file);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TINY", "BASE"})
    void int8DecoderAgreesWithJavaF32OnMostTokens(String size) throws Exception {
        Path model = model(size);
        int steps = 0;
        int agree = 0;
        try (JavaWhisperRecognizer java = load(model, null);
             JavaWhisperRecognizer int8 = load(model, EncoderPrecision.INT8)) {
            for (String file : AUDIO) {
                float[] audio = audio(file);
                RecognitionRequest request = RecognitionRequest.of(audio, "en");
                int[] tokens = java.transcribeReported(request).decoding().sequence().tokens();
                int[] prompt = java.prompt(request, "en", false);
                DecoderState a = java.stateFor(audio);
                DecoderState b = int8.stateFor(audio);
                float[] la = a.prefill(prompt);
                float[] lb = b.prefill(prompt);
                // teacher forcing: both decoders read the f32 greedy tokens, each step's argmax is compared
                for (int i = 0; ; i++) {
                    steps++;
                    agree += argmax(la) == argmax(lb) ? 1 : 0;
                    if (i == tokens.length || a.position() + 1 >= java.contextSize()) {
                        break;
                    }
                    la = a.step(tokens[i]);
                    lb = b.step(tokens[i]);
                }
            }
        }
        double share = agree / (double) steps;
        System.out.printf(Locale.ROOT, "%s int8 encoder: decoder top-1 agreement with java f32 %d/%d = %.3f%n",
                size, agree, steps, share);
        assertTrue(steps > 100, "too few steps to judge: " + steps);
        assertTrue(share >= 0.9, "int8 top-1 agreement " + share);
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
