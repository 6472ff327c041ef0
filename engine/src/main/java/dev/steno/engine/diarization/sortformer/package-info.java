/**
 * Streaming Sortformer diarization (NVIDIA's {@code diar_streaming_sortformer_4spk}) through a community ONNX
 * export: the incremental log-mel front end ({@link dev.steno.engine.diarization.sortformer.SortformerMel}), the
 * host-side speaker cache and FIFO ({@link dev.steno.engine.diarization.sortformer.SortformerState}), the shared
 * ONNX session ({@link dev.steno.engine.diarization.sortformer.SortformerModel}), NeMo's post-processing and the
 * {@link dev.steno.engine.diarization.Diarizer} that ties them together
 * ({@link dev.steno.engine.diarization.sortformer.SortformerDiarizer}). The algorithm follows
 * {@code shared/docs/diarization.md}, section 2.
 */
package dev.steno.engine.diarization.sortformer;
