/**
 * onnxruntime sessions shared by the engine's ONNX models: opening with messages a user can act on, signature checks.
 */
package dev.steno.engine.onnx;
