package dev.steno.engine.policy;

import dev.steno.engine.asr.Recognition;
import dev.steno.engine.asr.RecognitionRequest;
import dev.steno.engine.asr.Segment;
import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.policy.LocalAgreementConfig.BufferTrimming;
import dev.steno.engine.transcript.Word;
import dev.steno.engine.transcript.Words;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * LocalAgreement-2 (WhisperStreaming, {@code docs/algorithms.md} section 1): every step re-transcribes the whole
 * audio buffer and commits the words on which this hypothesis and the previous one agree.
 *
 * <p><b>Step.</b> The prompt is the tail (at most {@link LocalAgreementConfig#initPromptMaxChars()} characters, whole
 * words) of the committed text that scrolled out of the buffer, after the optional static prompt. The recogniser's
 * words are shifted to absolute time and go through {@link HypothesisBuffer}'s insert and flush.
 *
 * <p><b>Trimming</b> keeps the re-transcribed buffer short:
 * <ul>
 *   <li>{@link BufferTrimming#SEGMENT}: once the buffer is longer than {@code bufferTrimmingSec}, it is cut at the
 *       end of the last recogniser segment, other than the final one, that ends at or before the last committed
 *       word's end.</li>
 *   <li>{@link BufferTrimming#SENTENCE}: once the buffer is longer than {@code bufferTrimmingSec} and the step
 *       committed something, the committed words in the buffer are split into sentences and, if there are at least
 *       two (an unfinished trailing sentence counts), the buffer is cut at the end of the second-to-last. The
 *       splitter is a rule: a word whose text ends with {@code . ? ! … 。 ？ ！} (closing quotes and brackets
 *       ignored) ends a sentence. Abbreviations such as "Mr." are taken as sentence ends; that only makes a cut
 *       earlier, still at a committed word's end, which is harmless. As in the reference, if the buffer still
 *       exceeds {@code maxBufferSeconds}, the segment rule is tried as well.</li>
 * </ul>
 * Cutting drops the audio before the cut, moves the buffer start there and forgets committed words ending at or
 * before it, which then become prompt context.
 *
 * <p><b>Safeguard (a deviation from the reference).</b> WhisperStreaming lets the buffer grow without bound when no
 * segment or sentence cut is possible (a long unpunctuated monologue, or a recogniser that never agrees). Here, if
 * the buffer is still longer than {@code maxBufferSeconds} after the regular trimming, it is cut at the last
 * committed word's end; and if nothing in the buffer is committed, only the last {@code maxBufferSeconds} of audio
 * are kept, since Whisper cannot see further back than its 30 s window anyway. Memory and step cost stay bounded.
 *
 * <p><b>Finish</b> commits the tentative words unchanged, as WhisperStreaming does at the end of an utterance.
 *
 * <p>Not thread-safe: one instance per stream. The recogniser may be shared.
 */
public final class LocalAgreementPolicy extends WindowedPolicy {
    private static final int INITIAL_CAPACITY = AudioWindow.SAMPLE_RATE * 4;

    private final SpeechRecognizer recognizer;
    private final LocalAgreementConfig config;
    private final HypothesisBuffer hypothesis;
    /** Scrolled-out committed words, pruned to those the next prompt can still use. */
    private final List<Word> promptWords = new ArrayList<>();


    /**
     * A policy starting at stream time 0.
     *
     * @param recognizer the recogniser to call; not closed by the policy
     * @param config     the settings
     */
    public LocalAgreementPolicy(SpeechRecognizer recognizer, LocalAgreementConfig config) {
        super(INITIAL_CAPACITY);
        this.recognizer = Objects.requireNonNull(recognizer, "recognizer");
        this.config = Objects.requireNonNull(config, "config");
        this.hypothesis = new HypothesisBuffer(config.confidenceValidation());
    }

    /** The settings this policy runs with. */
    public LocalAgreementConfig config() {
        return config;
    }

    @Override
    public PolicyStep process() {
        if (window().length() == 0) {
            return new PolicyStep(List.of(), hypothesis.complete());
        }
        double requestOffset = bufferStartSeconds();
        RecognitionRequest request = new RecognitionRequest(window().copy(), prompt(), config.language(), config.task());
        Recognition recognition = recognizer.transcribe(request);
        hypothesis.insert(recognition.words(), requestOffset);
        List<Word> committed = hypothesis.flush();
        if (!committed.isEmpty()) {
            commitUpTo(committed.getLast().end());
        }
        trim(recognition, requestOffset, !committed.isEmpty());
        return new PolicyStep(committed, hypothesis.complete(), recognition.detectedLanguage().orElse(null));
    }

    @Override
    public PolicyStep finish() {
        List<Word> tail = hypothesis.complete();
        window().consumeAll();
        commitUpTo(bufferStartSeconds());
        if (!tail.isEmpty()) {
            commitUpTo(tail.getLast().end());
        }
        scrollOut(hypothesis.clear(committedEndSeconds()));
        scrollOut(tail);
        return new PolicyStep(tail, List.of());
    }

    @Override
    protected void restart(double offsetSeconds) {
        scrollOut(hypothesis.clear(offsetSeconds));
    }

    /** The prompt the next {@link #process()} passes to the recogniser. */
    String prompt() {
        String scrolling = Words.text(promptWords.subList(promptWords.size() - promptWordCount(), promptWords.size()));
        if (config.staticPrompt().isEmpty()) {
            return scrolling;
        }
        return scrolling.isEmpty() ? config.staticPrompt() : config.staticPrompt() + " " + scrolling;
    }

    private void trim(Recognition recognition, double requestOffset, boolean committedThisStep) {
        if (config.bufferTrimming() == BufferTrimming.SEGMENT) {
            if (bufferedSeconds() > config.bufferTrimmingSec()) {
                chunkCompletedSegment(recognition, requestOffset);
            }
        } else {
            if (committedThisStep && bufferedSeconds() > config.bufferTrimmingSec()) {
                chunkCompletedSentence();
            }
            if (bufferedSeconds() > config.maxBufferSeconds()) {
                chunkCompletedSegment(recognition, requestOffset);
            }
        }
        if (bufferedSeconds() > config.maxBufferSeconds()) {
            List<Word> inBuffer = hypothesis.committedInBuffer();
            if (!inBuffer.isEmpty()) {
                cutAt(inBuffer.getLast().end());
            }
        }
        if (bufferedSeconds() > config.maxBufferSeconds()) {
            cutAt(bufferStartSeconds() + bufferedSeconds() - config.maxBufferSeconds());
        }
    }

    /** WhisperStreaming's {@code chunk_completed_segment}. */
    private void chunkCompletedSegment(Recognition recognition, double requestOffset) {
        if (hypothesis.committedInBuffer().isEmpty()) {
            return;
        }
        double lastCommitted = hypothesis.lastCommittedTime();
        List<Segment> segments = recognition.segments();
        // The final segment is never a cut point: its end is where the audio runs out, not a completed segment.
        for (int i = segments.size() - 2; i >= 0; i--) {
            double end = segments.get(i).end() + requestOffset;
            if (end <= lastCommitted) {
                cutAt(end);
                return;
            }
        }
    }

    /** WhisperStreaming's {@code chunk_completed_sentence}. */
    private void chunkCompletedSentence() {
        List<Double> sentenceEnds = new ArrayList<>();
        List<Word> words = hypothesis.committedInBuffer();
        for (int i = 0; i < words.size(); i++) {
            if (i == words.size() - 1 || endsSentence(words.get(i).text())) {
                sentenceEnds.add(words.get(i).end());
            }
        }
        if (sentenceEnds.size() >= 2) {
            cutAt(sentenceEnds.get(sentenceEnds.size() - 2));
        }
    }

    static boolean endsSentence(String text) {
        String t = text.strip();
        int i = t.length();
        while (i > 0 && "\"'”’»)]}」』".indexOf(t.charAt(i - 1)) >= 0) {
            i--;
        }
        return i > 0 && ".?!…。？！".indexOf(t.charAt(i - 1)) >= 0;
    }

    private void cutAt(double time) {
        if (window().cutAt(time)) {
            scrollOut(hypothesis.popCommitted(time));
        }
    }

    private void scrollOut(List<Word> words) {
        promptWords.addAll(words);
        // Later words only push earlier ones out of the prompt, so words beyond the current prompt are never needed.
        promptWords.subList(0, promptWords.size() - promptWordCount()).clear();
    }

    /** How many trailing scrolled-out words fit in the prompt. */
    private int promptWordCount() {
        int max = config.initPromptMaxChars();
        int n = 0;
        String suffix = "";
        for (int i = promptWords.size() - 1; i >= 0; i--) {
            String candidate = promptWords.get(i).text() + suffix;
            if (candidate.strip().length() > max) {
                break;
            }
            suffix = candidate;
            n++;
        }
        return n;
    }
}
