package dev.steno.engine.whisper;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The shapes {@link OnnxEncoderGraph} accepts, and the messages for those it cannot express. */
class OnnxEncoderGraphTest {
    /** OpenAI's shapes with the widths, heads and layers given for both sides. */
    private static WhisperHyperParams shape(int audioCtx, int audioState, int audioHead, int textState, int textHead,
                                            int textLayer, int mels) {
        return new WhisperHyperParams(51865, audioCtx, audioState, audioHead, 4, 448, textState, textHead, textLayer,
                mels, 1);
    }

    private static String refusal(WhisperHyperParams hp) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxEncoderGraph.requireBuildable(hp));
        assertTrue(e.getMessage().startsWith("cannot build the ONNX encoder graph: "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void everyOpenAiShapeIsBuildable() {
        assertDoesNotThrow(() -> OnnxEncoderGraph.requireBuildable(shape(1500, 384, 6, 384, 6, 4, 80)));
        assertDoesNotThrow(() -> OnnxEncoderGraph.requireBuildable(shape(1500, 512, 8, 512, 8, 6, 80)));
        assertDoesNotThrow(() -> OnnxEncoderGraph.requireBuildable(shape(1500, 768, 12, 768, 12, 12, 80)));
        assertDoesNotThrow(() -> OnnxEncoderGraph.requireBuildable(shape(1500, 1024, 16, 1024, 16, 24, 80)));
        // large-v3 (32 decoder layers: the largest cross-attention product, 2 x 32 x 1280^2 values) and turbo
        assertDoesNotThrow(() -> OnnxEncoderGraph.requireBuildable(shape(1500, 1280, 20, 1280, 20, 32, 128)));
        assertDoesNotThrow(() -> OnnxEncoderGraph.requireBuildable(shape(1500, 1280, 20, 1280, 20, 4, 128)));
    }

    @Test
    void aDecoderNarrowerThanTheEncoderIsRefusedNamingBothWidths() {
        String m = refusal(shape(1500, 512, 8, 384, 6, 4, 80));
        assertTrue(m.contains("n_text_state 384"), m);
        assertTrue(m.contains("n_audio_state 512"), m);
        assertTrue(m.contains("cross-attention"), m);
    }

    @Test
    void headsThatDoNotDivideAWidthAreRefusedNamingThem() {
        String audio = refusal(shape(1500, 384, 5, 384, 6, 4, 80));
        assertTrue(audio.contains("n_audio_state 384 / n_audio_head 5"), audio);
        String text = refusal(shape(1500, 384, 6, 384, 7, 4, 80));
        assertTrue(text.contains("n_text_state 384 / n_text_head 7"), text);
    }

    @Test
    void aCrossAttentionProductBeyondOneJavaArrayIsRefusedNamingItsFactors() {
        // 2 x 1024 layers x 1024^2 = 2^31 f32 values, where one initializer holds under 2^29
        String m = refusal(shape(1500, 1024, 16, 1024, 16, 1024, 80));
        assertTrue(m.contains("cross-attention keys and values (2 x n_text_layer 1024 x n_text_state 1024 squared)"),
                m);
        assertTrue(m.contains(Long.toString(1L << 31)), m);
        // at the edge: 2 x 255 x 1024^2 = 534773760 values fit, 2 x 256 x 1024^2 = 2^29 do not
        assertDoesNotThrow(() -> OnnxEncoderGraph.requireBuildable(shape(1500, 1024, 16, 1024, 16, 255, 80)));
        assertTrue(refusal(shape(1500, 1024, 16, 1024, 16, 256, 80)).contains(Long.toString(1L << 29)));
    }

    @Test
    void encoderWeightsBeyondOneJavaArrayAreRefusedNamingTheirFactors() {
        String mlp = refusal(shape(1500, 16384, 64, 16384, 64, 1, 80));
        assertTrue(mlp.contains("MLP (4 x n_audio_state 16384 squared)"), mlp);
        String positions = refusal(shape(65536, 8192, 64, 8192, 64, 1, 80));
        assertTrue(positions.contains("positional embedding (n_audio_ctx 65536 x n_audio_state 8192)"), positions);
    }
}
