/**
 * The CPU backend ({@link jdit.backend.cpu.CpuBackend}): OpenBLAS sgemm through FFM downcalls, Vector API kernels
 * for everything else (norms, softmax, activations, RoPE, im2col convolutions), and {@link jdit.backend.cpu.Parallel},
 * the one threading helper. Each kernel is judged by {@code jdit.backend.ref} in the tests and measured by
 * {@code jdit.profile.KernelBench}.
 */
package jdit.backend.cpu;
