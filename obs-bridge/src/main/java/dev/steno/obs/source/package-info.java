/** Live audio for the bridge: the system microphone and raw PCM streams. */
package dev.steno.obs.source;
