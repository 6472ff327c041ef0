package dev.steno.obs.source;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Without a capture device the microphone source says so clearly (build machines have none). */
class MicrophoneSourceTest {
    @Test
    void noDeviceGivesAClearError() {
        Assumptions.assumeTrue(MicrophoneSource.devices().isEmpty(), "this machine has a microphone");
        IOException e = assertThrows(IOException.class, () -> new MicrophoneSource(null).run((s, o, l) -> { }));
        assertTrue(e.getMessage().startsWith("no microphone"), e.getMessage());
        assertTrue(e.getMessage().contains("--source stdin"), "names the alternative: " + e.getMessage());
    }

    @Test
    void anUnknownDeviceNameListsTheDevices() {
        IOException e = assertThrows(IOException.class,
                () -> new MicrophoneSource("no-such-device-xyz").run((s, o, l) -> { }));
        assertTrue(e.getMessage().contains("no capture device named like 'no-such-device-xyz'"), e.getMessage());
    }
}
