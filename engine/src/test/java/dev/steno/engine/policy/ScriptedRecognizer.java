package dev.steno.engine.policy;

import dev.steno.engine.asr.Recognition;
import dev.steno.engine.asr.RecognitionRequest;
import dev.steno.engine.asr.Segment;
import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.transcript.Word;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.DoubleSupplier;

/**
 * A recogniser that replays reference word timings the way Whisper behaves on a growing buffer.
 *
 * <p>The audio it is given must be the test ramp ({@link #ramp}) starting at the absolute sample the policy claims as
 * its buffer start; every sample is checked, so a policy that drops or shifts audio when it trims fails loudly.
 *
 * <p>For a request covering absolute time [O, E] it returns the reference words whose middle lies at or after O
 * (a word cut at the buffer start counts only if most of it is still there) and that end by E, with noise:
 * <ul>
 *   <li>every time jitters by up to 30 ms;</li>
 *   <li>a word still being spoken at E, if at least half heard, sometimes comes back truncated ("countr");</li>
 *   <li>the last heard word, when it ends less than 0.4 s before E, is sometimes missing;</li>
 *   <li>a recent word (ending in the last 1.2 s) is sometimes rewritten with its first letter's case flipped.</li>
 * </ul>
 * Words ending more than 1.2 s before E, and the whole tail once 0.4 s of silence follows it, are always right: the
 * premise of LocalAgreement is that enough context settles a word. The one liberty taken: the same wrong text for
 * the same word is never returned by two consecutive calls, because LocalAgreement would (by design) commit it.
 *
 * <p>Segments end at sentence punctuation of the reference text; each segment ends where its last word ends.
 */
final class ScriptedRecognizer implements SpeechRecognizer {
    /** One reference word, absolute times. */
    record RefWord(String text, double start, double end) {
    }

    static final int RAMP_PERIOD = 8192;
    static final double JITTER = 0.03;
    static final double UNSTABLE_SEC = 0.4;
    static final double RECENT_SEC = 1.2;

