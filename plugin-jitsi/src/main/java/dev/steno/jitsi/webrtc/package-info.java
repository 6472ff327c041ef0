/**
 * WebRTC audio ingest over WHIP (RFC 9725): SDP offer/answer, ICE through ice4j, a DTLS 1.2 server (BouncyCastle)
 * whose exported DTLS-SRTP keys (RFC 5764) feed the RTP path's SRTP receiver, jitter buffer and Opus decoder.
 */
package dev.steno.jitsi.webrtc;
