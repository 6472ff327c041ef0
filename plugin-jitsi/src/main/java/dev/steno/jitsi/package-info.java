/**
 * Jitsi and other media servers on the Steno server: {@link dev.steno.jitsi.JitsiExtension} installs the videobridge
 * audio export, Jigasi/skynet and Vosk WebSockets and the meeting-transcript REST API, configured by
 * {@link dev.steno.jitsi.JitsiConfig}. The meeting core they feed lives in {@code dev.steno.jitsi.meeting}.
 */
package dev.steno.jitsi;
