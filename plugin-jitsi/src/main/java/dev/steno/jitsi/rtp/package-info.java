/**
 * RTP/Opus ingest over UDP for media-server taps (Janus {@code rtp_forward}, mediasoup PlainTransport, Kurento
 * RtpEndpoint): UDP ports demultiplexed by SSRC, an SSRC/port to participant map, a jitter buffer per stream, Opus
 * decoding with loss concealment and in-band FEC, SRTP (SDES keys) and STUN binding answers. Each participant's audio
 * leaves as 16 kHz float samples through {@link dev.steno.jitsi.rtp.ParticipantAudioSink}.
 */
package dev.steno.jitsi.rtp;
