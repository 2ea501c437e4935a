package jdit.backend.cuda;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the CUDA backend keeps its compiled kernels and finds NVRTC, and how it runs dense attention; read from the
 * environment by the caller (the CLI reads {@code ~/.cache/jdit/cuda} and {@code JDIT_NVRTC}), never inside the library.
 *
 * @param kernelCache folder for cubins, keyed by source, architecture and NVRTC version
 * @param nvrtcLibrary the libnvrtc file to load, or empty for the library path
 * @param denseAttention what {@link CudaBackend#create(CudaContext)} runs dense plans on
 */
public record CudaOptions(Path kernelCache, Optional<Path> nvrtcLibrary, DenseAttention denseAttention) {
    public CudaOptions {
        if (denseAttention == null) {
            throw new IllegalArgumentException("denseAttention must be CUDNN or KERNEL, got null");
        }
    }

    /** Dense attention through cuDNN where it can run. */
    public CudaOptions(Path kernelCache, Optional<Path> nvrtcLibrary) {
        this(kernelCache, nvrtcLibrary, DenseAttention.CUDNN);
    }

    /** The same options with dense plans run on {@code dense}. */
    public CudaOptions withDenseAttention(DenseAttention dense) {
        return new CudaOptions(kernelCache, nvrtcLibrary, dense);
    }
}
