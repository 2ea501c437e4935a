package jdit.backend.cuda;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Loader;

/**
 * Whether a CUDA device can be used, decided once per JVM. Loading the CUDA presets fails on a machine without the
 * driver, and a class whose static initialisation failed can never be used again in that JVM, so every caller asks
 * here and nothing else touches the presets first. The failure never reaches the CPU path.
 */
public final class CudaProbe {
    private CudaProbe() {
    }

    /** The outcome: usable devices and, when there are none, why. */
    public record Result(int devices, String reason) {
        public boolean available() {
            return devices > 0;
        }
    }

    private static final class Once {
        static final Result RESULT = probe();
    }

    public static Result result() {
        return Once.RESULT;
    }

    public static boolean available() {
        return result().available();
    }

    private static Result probe() {
        try {
            Loader.load(cudart.class);
            int[] n = new int[1];
            int rc = cudart.cudaGetDeviceCount(n);
            if (rc != 0) {
                return new Result(0, "cudaGetDeviceCount failed: " + cudart.cudaGetErrorString(rc).getString());
            }
            return n[0] > 0 ? new Result(n[0], "") : new Result(0, "the CUDA driver reports no device");
        } catch (LinkageError e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return new Result(0, "no CUDA driver or runtime could be loaded (" + root.getMessage() + ")");
        }
    }
}
