/**
 * Off-heap tensors: {@link jdit.tensor.Tensor} over a {@link java.lang.foreign.MemorySegment} with views that
 * share memory, the {@link jdit.tensor.DType} set of safetensors and PyTorch files, bulk half-precision
 * conversion ({@link jdit.tensor.HalfFloats}), and the per-generation {@link jdit.tensor.Workspace} that reuses
 * big buffers because first touch of fresh memory is slow.
 */
package jdit.tensor;
