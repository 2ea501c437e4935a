package jdit.backend.cuda;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the CUDA backend keeps its compiled kernels and finds NVRTC; read from the environment by the caller (the CLI
 * reads {@code ~/.cache/jdit/cuda} and {@code JDIT_NVRTC}), never inside the library.
 *
 * @param kernelCache folder for cubins, keyed by source, architecture and NVRTC version
 * @param nvrtcLibrary the libnvrtc file to load, or empty for the library path
 */
public record CudaOptions(Path kernelCache, Optional<Path> nvrtcLibrary) {
}
