package dev.steno.jitsi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.steno.engine.audio.AudioFormatException;
import dev.steno.engine.audio.AudioSink;
import dev.steno.engine.stream.StreamService;
import dev.steno.engine.testing.AllocationBudget;
import dev.steno.engine.testing.FuzzFrames;
import dev.steno.engine.testing.LoggedFailures;
import dev.steno.engine.testing.ScratchFiles;
import dev.steno.engine.testing.SpeechBurstRecognizer;
import dev.steno.engine.testing.TestStreams;
import dev.steno.engine.transcript.Word;
import dev.steno.jitsi.auth.JwtVerifier;
import dev.steno.jitsi.auth.Tokens;
import dev.steno.jitsi.mediajson.MediaJsonConnection;
import dev.steno.jitsi.meeting.Meeting;
import dev.steno.jitsi.meeting.MeetingRegistry;
import dev.steno.jitsi.meeting.MeetingTranscript;
import dev.steno.jitsi.meeting.TranscriptStore;
import dev.steno.jitsi.rtp.OpusRtpDecoder;
import dev.steno.jitsi.rtp.ParticipantMap;
import dev.steno.jitsi.rtp.RtpHeader;
import dev.steno.jitsi.rtp.RtpMapping;
import dev.steno.jitsi.rtp.SrtpKey;
import dev.steno.jitsi.rtp.SrtpReceiver;
import dev.steno.jitsi.rtp.SrtpSender;
import dev.steno.jitsi.rtp.StunResponder;
import dev.steno.jitsi.skynet.SkynetConnection;
import dev.steno.jitsi.vosk.VoskConnection;
import dev.steno.jitsi.ws.MeetingSocket;
import dev.steno.server.Drain;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.mockito.Mockito;

/**
 * Coverage-guided fuzzing (Jazzer) of what the Jitsi plugin reads from the network and from its files: RTP/Opus
 * datagrams, SRTP, STUN, the videobridge's media events, Jigasi's skynet frames, Vosk clients' messages, JWTs and their
 * PEM keys, and the RTP map file. Each target holds a parser to its contract: a clean rejection (a drop with a reason,
 * its documented exception) or a well-formed result; a runtime exception, even one a catch-all turns into a logged
 * drop, is a finding.
 *
 * <p>{@code mvn verify} runs every target on the empty input and the seeds and past findings under
 * {@code src/test/resources/dev/steno/jitsi/JitsiFuzzTestInputs/<target>/}; {@code JAZZER_FUZZ=1} with one target
 * selected fuzzes it (README, "Fuzzing"). Datagrams and binary frames are carried as {@link FuzzFrames} (two-byte
 * length, bytes), text messages one per line.
 */
class JitsiFuzzTest {
    private static final long BASE_BUDGET = 32L << 20;
    /** The clock of the JWT checks: tokens in the seeds expire in 2100. */
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    /**
     * RTP datagrams carrying Opus, one stream: the header parser either names a drop reason or yields a payload inside
     * the datagram, and the decoder either rejects the payload with {@link AudioFormatException} or delivers audio in
     * [-1, 1]; gap filling adds at most 10 s per packet.
     */
    @FuzzTest(maxDuration = "30s")
    void rtpOpus(byte[] input) {
        List<byte[]> datagrams = FuzzFrames.split(input);
        long[] delivered = new long[1];
        AudioSink sink = (s, off, len) -> {
            for (int i = off; i < off + len; i++) {
                assertTrue(s[i] >= -1f && s[i] <= 1f, "sample out of range: " + s[i]);
            }
            delivered[0] += len;
        };
        RtpHeader header = new RtpHeader();
        OpusRtpDecoder decoder = new OpusRtpDecoder(sink);
        for (byte[] d : datagrams) {
            // parse a slice of a larger buffer, as the receiver does
            byte[] buf = new byte[d.length + 4];
            System.arraycopy(d, 0, buf, 2, d.length);
            if (RtpHeader.isRtcp(buf, 2, d.length) || header.parse(buf, 2, d.length) != null) {
                continue;
            }
            assertTrue(header.payloadOffset() >= 2 + RtpHeader.FIXED_LENGTH && header.payloadLength() >= 0
                    && header.payloadOffset() + header.payloadLength() <= 2 + d.length,
                    "payload " + header.payloadOffset() + "+" + header.payloadLength() + " outside the datagram");
            try {
                decoder.packet(header.timestamp(), buf, header.payloadOffset(), header.payloadLength());
            } catch (AudioFormatException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
            }
        }
        decoder.end();
        long limit = 16_000L * (1 + 11L * datagrams.size());
        assertTrue(delivered[0] <= limit, datagrams.size() + " datagrams made " + delivered[0] + " samples");
    }

