package dev.steno.obs.cea608;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ParityTest {
    /** Counts ones bit by bit, independently of the code under test. */
    private static int ones(int b) {
        int n = 0;
        for (int i = 0; i < 8; i++) {
            n += (b >> i) & 1;
        }
        return n;
    }

    @Test
    void everySevenBitValueGetsOddParityAndKeepsItsDataBits() {
        for (int v = 0; v < 128; v++) {
            int wire = Parity.withOddParity(v);
            assertEquals(v, wire & 0x7F, "data bits of " + v);
            assertEquals(1, ones(wire) % 2, "parity of " + v);
            assertEquals(ones(v) % 2 == 0 ? 0x80 : 0, wire & 0x80, "bit 7 of " + v);
            assertEquals(true, Parity.hasOddParity(wire));
            assertEquals(false, Parity.hasOddParity(wire ^ 0x80));
        }
    }

    @Test
    void valuesFromTheTable() {
        // cea608.md: 0x14 -> 0x94, null byte 0x80, and the CC1 "on the wire" column.
        assertEquals(0x94, Parity.withOddParity(0x14));
        assertEquals(0x80, Parity.withOddParity(0x00));
        assertEquals(0x9425, ControlCode.RU2.pair(Channel.CC1));
        assertEquals(0x9426, ControlCode.RU3.pair(Channel.CC1));
        assertEquals(0x94A7, ControlCode.RU4.pair(Channel.CC1));
        assertEquals(0x94A1, ControlCode.BS.pair(Channel.CC1));
        assertEquals(0x94A4, ControlCode.DER.pair(Channel.CC1));
        assertEquals(0x9420, ControlCode.RCL.pair(Channel.CC1));
        assertEquals(0x9429, ControlCode.RDC.pair(Channel.CC1));
        assertEquals(0x942C, ControlCode.EDM.pair(Channel.CC1));
        assertEquals(0x94AD, ControlCode.CR.pair(Channel.CC1));
        assertEquals(0x94AE, ControlCode.ENM.pair(Channel.CC1));
        assertEquals(0x942F, ControlCode.EOC.pair(Channel.CC1));
        assertEquals(0x97A1, ControlCode.TO1.pair(Channel.CC1));
        assertEquals(0x97A2, ControlCode.TO2.pair(Channel.CC1));
        assertEquals(0x9723, ControlCode.TO3.pair(Channel.CC1));
        // CC2 sets 0x08 in the first byte: 1C 25 (three ones, no parity bit).
        assertEquals(0x1C25, ControlCode.RU2.pair(Channel.CC2));
        assertEquals(0x1CAD, ControlCode.CR.pair(Channel.CC2));
    }

    @Test
    void preambleAddressesFromTheRowTable() {
        // row: b1,b2 from cea608.md, parity applied by hand.
        assertEquals(0x9140, ControlCode.preambleAddress(Channel.CC1, 1));   // 11,40
        assertEquals(0x91E0, ControlCode.preambleAddress(Channel.CC1, 2));   // 11,60
        assertEquals(0x1040, ControlCode.preambleAddress(Channel.CC1, 11));  // 10,40
        assertEquals(0x13E0, ControlCode.preambleAddress(Channel.CC1, 13));  // 13,60
        assertEquals(0x9440, ControlCode.preambleAddress(Channel.CC1, 14));  // 14,40
        assertEquals(0x94E0, ControlCode.preambleAddress(Channel.CC1, 15));  // 14,60
        assertEquals(0x1CE0, ControlCode.preambleAddress(Channel.CC2, 15));  // 1C,60
        assertThrows(IllegalArgumentException.class, () -> ControlCode.preambleAddress(Channel.CC1, 16));
        assertThrows(IllegalArgumentException.class, () -> Parity.withOddParity(0x80));
    }
}
