/**
 * SimulStreaming's AlignAtt streaming policy ({@code docs/algorithms.md} section 2): decode token by token and stop
 * where the alignment heads' cross-attention reaches the end of the audio received so far.
 *
 * <p>Two layers: {@link dev.steno.engine.policy.alignatt.AlignAttModel} is the model as the policy sees it (encode
 * audio, feed tokens, read logits and alignment-head attention), implemented over the Java Whisper by
 * {@link dev.steno.engine.policy.alignatt.JavaWhisperAlignAttModel}; {@link
 * dev.steno.engine.policy.alignatt.AlignAttPolicy} holds the stop rules and the stream's state, so they can be tested
 * against a scripted model without weights.
 */
package dev.steno.engine.policy.alignatt;