    /** The test signal: the sample at absolute index {@code i} is {@code (i mod 8192) / 8192}. */
    static float[] ramp(long fromSample, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = ((fromSample + i) % RAMP_PERIOD) / (float) RAMP_PERIOD;
        }
        return a;
    }

    private final List<RefWord> ref;
    private final long seed;
    private final DoubleSupplier offsetSource;
    private boolean noise = true;
    private boolean probabilities;
    private int calls;
    private Map<Integer, String> previousWrong = Map.of();
    private final List<RecognitionRequest> requests = new ArrayList<>();
    private final List<Double> requestOffsets = new ArrayList<>();

    /**
     * @param ref          the reference words, absolute times, in order
     * @param seed         seed of the noise
     * @param offsetSource the absolute time of the request's first sample, read at each call (the policy's
     *                     buffer start)
     */
    ScriptedRecognizer(List<RefWord> ref, long seed, DoubleSupplier offsetSource) {
        this.ref = List.copyOf(ref);
        this.seed = seed;
        this.offsetSource = offsetSource;
    }

    /** Turns the noise off: every call returns the heard words exactly. */
    ScriptedRecognizer withoutNoise() {
        noise = false;
        return this;
    }

    /** Reports probability 0.97 for settled words and 0.5 for words in the unstable tail (otherwise NaN). */
    ScriptedRecognizer withProbabilities() {
        probabilities = true;
        return this;
    }

    List<RecognitionRequest> requests() {
        return requests;
    }

    List<Double> requestOffsets() {
        return requestOffsets;
    }

    @Override
    public Recognition transcribe(RecognitionRequest request) {
        double o = offsetSource.getAsDouble();
        long first = Math.round(o * SAMPLE_RATE);
        float[] audio = request.audio();
        for (int i = 0; i < audio.length; i++) {
            float expected = ((first + i) % RAMP_PERIOD) / (float) RAMP_PERIOD;
            if (audio[i] != expected) {
                throw new AssertionError("request audio sample " + i + " is not absolute sample " + (first + i)
                        + " (buffer start " + o + " s)");
            }
        }
        requests.add(request);
        requestOffsets.add(o);
        double e = o + request.durationSeconds();
        Random rnd = new Random(seed * 1_000_003L + calls++);

        List<Integer> heard = new ArrayList<>();
        int partial = -1;
        for (int i = 0; i < ref.size(); i++) {
            RefWord w = ref.get(i);
            if ((w.start() + w.end()) / 2 < o) {
                continue;
            }
            if (w.end() <= e) {
                heard.add(i);
            } else {
                if (w.start() < e && (e - w.start()) / (w.end() - w.start()) >= 0.5) {
                    partial = i;
                }
                break;
            }
        }

        Map<Integer, String> wrong = new HashMap<>();
        Map<Integer, Double> endOverride = new HashMap<>();
        List<Integer> out = new ArrayList<>(heard);
        if (noise) {
            boolean dropLast = !heard.isEmpty() && ref.get(heard.getLast()).end() > e - UNSTABLE_SEC
                    && rnd.nextDouble() < 0.3;
            if (dropLast) {
                out.removeLast();
            } else if (partial >= 0 && rnd.nextDouble() < 0.5) {
                String bare = ref.get(partial).text().strip().replaceAll("[.,?!]", "");
                RefWord w = ref.get(partial);
                int keep = (int) Math.floor(bare.length() * (e - w.start()) / (w.end() - w.start()));
                if (bare.length() > 2 && keep >= 1 && keep < bare.length()) {
                    out.add(partial);
                    wrong.put(partial, " " + bare.substring(0, keep));
                    endOverride.put(partial, e);
                }
            }
            List<Integer> recent = new ArrayList<>();
            for (int k = 0; k + 1 < out.size(); k++) {
                int idx = out.get(k);
                if (ref.get(idx).end() > e - RECENT_SEC && !wrong.containsKey(idx)) {
                    recent.add(idx);
                }
            }
            if (!recent.isEmpty() && rnd.nextDouble() < 0.25) {
                int idx = recent.get(rnd.nextInt(recent.size()));
                wrong.put(idx, flipCase(ref.get(idx).text()));
            }
            wrong.entrySet().removeIf(en -> en.getValue().equals(previousWrong.get(en.getKey())));
            if (endOverride.containsKey(partial) && !wrong.containsKey(partial)) {
                out.remove(Integer.valueOf(partial));
            }
        }
        previousWrong = wrong;

        List<Segment> segments = new ArrayList<>();
        List<Word> current = new ArrayList<>();
        for (int idx : out) {
            RefWord r = ref.get(idx);
            double js = noise ? (rnd.nextDouble() * 2 - 1) * JITTER : 0;
            double je = noise ? (rnd.nextDouble() * 2 - 1) * JITTER : 0;
            double end = endOverride.getOrDefault(idx, r.end() + je);
            double start = Math.max(0, r.start() + js - o);
            double relEnd = Math.max(start, Math.min(end - o, e - o));
            String text = wrong.getOrDefault(idx, r.text());
            double p = Double.NaN;
            if (probabilities) {
                p = wrong.containsKey(idx) || r.end() > e - RECENT_SEC ? 0.5 : 0.97;
            }
            current.add(new Word(text, start, relEnd, p));
            if (LocalAgreementPolicy.endsSentence(r.text())) {
                segments.add(segment(current));
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) {
            segments.add(segment(current));
        }
        return new Recognition(segments, Optional.of("en"));
    }

    private static Segment segment(List<Word> words) {
        StringBuilder sb = new StringBuilder();
        for (Word w : words) {
            sb.append(w.text());
        }
        return new Segment(words.getFirst().start(), words.getLast().end(), sb.toString(), words);
    }

    private static String flipCase(String text) {
        int i = text.startsWith(" ") ? 1 : 0;
        char c = text.charAt(i);
        char f = Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
        return text.substring(0, i) + f + text.substring(i + 1);
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
