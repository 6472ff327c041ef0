/**
 * {@code steno relay}: an RTMP relay between OBS and Twitch/YouTube that transcribes the stream's own audio and
 * writes compliant CEA-608 captions into its H.264 pictures, in display order (B-frames work), with an optional
 * caption delay. FFmpeg is the transport ({@link dev.steno.obs.relay.CaptionRelay}); Steno rewrites FLV tags
 * between its two processes ({@link dev.steno.obs.relay.CaptionedTags}).
 */
package dev.steno.obs.relay;
