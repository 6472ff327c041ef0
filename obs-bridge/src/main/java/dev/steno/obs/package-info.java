/**
 * Live captions for OBS streams: audio sources ({@code source}), the caption sink interface and feed
 * ({@code caption}), the obs-websocket v5 client ({@code websocket}), outputs ({@code sink}, {@code overlay}), and
 * {@link dev.steno.obs.CaptionBridge}, which connects a transcription session to the feed.
 */
package dev.steno.obs;
