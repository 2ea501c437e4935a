/**
 * The CUDA backend: cuBLAS for the products, NVRTC-compiled kernels (sources in this package's resources) for the
 * element-wise ops, norms, reductions, convolutions' im2col and the block-sparse flash-attention kernel that takes
 * the same plans as the CPU one. JavaCPP's CUDA presets give the runtime, driver and cuBLAS calls; NVRTC is called
 * through FFM, so kernel sources can be compiled (and checked) on a machine without a GPU. The CUDA libraries come
 * from the machine's installation, found on the library path.
 */
package jdit.backend.cuda;