    private static final SrtpKey SRTP_KEY = new SrtpKey(SrtpKey.Suite.AES_CM_128_HMAC_SHA1_80,
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd");

    /**
     * SRTP: frames whose first byte is even are taken as received SRTP and must authenticate or be refused (-1) without
     * an exception; the others are plain RTP, encrypted under the same key by a sender of their own (a sender refuses
     * to reuse an old sequence number, a receiver must cope with anything) and decrypted back, which must give the
     * plain packet again.
     */
    @FuzzTest(maxDuration = "30s")
    void srtp(byte[] input) {
        long ssrc = 0x11223344L;
        RtpHeader header = new RtpHeader();
        try (SrtpReceiver receiver = new SrtpReceiver(SRTP_KEY, ssrc)) {
            for (byte[] f : FuzzFrames.split(input)) {
                if (f.length == 0) {
                    continue;
                }
                byte[] packet = Arrays.copyOfRange(f, 1, f.length);
                if ((f[0] & 1) == 0) {
                    int plain = receiver.decrypt(packet, 0, packet.length);
                    assertTrue(plain == -1 || plain >= RtpHeader.FIXED_LENGTH && plain <= packet.length,
                            "decrypted length " + plain + " of " + packet.length);
                } else if (header.parse(packet, 0, packet.length) == null && header.ssrc() == ssrc) {
                    byte[] secured;
                    try (SrtpSender sender = new SrtpSender(SRTP_KEY, ssrc)) {
                        secured = sender.encrypt(packet, 0, packet.length);
                    }
                    int plain = receiver.decrypt(secured, 0, secured.length);
                    if (plain >= 0) {
                        // a sequence number the replay window has passed is refused; anything accepted is the original
                        assertArrayEquals(packet, Arrays.copyOf(secured, plain));
                    }
                }
            }
        }
    }

    /**
     * STUN on the RTP port: what is taken for a binding request gets a success response that is itself valid STUN,
     * echoes the transaction id and carries a correct FINGERPRINT, for IPv4 and IPv6 peers.
     */
    @FuzzTest(maxDuration = "30s")
    void stun(byte[] input) throws IOException {
        if (!StunResponder.isStun(input, 0, input.length) || !StunResponder.isBindingRequest(input, 0)) {
            return;
        }
        StunResponder responder = new StunResponder();
        for (String address : new String[] {"192.0.2.1", "2001:db8::1"}) {
            InetSocketAddress from = new InetSocketAddress(InetAddress.getByName(address), 32853);
            byte[] response = Arrays.copyOf(responder.respond(input, 0, from), responder.responseLength());
            assertTrue(StunResponder.isStun(response, 0, response.length), "response is not STUN");
            assertArrayEquals(Arrays.copyOfRange(input, 4, 20), Arrays.copyOfRange(response, 4, 20),
                    "cookie and transaction id echoed");
            CRC32 crc = new CRC32();
            crc.update(response, 0, response.length - 8);
            assertEquals((int) crc.getValue() ^ 0x5354554E, ByteBuffer.wrap(response).getInt(response.length - 4));
        }
    }

    /** The videobridge's media events, one JSON event per line, on one connection. */
    @FuzzTest(maxDuration = "45s")
    void mediaJson(byte[] input) {
        Sockets.run(new MediaJsonConnection(Sockets.meeting(), Sockets.DRAIN, "en", 64 * 1024), socket -> {
            for (String line : FuzzFrames.lines(input)) {
                socket.onWebSocketText(line);
            }
        });
    }

    /** Jigasi's skynet frames (60-byte header and PCM, or the 0x00 end marker), one binary frame each. */
    @FuzzTest(maxDuration = "30s")
    void skynet(byte[] input) {
        Sockets.run(new SkynetConnection(Sockets.meeting(), Sockets.DRAIN, "en", 96 * 1024), socket -> {
            for (byte[] frame : FuzzFrames.split(input)) {
                Sockets.binary(socket, frame);
            }
        });
    }

    /**
     * A Vosk client: frames whose first byte is even are text messages (config, eof), the others binary PCM frames.
     */
    @FuzzTest(maxDuration = "30s")
    void vosk(byte[] input) {
        Sockets.run(new VoskConnection(Sockets.meeting(), Sockets.DRAIN, "vosk-fuzz", null, "en", 96 * 1024, 64 * 1024), socket -> {
            for (byte[] frame : FuzzFrames.split(input)) {
                if (frame.length == 0) {
                    continue;
                }
                byte[] body = Arrays.copyOfRange(frame, 1, frame.length);
                if ((frame[0] & 1) == 0) {
                    socket.onWebSocketText(new String(body, StandardCharsets.UTF_8));
                } else {
                    Sockets.binary(socket, body);
                }
            }
        });
    }

    private static Tokens tokens;

    private static synchronized Tokens tokens() {
        if (tokens == null) {
            tokens = new Tokens();
        }
        return tokens;
    }

    /**
     * JWT verification. An input starting with '{' is a header and a claims set (JSON, split at the first newline)
     * that the test signs with the verifier's key, so that claims are checked past the signature; anything else is a
     * token as received. Either way: accepted, or {@link JwtVerifier.InvalidTokenException} with a reason.
     */
    @FuzzTest(maxDuration = "45s")
    void jwt(byte[] input) throws GeneralSecurityException {
        String text = new String(input, StandardCharsets.UTF_8);
        String token = text;
        if (text.startsWith("{")) {
            int nl = text.indexOf('\n');
            String head = nl < 0 ? text : text.substring(0, nl);
            String claims = nl < 0 ? "{}" : text.substring(nl + 1);
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            String signingInput = b64.encodeToString(head.getBytes(StandardCharsets.UTF_8)) + "."
                    + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(tokens().keys.getPrivate());
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            token = signingInput + "." + b64.encodeToString(rsa.sign());
        }
        JwtVerifier verifier = new JwtVerifier(Map.of("jigasi", (RSAPublicKey) tokens().keys.getPublic()), "jitsi",
                "jigasi", Clock.fixed(NOW, ZoneOffset.UTC));
        try {
            verifier.verify(token);
        } catch (JwtVerifier.InvalidTokenException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        }
    }

    /** PEM public keys for JWT checks: an RSA key, or an {@link IOException} saying what the file is not. */
    @FuzzTest(maxDuration = "30s")
    void jwtPublicKeyPem(byte[] input) {
        Path file = ScratchFiles.write("file", input);
        AllocationBudget budget = AllocationBudget.start("JwtVerifier.readPem on " + input.length
                + " bytes", BASE_BUDGET + 64L * input.length);
        try {
            RSAPublicKey key = JwtVerifier.readPem(file);
            assertTrue(key.getModulus().signum() > 0);
        } catch (IOException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        }
        budget.check();
    }

    /**
     * The RTP map file ({@code --rtp-map}): rules, or an {@link IOException} naming the file; loaded rules resolve
     * their own SSRC and port, and what the REST API shows of them reads back as the same rules.
     */
    @FuzzTest(maxDuration = "30s")
    void rtpMap(byte[] input) {
        Path file = ScratchFiles.write("file", input);
        AllocationBudget budget = AllocationBudget.start("ParticipantMap.load on " + input.length
                + " bytes", BASE_BUDGET + 256L * input.length);
        ParticipantMap map;
        try {
            map = ParticipantMap.load(file);
        } catch (IOException e) {
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            budget.check();
            return;
        }
        budget.check();
        for (RtpMapping m : map.all()) {
            if (m.ssrc() != null && m.port() != null) {
                assertEquals(m, map.resolve(m.port(), m.ssrc()));
            }
        }
        List<RtpMapping> shown = ParticipantMap.parseAll(map.toJson());
        assertEquals(map.all().size(), shown.size());
        for (int i = 0; i < shown.size(); i++) {
            assertEquals(map.all().get(i).key(), shown.get(i).key());
        }
    }

    /**
     * Drives one Jitsi socket as Jetty would, without a network: open on a session that accepts every send, the
     * fuzzed messages, close. The contract of {@link MeetingSocket} is that bad input is dropped with a reason and
     * the connection goes on; an exception thrown to Jetty, or one a catch-all logged as a failed frame or event,
     * breaks it.
     */
    private static final class Sockets {
        /** Never draining: the connections are fuzzed as a serving node runs them. */
        static final Drain DRAIN = new Drain(Duration.ofSeconds(1));
        private static MeetingRegistry registry;
        private static LoggedFailures failures;

        private interface Body {
            void run(MeetingSocket socket);
        }

        static synchronized Supplier<Meeting> meeting() {
            if (registry == null) {
                StreamService streams = TestStreams.localAgreement(new SpeechBurstRecognizer(), 8, 0.5, 5);
                registry = new MeetingRegistry(streams, new DiscardingStore());
                failures = new LoggedFailures("dev.steno.jitsi");
            }
            MeetingRegistry r = registry;
            return () -> r.meeting("fuzz-meeting");
        }

        static void run(MeetingSocket socket, Body body) {
            failures.clear();
            Session session = mock(Session.class);
            when(session.isOpen()).thenReturn(true);
            doAnswer(call -> {
                call.getArgument(1, Callback.class).succeed();
                return null;
            }).when(session).sendText(anyString(), any(Callback.class));
            socket.onWebSocketOpen(session);
            try {
                body.run(socket);
            } finally {
                socket.onWebSocketClose(1000, "fuzz case done");
                // inline mocks are held until cleared, and with them every connection they saw: millions of cases
                Mockito.framework().clearInlineMocks();
            }
            failures.assertNone(socket.getClass().getSimpleName());
        }

        static void binary(MeetingSocket socket, byte[] frame) {
            AtomicInteger completed = new AtomicInteger();
            socket.onWebSocketBinary(ByteBuffer.wrap(frame),
                    Callback.from(completed::incrementAndGet, error -> completed.incrementAndGet()));
            assertEquals(1, completed.get(), "the frame's callback must complete once");
        }
    }

    /** Keeps nothing: the fuzz targets test parsing, not storage. */
    private static final class DiscardingStore implements TranscriptStore {
        private final AtomicInteger streams = new AtomicInteger();

        @Override
        public long openMeeting(String meetingId, long nowMillis) {
            return nowMillis;
        }

        @Override
        public StreamSlot addStream(String meetingId, String participantId, String displayName, String language,
                                    long nowMillis) {
            return new StreamSlot(1, streams.incrementAndGet());
        }

        @Override
        public void saveLine(String meetingId, String participantId, int stream, int seq, int voice, double start,
                             double end, String text, long nowMillis) {
        }

        @Override
        public void saveWords(String meetingId, String participantId, int stream, int firstSeq, List<Word> words) {
        }

        @Override
        public Optional<MeetingTranscript> transcript(String meetingId) {
            return Optional.empty();
        }

        @Override
        public List<MeetingTranscript.Summary> meetings() {
            return List.of();
        }

        @Override
        public int deleteMeetingsBefore(long cutoffMillis) {
            return 0;
        }

        @Override
        public String describe() {
            return "nothing kept";
        }

        @Override
        public void close() {
        }
    }
}
