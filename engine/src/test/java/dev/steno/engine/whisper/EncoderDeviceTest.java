package dev.steno.engine.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EncoderDeviceTest {
    @Test
    void parsesEachAcceptedForm() {
        assertEquals(EncoderDevice.CPU, EncoderDevice.parse("cpu"));
        assertEquals(new EncoderDevice(EncoderDevice.Kind.CUDA, 0), EncoderDevice.parse("cuda"));
        assertEquals(new EncoderDevice(EncoderDevice.Kind.CUDA, 0), EncoderDevice.parse("cuda:0"));
        assertEquals(new EncoderDevice(EncoderDevice.Kind.CUDA, 3), EncoderDevice.parse("cuda:3"));
        assertEquals(new EncoderDevice(EncoderDevice.Kind.AUTO, 0), EncoderDevice.parse("auto"));
    }

    @Test
    void ignoresCaseAndSurroundingSpace() {
        assertEquals(EncoderDevice.CPU, EncoderDevice.parse(" CPU "));
        assertEquals(new EncoderDevice(EncoderDevice.Kind.CUDA, 1), EncoderDevice.parse("Cuda:1"));
        assertEquals(new EncoderDevice(EncoderDevice.Kind.AUTO, 0), EncoderDevice.parse("AUTO\n"));
    }

    @Test
    void printedFormParsesBackToTheSameDevice() {
        for (String text : new String[] {"cpu", "cuda", "cuda:2", "auto"}) {
            EncoderDevice d = EncoderDevice.parse(text);
            assertEquals(d, EncoderDevice.parse(d.toString()), text);
        }
        assertEquals("cuda:0", EncoderDevice.parse("cuda").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"cuda:x", "tpu", "", "  ", "cuda:-1", "cuda:", "cuda:1.5", "cpu:0", "cuda 1"})
    void rejectsGarbageNamingTheAcceptedForms(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EncoderDevice.parse(text));
        String m = e.getMessage();
        assertTrue(m.contains("'" + text + "'"), m);
        for (String form : new String[] {"cpu", "cuda", "cuda:N", "auto"}) {
            assertTrue(m.contains(form), "message names " + form + ": " + m);
        }
    }

    @Test
    void rejectsNullLikeGarbage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EncoderDevice.parse(null));
        assertTrue(e.getMessage().contains("cuda:N"), e.getMessage());
    }

    @Test
    void aNegativeDeviceIndexCannotBeMade() {
        assertThrows(IllegalArgumentException.class, () -> new EncoderDevice(EncoderDevice.Kind.CUDA, -1));
    }
}
