package dev.steno.engine.transcript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The cue writer's exact output: timestamps, numbering, header, voice tags and escaping. */
class CueWriterTest {
    @Test
    void timestampsRoundToTheMillisecondAndClampNegativeTimes() {
        assertEquals("00:00:00,000", CueWriter.timestamp(-1.5, ','));
        assertEquals("00:00:01.000", CueWriter.timestamp(0.9996, '.'));
        assertEquals("00:00:00.999", CueWriter.timestamp(0.9994, '.'));
        assertEquals("01:01:01,005", CueWriter.timestamp(3661.005, ','));
        assertEquals("100:00:00.000", CueWriter.timestamp(360_000, '.'), "hours go past 99");
    }

    /** A file of two cues: one by "Ann &lt;chair&gt;" from 0.5 to 1.25 s, one without a voice from 2 to 3 s. */
    private static String twoCues(CueWriter w, String first, String second) {
        StringBuilder out = new StringBuilder(w.header());
        w.cue(out, 0.5, 1.25, "Ann <chair>", first);
        return w.cue(out, 2, 3, null, second).toString();
    }

    @Test
    void srtNumbersCuesFromOneAndLeavesTextAlone() {
        CueWriter w = new CueWriter(CueWriter.Style.SRT);
        assertEquals("1\n00:00:00,500 --> 00:00:01,250\na < b & c\n\n"
                + "2\n00:00:02,000 --> 00:00:03,000\ntwo\nlines\n\n", twoCues(w, "a < b & c", "two\nlines"));
        assertEquals(2, w.cues());
    }

    @Test
    void vttHasAHeaderVoiceTagsAndEscapesMarkup() {
        assertEquals("WEBVTT\n\n00:00:00.500 --> 00:00:01.250\n<v Ann &lt;chair&gt;>x --&gt; y &amp; z\n\n"
                + "00:00:02.000 --> 00:00:03.000\nplain\n\n",
                twoCues(new CueWriter(CueWriter.Style.VTT), "x --> y & z", "plain"));
    }

    @Test
    void srtHasNoHeader() {
        assertEquals("", new CueWriter(CueWriter.Style.SRT).header());
    }

    @Test
    void speakerVoiceNamesKnownSpeakersOnly() {
        assertEquals("Speaker 3", CueWriter.speakerVoice(3));
        assertNull(CueWriter.speakerVoice(0));
        assertNull(CueWriter.speakerVoice(TranscriptLine.SILENCE));
    }

    @Test
    void onlySubtitleFormatsHaveCues() {
        assertEquals("WEBVTT\n\n", TranscriptFormat.VTT.cueWriter().header());
        assertThrows(IllegalStateException.class, TranscriptFormat.TXT::cueWriter);
    }
}
