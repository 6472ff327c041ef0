package dev.steno.jitsi.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** A Chromium-shaped WHIP offer (audio and video, bundled, trickle-capable) parsed and answered; bad offers. */
class SdpTest {
    static String chromiumOffer() throws Exception {
        return Files.readString(Path.of("src", "test", "resources", "webrtc", "chromium-offer.sdp"))
                .replace("\n", "\r\n");
    }

    @Test
    void parsesTheOffersIceCredentialsFingerprintAudioAndCandidates() throws Exception {
        SdpOffer o = SdpOffer.parse(chromiumOffer());
        assertEquals("EsAw", o.iceUfrag());
        assertEquals("bP+XJMM09aR8AiX1jdukzR6Y", o.icePwd());
        assertEquals("D2FA0EC322595E149569923D13B484242CC2A2C03EFD348E5EEA6FAF52CEE60F",
                HexFormat.of().withUpperCase().formatHex(o.fingerprint()));
        assertEquals(2, o.media().size());
        assertEquals(0, o.audioIndex());
        SdpOffer.Media audio = o.media().get(0);
        assertEquals(111, audio.opusPayload());
        assertEquals("0", audio.mid());
        assertEquals("actpass", audio.setup());
        assertEquals("minptime=10;useinbandfec=1", audio.opusFmtp());
        assertFalse(o.media().get(1).usable(), "video is not taken");
        assertEquals(4, o.candidates().size(), "each candidate once, whatever its kind: " + o.candidates());
    }

    @Test
    void theAnswerTakesOpusReceiveOnlyAndRefusesVideoWithPortZero() throws Exception {
        SdpOffer o = SdpOffer.parse(chromiumOffer());
        byte[] fp = new byte[32];
        Arrays.fill(fp, (byte) 0xAB);
        String answer = SdpAnswer.build(o, "uf", "pw0123456789012345678901", fp,
                List.of("1 1 udp 2130706431 192.0.2.2 50000 typ host generation 0"), 42);
        List<String> lines = answer.lines().toList();
        assertTrue(answer.endsWith("\r\n") && !answer.replace("\r\n", "").contains("\n"), "CRLF line ends");
        assertEquals("v=0", lines.get(0));
        assertTrue(lines.contains("m=audio 9 UDP/TLS/RTP/SAVPF 111"), "Opus alone: " + answer);
        assertTrue(lines.contains("a=rtpmap:111 opus/48000/2"));
        assertTrue(lines.contains("a=recvonly"));
        assertTrue(lines.contains("a=setup:passive"), "the publisher is the DTLS client");
        assertTrue(lines.contains("a=rtcp-mux"));
        assertTrue(lines.contains("a=mid:0") && lines.contains("a=group:BUNDLE 0"));
        assertTrue(lines.contains("a=ice-ufrag:uf") && lines.contains("a=ice-pwd:pw0123456789012345678901"));
        assertTrue(lines.contains("a=fingerprint:sha-256 " + String.join(":", Collections.nCopies(32,
                "AB"))));
        assertTrue(lines.contains("a=candidate:1 1 udp 2130706431 192.0.2.2 50000 typ host generation 0"));
        assertTrue(lines.contains("m=video 0 UDP/TLS/RTP/SAVPF 96"), "video refused with port 0: " + answer);
        assertTrue(lines.indexOf("m=video 0 UDP/TLS/RTP/SAVPF 96") > lines.indexOf("m=audio 9 UDP/TLS/RTP/SAVPF 111"),
                "m-lines keep the offer's order");
        assertTrue(lines.contains("a=mid:1"), "the refused m-line keeps its mid");
    }

    @Test
    void refusesOffersItCannotAnswer() throws Exception {
        String ok = chromiumOffer();
        assertMessage("v=0", () -> SdpOffer.parse("hello"));
        assertMessage("v=0", () -> SdpOffer.parse(""));
        assertMessage("bad line", () -> SdpOffer.parse("v=0\r\nthis is not sdp\r\n"));
        assertMessage("no audio m-line", () -> SdpOffer.parse(ok.replace("m=audio", "m=text")));
        assertMessage("no audio m-line", () -> SdpOffer.parse(ok.replace("opus/48000/2", "ISAC/16000")));
        assertMessage("no audio m-line", () -> SdpOffer.parse(ok.replace("UDP/TLS/RTP/SAVPF 111 63",
                "RTP/AVP 111 63").replace("m=video 9 UDP/TLS/RTP/SAVPF", "m=video 9 RTP/AVP")));
        assertMessage("a=fingerprint", () -> SdpOffer.parse(ok.replaceAll("a=fingerprint:[^\r]*\r\n", "")));
        assertMessage("ice-ufrag", () -> SdpOffer.parse(ok.replaceAll("a=ice-ufrag:[^\r]*\r\n", "")));
        assertMessage("sha-256 only", () -> SdpOffer.parse(ok.replace("sha-256", "sha-1")));
        assertMessage("fingerprint", () -> SdpOffer.parse(ok.replace("D2:FA:0E", "ZZ:FA:0E")));
        assertMessage("32 bytes", () -> SdpOffer.parse(ok.replace("D2:FA:0E:", "")));
        assertMessage("longer than", () -> SdpOffer.parse(ok + "a=x:" + "y".repeat(SdpOffer.MAX_LENGTH)));
    }

    private static void assertMessage(String part, Executable parse) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, parse);
        assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
    }
}
