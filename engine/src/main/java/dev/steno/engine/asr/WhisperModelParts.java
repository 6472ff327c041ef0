package dev.steno.engine.asr;

import dev.steno.engine.whisper.AudioEncoder;
import dev.steno.engine.whisper.LogMelSpectrogram;
import dev.steno.engine.whisper.WhisperDecoder;
import dev.steno.engine.whisper.WhisperTokenizer;

/**
 * A loaded Whisper model's parts, for code that decodes by itself (the AlignAtt policy) and should share the weights
 * with the recogniser that loaded them instead of loading them again. See {@link SpeechRecognizer#crossAttention()}.
 *
 * @param alignmentHeads {@code {layer, head}} pairs of the alignment heads
 */
public record WhisperModelParts(AudioEncoder encoder, WhisperDecoder decoder, WhisperTokenizer tokenizer,
                                LogMelSpectrogram mel, int[][] alignmentHeads, boolean multilingual) {
}
