/**
 * Streaming policies: how a stream of audio is turned into append-only committed words and a changing tentative
 * tail by calling a {@link dev.steno.engine.asr.SpeechRecognizer} repeatedly. {@link dev.steno.engine.policy.LocalAgreementPolicy}
 * implements LocalAgreement-2 (WhisperStreaming).
 */
package dev.steno.engine.policy;
