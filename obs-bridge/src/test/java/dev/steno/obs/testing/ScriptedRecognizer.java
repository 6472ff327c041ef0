package dev.steno.obs.testing;

import dev.steno.engine.asr.Recognition;
import dev.steno.engine.asr.RecognitionRequest;
import dev.steno.engine.asr.Segment;
import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.transcript.Word;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A recogniser double that "hears" words coded in the audio: a run of at least 0.2 s of the constant sample value
 * {@code k * STEP} is the word {@code " w<k>"}. Deterministic and position-exact, so the streaming policy commits the
 * coded words and a test knows exactly which text must come out.
 */
public final class ScriptedRecognizer implements SpeechRecognizer {
    /** The amplitude step between word codes (exact in 16-bit PCM). */
    public static final int STEP = 200;

    /** Audio (16 kHz) saying words {@code first..first+count-1}: 0.4 s per word, 0.1 s of silence after each. */
    public static float[] speak(int first, int count) {
        float[] audio = new float[count * 8000];
        for (int i = 0; i < count; i++) {
            float v = (first + i) * STEP / 32768f;
            java.util.Arrays.fill(audio, i * 8000, i * 8000 + 6400, v);
        }
        return audio;
    }

    /** The same audio as PCM s16le bytes. */
    public static byte[] pcm(float[] audio) {
        byte[] b = new byte[audio.length * 2];
        for (int i = 0; i < audio.length; i++) {
            int v = Math.round(audio[i] * 32768f);
            b[2 * i] = (byte) v;
            b[2 * i + 1] = (byte) (v >> 8);
        }
        return b;
    }

    @Override
    public Recognition transcribe(RecognitionRequest request) {
        float[] a = request.audio();
        List<Word> words = new ArrayList<>();
        int i = 0;
        while (i < a.length) {
            int j = i;
            while (j < a.length && a[j] == a[i]) {
                j++;
            }
            int code = Math.round(a[i] * 32768f / STEP);
            if (code > 0 && j - i >= 3200) {
                words.add(new Word(" w" + code, i / 16000.0, j / 16000.0, 0.99));
            }
            i = j;
        }
        if (words.isEmpty()) {
            return new Recognition(List.of(), Optional.of("en"));
        }
        StringBuilder text = new StringBuilder();
        words.forEach(w -> text.append(w.text()));
        return new Recognition(List.of(new Segment(words.get(0).start(), words.get(words.size() - 1).end(),
                text.toString(), words)), Optional.of("en"));
    }

    @Override
    public String backendName() {
        return "scripted";
    }

    @Override
    public boolean multilingual() {
        return false;
    }

    @Override
    public void close() {
    }
}
