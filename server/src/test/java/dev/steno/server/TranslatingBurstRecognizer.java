package dev.steno.server;

import dev.steno.engine.asr.Recognition;
import dev.steno.engine.asr.RecognitionRequest;
import dev.steno.engine.asr.Segment;
import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.asr.Task;
import dev.steno.engine.testing.SpeechBurstRecognizer;
import dev.steno.engine.transcript.Word;
import java.util.List;

/**
 * A multilingual stand-in for tests of the OpenAI API: {@link SpeechBurstRecognizer}'s words for transcriptions
 * ({@code " z123"}), the same words marked {@code " en-z123"} when the request asks for Whisper's translate task. So
 * a test sees which task each request really ran.
 */
final class TranslatingBurstRecognizer implements SpeechRecognizer {
    /** What a translated word starts with. */
    static final String MARK = "en-";

    private final SpeechBurstRecognizer bursts = new SpeechBurstRecognizer();

    @Override
    public Recognition transcribe(RecognitionRequest request) {
        Recognition heard = bursts.transcribe(request);
        if (request.task() != Task.TRANSLATE) {
            return heard;
        }
        List<Segment> translated = heard.segments().stream().map(s -> {
            List<Word> words = s.words().stream()
                    .map(w -> new Word(" " + MARK + w.text().strip(), w.start(), w.end(), w.probability())).toList();
            return new Segment(s.start(), s.end(), String.join("", words.stream().map(Word::text).toList()), words);
        }).toList();
        return new Recognition(translated, heard.detectedLanguage());
    }

    @Override
    public String backendName() {
        return "translating-bursts";
    }

    @Override
    public boolean multilingual() {
        return true;
    }

    @Override
    public void close() {
    }
}
