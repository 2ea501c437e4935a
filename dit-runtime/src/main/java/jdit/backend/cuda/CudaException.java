package jdit.backend.cuda;

/** A CUDA, cuBLAS or NVRTC call that did not return success, with the call and the library's message. */
public final class CudaException extends RuntimeException {
    public CudaException(String message) {
        super(message);
    }
}
