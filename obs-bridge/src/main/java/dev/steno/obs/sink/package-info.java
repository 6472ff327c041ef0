/** Caption outputs: OBS native captions and text source, live SRT/WebVTT files, YouTube Live HTTP captions. */
package dev.steno.obs.sink;
