package dev.steno.server.deepgram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The query of {@code /v1/listen}: Deepgram's defaults, what is accepted, and refusals that say what to do. */
class ListenParametersTest {

    @Test
    void anEmptyQueryIsContainerisedMonoWithDeepgramsDefaults() {
        ListenParameters p = ListenParameters.parse(Map.of());
        assertTrue(p.containerised());
        assertEquals(1, p.channels());
        assertFalse(p.interimResults());
        assertEquals(ListenParameters.DEFAULT_ENDPOINTING_MS, p.endpointingMs());
        assertEquals(-1, p.utteranceEndMs());
        assertNull(p.language());
        assertNull(p.model());
    }

    @Test
    void everyAcceptedParameterIsRead() {
        ListenParameters p = ListenParameters.parse(Map.ofEntries(
                Map.entry("encoding", List.of("linear16")), Map.entry("sample_rate", List.of("44100")),
                Map.entry("channels", List.of("1")), Map.entry("language", List.of("de-CH")),
                Map.entry("model", List.of("nova-3")), Map.entry("interim_results", List.of("true")),
                Map.entry("utterance_end_ms", List.of("1200")), Map.entry("endpointing", List.of("false")),
                Map.entry("vad_events", List.of("true")), Map.entry("diarize", List.of("true")),
                Map.entry("punctuate", List.of("true")), Map.entry("smart_format", List.of("false")),
                Map.entry("keywords", List.of("Steno:2.5", "Jitsi")), Map.entry("keyterm", List.of("Whisper", " "))));
        assertFalse(p.containerised());
        assertEquals(44100, p.sampleRate());
        assertEquals("de", p.language());
        assertEquals("nova-3", p.model());
        assertEquals(1200, p.utteranceEndMs());
        assertEquals(-1, p.endpointingMs());
        assertTrue(p.vadEvents() && p.diarize() && p.punctuate() && !p.smartFormat());
        assertEquals(List.of(new ListenParameters.Keyword("Steno", 2.5), new ListenParameters.Keyword("Jitsi", 1)),
                p.keywords());
        assertEquals(List.of("Whisper"), p.keyterms());
        assertNull(ListenParameters.parse(Map.of("language", List.of("multi"))).language());
        assertEquals(300, ListenParameters.parse(Map.of("endpointing", List.of("300"))).endpointingMs());
    }

    @Test
    void whatCannotBeHonouredIsRefusedWithWhatToDo() {
        assertRefused(Map.of("channels", List.of("2")), "one socket per channel");
        assertRefused(Map.of("encoding", List.of("mulaw"), "sample_rate", List.of("8000")), "use linear16");
        assertRefused(Map.of("encoding", List.of("linear16")), "sample_rate is required");
        assertRefused(Map.of("encoding", List.of("linear16"), "sample_rate", List.of("4000")), "8000..192000");
        assertRefused(Map.of("utterance_end_ms", List.of("1000")), "interim_results=true");
        assertRefused(Map.of("interim_results", List.of("yes")), "true or false");
        assertRefused(Map.of("endpointing", List.of("-5")), "whole number");
        assertRefused(Map.of("keywords", List.of("steno:lots")), "WORD:BOOST");
        assertRefused(Map.of("language", List.of("xx")), "xx");
    }

    private static void assertRefused(Map<String, List<String>> query, String hint) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ListenParameters.parse(query));
        assertTrue(e.getMessage().contains(hint), e.getMessage());
    }
}
