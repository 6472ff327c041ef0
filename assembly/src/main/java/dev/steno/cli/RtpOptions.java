package dev.steno.cli;

import dev.steno.engine.diarization.DiarizerFactory;
import dev.steno.jitsi.meeting.MeetingRegistry;
import dev.steno.jitsi.rtp.MeetingAudioSink;
import dev.steno.jitsi.rtp.ParticipantAudioSink;
import dev.steno.jitsi.rtp.ParticipantMap;
import dev.steno.jitsi.rtp.RtpConfig;
import dev.steno.jitsi.rtp.RtpExtension;
import dev.steno.jitsi.rtp.SrtpKey;
import dev.steno.jitsi.rtp.TranscribingSink;
import dev.steno.server.ServerExtension;
import dev.steno.server.TranscriptionService;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code steno serve} flags of the RTP/Opus ingest (Janus rtp_forward, mediasoup PlainTransport, Kurento). */
final class RtpOptions {
    @Option(names = "--rtp-ports", paramLabel = "PORT", split = ",",
            description = "Receive RTP/Opus on these UDP ports (turns the RTP ingest on). Streams are told apart by "
                    + "SSRC and mapped to participants with --rtp-map or the REST API (PUT /rtp/mappings).")
    List<Integer> ports;

    @Option(names = "--rtp-bind", paramLabel = "ADDR", defaultValue = "0.0.0.0",
            description = "Local address for the RTP ports (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--rtp-advertise", paramLabel = "ADDR",
            description = "Address senders reach us at, written into the SDP of GET /rtp/sdp (default: --rtp-bind, "
                    + "or 127.0.0.1 when that is 0.0.0.0).")
    String advertise;

    @Option(names = "--rtp-map", paramLabel = "FILE",
            description = "JSON file of SSRC/port -> meeting and participant rules: {\"mappings\":[{\"meeting\":\"m\","
                    + "\"participant\":\"alice\",\"ssrc\":\"0x11111111\",\"port\":5004}, ...]}; changes made through the REST "
                    + "API are written back to it.")
    Path mapFile;

    @Option(names = "--rtp-srtp-key", paramLabel = "SUITE:BASE64",
            description = "SRTP for streams whose mapping names no key: AES_CM_128_HMAC_SHA1_80 (or _32) and the "
                    + "base64 30-byte key+salt, as Janus srtp_suite/srtp_crypto.")
    String srtpKey;

    @Option(names = "--rtp-payload-type", paramLabel = "PT", defaultValue = "111",
            description = "Opus RTP payload type accepted unless a mapping says otherwise (default: ${DEFAULT-VALUE}).")
    int payloadType;

    @Option(names = "--rtp-max-streams", paramLabel = "N", defaultValue = "500",
            description = "Streams decoded at once (default: ${DEFAULT-VALUE}).")
    int maxStreams;

    @Option(names = "--rtp-idle-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "A stream silent this long ends its participant's session (default: ${DEFAULT-VALUE}).")
    double idleSeconds;

    @Option(names = "--rtp-language", paramLabel = "LANG",
            description = "Language of RTP participants' sessions (default: the server's).")
    String language;

    /**
     * The RTP extension when {@code --rtp-ports} is given, else none. With the Jitsi meeting store on
     * ({@code --jitsi}), RTP participants join its meetings (stored, exportable transcripts); without it their
     * committed text is only logged.
     *
     * @param participantVoices tells voices apart within the logged participants (the meetings do so themselves),
     *                          or null
     */
    List<ServerExtension> extensions(TranscriptionService service, CommandLine cmd,
                                     Optional<Supplier<MeetingRegistry>> meetings, DiarizerFactory participantVoices)
            throws IOException {
        if (ports == null || ports.isEmpty()) {
            return List.of();
        }
        RtpConfig config;
        try {
            String advertised = advertise != null ? advertise : "0.0.0.0".equals(bind) || "::".equals(bind)
                    ? "127.0.0.1" : bind;
            config = RtpConfig.defaults().withPorts(ports).withAddresses(bind, advertised)
                    .withPayloadType(payloadType).withLimits(maxStreams, 256)
                    .withIdleTimeout(Duration.ofMillis(Math.round(idleSeconds * 1000)))
                    .withDefaultSrtp(srtpKey == null ? null : SrtpKey.parse(srtpKey));
            if (!(idleSeconds > 0)) {
                throw new IllegalArgumentException("--rtp-idle-timeout must be positive");
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, "RTP: " + e.getMessage());
        }
        ParticipantMap map = mapFile == null ? new ParticipantMap() : ParticipantMap.load(mapFile);
        if (mapFile != null) {
            map.persistTo(mapFile); // REST changes survive a restart
        }
        ParticipantAudioSink sink = meetings.<ParticipantAudioSink>map(
                r -> new MeetingAudioSink(r, language)).orElseGet(() -> {
                    System.getLogger(RtpOptions.class.getName()).log(System.Logger.Level.INFO,
                            "RTP participants' text is logged only; add --jitsi to keep meeting transcripts");
                    return TranscribingSink.logging(service.streams(), language, participantVoices);
                });
        return List.of(new RtpExtension(config, map, sink));
    }
}
