/**
 * Our own CEA-608 caption encoder for live speech: {@link dev.steno.obs.cea608.Cea608CaptionSink} turns committed
 * words into exactly one byte pair per video frame (roll-up or pop-on, CC1 or CC2, parity, character mapping,
 * bounded delay); {@link dev.steno.obs.cea608.SccWriter} writes the pairs as an SCC file and
 * {@code dev.steno.obs.sei} carries them in H.264 as ATSC A/53 caption SEI.
 */
package dev.steno.obs.cea608;
