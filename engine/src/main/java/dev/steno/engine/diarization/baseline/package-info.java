/**
 * The weight-free baseline diarizer: cepstra and pitch per 10 ms frame, units of speech cut at pauses, online
 * clustering with a new-speaker distance, a confirmation by the next unit, a warm-up and merging of close speakers.
 * See {@link dev.steno.engine.diarization.baseline.BaselineDiarizer} for what it does and where it fails.
 */
package dev.steno.engine.diarization.baseline;
