package dev.steno.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.steno.engine.audio.AudioFormatException;
import dev.steno.engine.audio.AudioSink;
import dev.steno.engine.audio.AutoDetectingDecoder;
import dev.steno.engine.audio.PcmAudio;
import dev.steno.engine.audio.StreamingAudioDecoder;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.audio.WebmOpusDecoder;
import dev.steno.engine.diarization.diart.EmbeddingModel;
import dev.steno.engine.diarization.diart.SegmentationModel;
import dev.steno.engine.diarization.sortformer.SortformerModel;
import dev.steno.engine.testing.AllocationBudget;
import dev.steno.engine.testing.ScratchFiles;
import dev.steno.engine.vad.SileroVadModel;
import dev.steno.engine.whisper.GgmlFormatException;
import dev.steno.engine.whisper.GgmlTensorInfo;
import dev.steno.engine.whisper.GgmlWhisperFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing (Jazzer) of the engine's parsers of outside input: WAV files, ggml model headers, WebM/Opus
 * streams and the ONNX models users point the engine at. Each target holds a parser to its contract: it returns a
 * well-formed result or throws its documented exception with a message; anything else (a runtime exception, an error,
 * an allocation out of proportion to the input) is a finding.
 *
 * <p>{@code mvn verify} runs every target on the empty input and the seeds and past findings under
 * {@code src/test/resources/dev/steno/engine/EngineFuzzTestInputs/<target>/}; {@code JAZZER_FUZZ=1} with one target
 * selected fuzzes it (README, "Fuzzing").
 */
class EngineFuzzTest {
    /** Names the input in messages, as a file name or "upload" would. */
    private static final String SOURCE = "fuzz-input";
    /**
     * What any case may allocate besides its share per input byte (exception stack traces, lazily loaded classes); a
     * length trusted from the input (up to 2 or 4 GiB) is far above it.
     */
    private static final long BASE_BUDGET = 32L << 20;

    /**
     * WAV: a mono clip with samples in [-1, 1] and a positive rate, or {@link AudioFormatException} naming the source.
     * The decoded samples may take four bytes per input byte (8-bit PCM); the reader's own buffers are bounded.
     */
    @FuzzTest(maxDuration = "30s")
    void wav(byte[] input) {
        AllocationBudget budget = AllocationBudget.start("WavReader on " + input.length + " bytes",
                BASE_BUDGET + 16L * input.length);
        try {
            PcmAudio audio = WavReader.read(new ByteArrayInputStream(input), SOURCE);
            assertTrue(audio.sampleRate() > 0, "sample rate " + audio.sampleRate());
            for (float s : audio.samples()) {
                assertTrue(s >= -1f && s <= 1f, "sample out of range: " + s);
            }
        } catch (AudioFormatException e) {
            assertTrue(e.getMessage().startsWith(SOURCE + ": "), e.getMessage());
        } catch (IOException e) {
            throw new AssertionError("a byte array cannot fail to read: " + e, e);
        }
        budget.check();
    }

    /**
     * ggml Whisper file headers: an index whose tensors all lie inside the file, or {@link GgmlFormatException} naming
     * the file, from {@code open}, {@code readHeaderOnly} and {@code validateComplete} alike. Opening reads headers
     * only: a 1 MiB read buffer, the mel filters and vocabulary (both bounded by the file) and the expected tensor
     * list (bounded by the hyper-parameter limits).
     */
    @FuzzTest(maxDuration = "30s")
    void ggmlHeader(byte[] input) throws IOException {
        Path file = ScratchFiles.write("model", input);
        AllocationBudget budget = AllocationBudget.start("GgmlWhisperFile on " + input.length + " bytes",
                2 * BASE_BUDGET + 64L * input.length);
        try {
            GgmlWhisperFile header = GgmlWhisperFile.readHeaderOnly(file);
            assertTrue(header.tensors().isEmpty());
            GgmlWhisperFile index = GgmlWhisperFile.open(file);
            assertEquals(header.hparams(), index.hparams());
            for (GgmlTensorInfo t : index.tensors().values()) {
                assertTrue(t.dataOffset() >= index.tensorSectionOffset()
                        && t.dataOffset() + t.dataBytes() <= input.length, t + " lies outside the file");
            }
            index.validateComplete();
        } catch (GgmlFormatException e) {
            assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        }
        budget.check();
    }

    /**
     * WebM/Opus streams (the EBML demuxer and the Opus decoder behind it), pushed in chunks of a fuzzed size to either
     * the WebM decoder or the detecting one: {@link AudioFormatException} or audio in [-1, 1] whose length grows at
     * most linearly with the input (a timestamp gap is filled for 10 s at most, a frame lasts 120 ms at most).
     */
    @FuzzTest(maxDuration = "30s")
    void webm(FuzzedDataProvider data) {
        boolean detecting = data.consumeBoolean();
        int chunk = data.consumeInt(1, 8192);
        byte[] stream = data.consumeRemainingAsBytes();
        long[] delivered = new long[1];
        AudioSink sink = (s, off, len) -> {
            for (int i = off; i < off + len; i++) {
                assertTrue(s[i] >= -1f && s[i] <= 1f, "sample out of range: " + s[i]);
            }
            delivered[0] += len;
        };
        StreamingAudioDecoder decoder = detecting ? new AutoDetectingDecoder(sink) : new WebmOpusDecoder(sink);
        try {
            for (int off = 0; off < stream.length; off += chunk) {
                decoder.push(stream, off, Math.min(chunk, stream.length - off));
            }
            decoder.end();
        } catch (AudioFormatException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "an exception without a message");
        }
        long limit = 16_000L * (10 + 2L * stream.length);
        assertTrue(delivered[0] <= limit, stream.length + " bytes made " + delivered[0] + " samples");
    }

    /**
     * The ONNX models a user names on the command line (Silero VAD, pyannote segmentation, speaker embedding,
     * streaming Sortformer), each loader fed the same file: a model whose signature makes sense, or an
     * {@link IOException} with a message; never a runtime exception or a crash in native code. The seeds are tiny
     * models with each loader's signature.
     */
    @FuzzTest(maxDuration = "60s")
    void onnxModel(byte[] input) {
        Path file = ScratchFiles.write("model", input);
        loads(() -> {
            try (SileroVadModel m = SileroVadModel.load(file)) {
                assertTrue(m.signature() != null);
            }
        });
        loads(() -> {
            try (SegmentationModel m = SegmentationModel.load(file)) {
                assertTrue(m.inputSamples() == -1 || m.inputSamples() > 0, "input samples " + m.inputSamples());
                assertTrue(m.decoding().classCount() >= 2, "classes " + m.decoding().classCount());
            }
        });
        loads(() -> {
            try (EmbeddingModel m = EmbeddingModel.load(file)) {
                assertTrue(m.dimension() == -1 || m.dimension() > 0, "dimension " + m.dimension());
            }
        });
        loads(() -> {
            try (SortformerModel m = SortformerModel.load(file)) {
                for (int frames : new int[] {m.staticChunkFrames(), m.staticCacheFrames(), m.staticFifoFrames()}) {
                    assertTrue(frames == -1 || frames > 0, "static size " + frames);
                }
            }
        });
    }

    private interface Load {
        void run() throws IOException;
    }

    /** Runs one loader: only an {@link IOException} with a message may come out of it. */
    private static void loads(Load load) {
        try {
            load.run();
        } catch (IOException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "an exception without a message");
        }
    }
}
