/**
 * Diarization scoring as NIST md-eval-22 does it: {@link dev.steno.engine.diarization.scoring.Rttm} and
 * {@link dev.steno.engine.diarization.scoring.Uem} read and write the files ({@link
 * dev.steno.engine.diarization.scoring.RttmTurn}, {@link dev.steno.engine.diarization.scoring.UemSegment}), and
 * {@link dev.steno.engine.diarization.scoring.DiarizationScorer} turns reference and system turns into a
 * {@link dev.steno.engine.diarization.scoring.DiarizationScore} (missed, false alarm, confusion, DER).
 *
 * <p>Typical use: {@code DiarizationScorer.withCollar(0.25).scoreAll(Rttm.read(ref), Rttm.read(hyp), Uem.read(uem))}
 * for files, or {@code score(referenceTurns, systemTurns, null)} for one recording, with system turns made from a
 * diarizer's segments by {@link dev.steno.engine.diarization.scoring.RttmTurn#of}. The engine's tests check the
 * figures against md-eval.pl itself (Debian package {@code sctk}).
 */
package dev.steno.engine.diarization.scoring;
