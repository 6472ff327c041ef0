package dev.steno.jitsi.testing;

import dev.steno.engine.audio.WavReader;
import dev.steno.engine.diarization.scoring.Rttm;
import dev.steno.engine.diarization.scoring.RttmTurn;
import dev.steno.engine.testing.SharedFixtures;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The shared two-voice dialogue (dialogue-a: two espeak voices, five alternating turns) as one participant's
 * microphone would hear it, and its reference turns to check which voice a line was given.
 */
public final class Dialogue {
    private static final String NAME = "audio/synthetic/dialogue-a";

    private Dialogue() {
    }

    /** A span of transcript attributed to a voice, in seconds of the dialogue. */
    public record Span(int voice, double start, double end) {
    }

    /** The dialogue as 16 kHz mono samples. */
    public static float[] samples16k() throws IOException {
        return WavReader.read(SharedFixtures.file(NAME + ".wav")).resampledTo(16_000).samples();
    }

    /**
     * The share of the spans' time whose voice agrees with the reference speaker of the turn each span overlaps
     * most. A voice stands for the first reference speaker it meets that no other voice stands for yet, so two voices
     * never pass for one speaker; spans off every turn count as wrong.
     */
    public static double agreement(List<Span> spans) throws IOException {
        List<RttmTurn> turns = Rttm.read(SharedFixtures.file(NAME + ".rttm"));
        Map<Integer, String> speakerOfVoice = new HashMap<>();
        double agreeing = 0;
        double total = 0;
        for (Span s : spans) {
            String reference = null;
            double best = 0;
            for (RttmTurn t : turns) {
                double overlap = Math.min(s.end(), t.end()) - Math.max(s.start(), t.start());
                if (overlap > best) {
                    best = overlap;
                    reference = t.speaker();
                }
            }
            if (reference != null && !speakerOfVoice.containsKey(s.voice())
                    && !speakerOfVoice.containsValue(reference)) {
                speakerOfVoice.put(s.voice(), reference);
            }
            if (reference != null && reference.equals(speakerOfVoice.get(s.voice()))) {
                agreeing += s.end() - s.start();
            }
            total += s.end() - s.start();
        }
        return total == 0 ? 0 : agreeing / total;
    }
}
