/**
 * diart-style online diarization (the diarization spec, section 3) over ONNX models a user brings: pyannote
 * segmentation-3.0 ({@link dev.steno.engine.diarization.diart.SegmentationModel}) and a WeSpeaker or 3D-Speaker
 * embedding model ({@link dev.steno.engine.diarization.diart.EmbeddingModel}) on
 * {@link dev.steno.engine.diarization.diart.KaldiFbank Kaldi fbank} features. Per 0.5 s step over a rolling 5 s window:
 * {@link dev.steno.engine.diarization.diart.PowersetDecoding powerset decoding} of the segmentation, overlap-aware
 * embeddings, {@link dev.steno.engine.diarization.diart.OnlineClustering incremental clustering}, Hamming-weighted
 * aggregation of overlapping windows and binarisation, in
 * {@link dev.steno.engine.diarization.diart.DiartDiarizer}; {@code DiartDiarizer.open} makes the factory.
 */
package dev.steno.engine.diarization.diart;
