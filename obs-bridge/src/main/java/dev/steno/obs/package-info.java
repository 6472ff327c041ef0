/**
 * Caption sinks for OBS: obs-websocket client, CEA-608 encoder, overlay page, SRT/WebVTT (OBS issue).
 */
package dev.steno.obs;
