package dev.steno.jitsi.webrtc;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The parts of a WHIP publisher's SDP offer that the answer and the transport need.
 *
 * @param iceUfrag        the offer's ICE username fragment (session or audio level)
 * @param icePwd          the offer's ICE password
 * @param fingerprintHash the hash of {@code a=fingerprint} ("sha-256")
 * @param fingerprint     the certificate digest the peer's DTLS certificate must have
 * @param media           every m-line in order
 * @param candidates      the offer's {@code a=candidate} values, once each (empty when the publisher trickles)
 */
public record SdpOffer(String iceUfrag, String icePwd, String fingerprintHash, byte[] fingerprint,
                       List<Media> media, List<String> candidates) {
    /** Longest offer accepted: browsers send a few kB; a bound keeps a hostile POST cheap. */
    public static final int MAX_LENGTH = 64 * 1024;

    /**
     * One m-line.
     *
     * @param kind        "audio", "video", "application", ...
     * @param proto       e.g. "UDP/TLS/RTP/SAVPF"
     * @param formats     the m-line's format list
     * @param mid         its {@code a=mid}, or null
     * @param opusPayload the payload type of {@code opus/48000/2}, or -1
     * @param opusFmtp    the {@code a=fmtp} parameters of that payload type, or null
     * @param setup       its {@code a=setup} role, or null
     */
    public record Media(String kind, String proto, String formats, String mid, int opusPayload, String opusFmtp,
                        String setup) {
        /** Whether the answer takes this m-line: audio carrying Opus over DTLS-SRTP. */
        public boolean usable() {
            return "audio".equals(kind) && opusPayload >= 0 && proto.toUpperCase(Locale.ROOT).contains("SAVP");
        }
    }

    /** Copies the lists. */
    public SdpOffer {
        media = List.copyOf(media);
        candidates = List.copyOf(candidates);
        fingerprint = fingerprint.clone();
    }

    /** The first usable audio m-line's index. */
    public int audioIndex() {
        for (int i = 0; i < media.size(); i++) {
            if (media.get(i).usable()) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Parses an offer.
     *
     * @throws IllegalArgumentException naming what is wrong: not SDP, no ICE credentials or fingerprint, no audio
     *                                  m-line with Opus over DTLS-SRTP
     */
    public static SdpOffer parse(String sdp) {
        if (sdp == null || sdp.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("the offer is empty or longer than " + MAX_LENGTH + " characters");
        }
        String[] lines = sdp.split("\r?\n");
        if (lines.length == 0 || !lines[0].trim().equals("v=0")) {
            throw new IllegalArgumentException("not SDP: the offer must start with v=0");
        }
        String ufrag = null;
        String pwd = null;
        String fpHash = null;
        String fpHex = null;
        String setup = null;
        List<Media> media = new ArrayList<>();
        List<String> candidates = new ArrayList<>();
        MediaBuilder current = null;
        for (String raw : lines) {
            String line = raw.trim();
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=') {
                throw new IllegalArgumentException("not SDP: bad line '" + abbreviate(line) + "'");
            }
            if (line.startsWith("m=")) {
                if (current != null) {
                    media.add(current.build(setup));
                }
                String[] f = line.substring(2).split(" ", 4);
                if (f.length < 3) {
                    throw new IllegalArgumentException("bad m-line '" + abbreviate(line) + "'");
                }
                current = new MediaBuilder(f[0], f[2], f.length > 3 ? f[3] : "");
                continue;
            }
            if (!line.startsWith("a=")) {
                continue;
            }
            String attr = line.substring(2);
            int colon = attr.indexOf(':');
            String name = colon < 0 ? attr : attr.substring(0, colon);
            String value = colon < 0 ? "" : attr.substring(colon + 1).trim();
            switch (name) {
                case "ice-ufrag" -> ufrag = ufrag == null || current == null ? value : ufrag;
                case "ice-pwd" -> pwd = pwd == null || current == null ? value : pwd;
                case "fingerprint" -> {
                    String[] f = value.split(" ", 2);
                    if (f.length == 2 && fpHex == null) {
                        fpHash = f[0].toLowerCase(Locale.ROOT);
                        fpHex = f[1].trim();
                    }
                }
                case "setup" -> {
                    if (current == null) {
                        setup = value;
                    } else {
                        current.setup = value;
                    }
                }
                case "mid" -> {
                    if (current != null) {
                        current.mid = value;
                    }
                }
                case "rtpmap" -> {
                    if (current != null) {
                        current.rtpmap(value);
                    }
                }
                case "fmtp" -> {
                    if (current != null) {
                        current.fmtp(value);
                    }
                }
                case "candidate" -> {
                    // one transport (BUNDLE or audio only): every m-line lists the same candidates
                    if (!candidates.contains(value)) {
                        candidates.add(value);
                    }
                }
                default -> {
                }
            }
        }
        if (current != null) {
            media.add(current.build(setup));
        }
        if (media.stream().noneMatch(Media::usable)) {
            throw new IllegalArgumentException("the offer has no audio m-line with Opus (opus/48000/2) over "
                    + "DTLS-SRTP; WHIP ingest takes audio only");
        }
        if (ufrag == null || pwd == null) {
            throw new IllegalArgumentException("the offer has no a=ice-ufrag and a=ice-pwd");
        }
        if (fpHex == null) {
            throw new IllegalArgumentException("the offer has no a=fingerprint for DTLS");
        }
        if (!fpHash.equals("sha-256")) {
            throw new IllegalArgumentException("unsupported fingerprint hash '" + fpHash + "' (sha-256 only)");
        }
        byte[] fp;
        try {
            fp = HexFormat.ofDelimiter(":").parseHex(fpHex.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad a=fingerprint value: " + e.getMessage(), e);
        }
        if (fp.length != 32) {
            throw new IllegalArgumentException("a sha-256 fingerprint has 32 bytes, got " + fp.length);
        }
        return new SdpOffer(ufrag, pwd, fpHash, fp, media, candidates);
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    private static final class MediaBuilder {
        final String kind;
        final String proto;
        final String formats;
        String mid;
        String setup;
        int opus = -1;
        String opusFmtp;
        private final List<String[]> fmtps = new ArrayList<>();

        MediaBuilder(String kind, String proto, String formats) {
            this.kind = kind;
            this.proto = proto;
            this.formats = formats;
        }

        void rtpmap(String value) {
            String[] f = value.split(" ", 2);
            if (f.length == 2 && opus < 0 && f[1].trim().equalsIgnoreCase("opus/48000/2")) {
                try {
                    opus = Integer.parseInt(f[0]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad a=rtpmap payload type '" + f[0] + "'", e);
                }
            }
        }

        void fmtp(String value) {
            String[] f = value.split(" ", 2);
            if (f.length == 2) {
                fmtps.add(f);
            }
        }

        Media build(String sessionSetup) {
            for (String[] f : fmtps) {
                if (f[0].equals(Integer.toString(opus))) {
                    opusFmtp = f[1];
                }
            }
            return new Media(kind, proto, formats, mid, opus, opusFmtp, setup != null ? setup : sessionSetup);
        }
    }
}
