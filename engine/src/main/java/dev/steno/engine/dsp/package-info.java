/**
 * Signal processing shared by the engine's front ends: the FFT, the power spectrum of a windowed frame and mel
 * filter banks. Whisper's log-mel, the diarization features (Sortformer's mel, Kaldi fbank, the baseline's cepstra)
 * all call these.
 */
package dev.steno.engine.dsp;
