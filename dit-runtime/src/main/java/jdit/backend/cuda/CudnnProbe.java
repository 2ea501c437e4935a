package jdit.backend.cuda;

import java.util.function.LongSupplier;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.Loader;

/**
 * Whether cuDNN 9 can be used, decided once per JVM and only after {@link CudaProbe} found a device: the presets'
 * cudnn class fails to initialise where libcudnn is missing, and a class whose static initialisation failed can never
 * be used again, so the answer (with its reason) is kept and every failure becomes "fall back to the kernel".
 */
final class CudnnProbe {
    /** cuDNN 9.0.0 as {@code cudnnGetVersion} writes it; the graph API used here is cuDNN 9's. */
    static final long OLDEST = 90_000;

    private CudnnProbe() {
    }

    /** The outcome: cuDNN's version ({@code major·10000 + minor·100 + patch}), or 0 and why not. */
    record Result(long version, String reason) {
        boolean available() {
            return version > 0;
        }

        /** {@code 9.19.0}, or the reason. */
        String describe() {
            return available() ? "cuDNN " + version / 10_000 + "." + version / 100 % 100 + "." + version % 100 : reason;
        }
    }

    private static final class Once {
        static final Result RESULT = probe(CudnnProbe::load);
    }

    static Result result() {
        CudaProbe.Result cuda = CudaProbe.result();
        if (!cuda.available()) {
            return new Result(0, "no CUDA device: " + cuda.reason());
        }
        return Once.RESULT;
    }

    private static long load() {
        Loader.load(cudnn.class);
        return cudnn.cudnnGetVersion();
    }

    /** Runs {@code loader} (loads cuDNN, returns its version) and turns every way it can fail into a reason. */
    static Result probe(LongSupplier loader) {
        try {
            long version = loader.getAsLong();
            if (version < OLDEST) {
                return new Result(0, "cuDNN " + version + " is older than 9.0, the graph API used here");
            }
            return new Result(version, "");
        } catch (LinkageError | RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return new Result(0, "cuDNN could not be loaded (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")");
        }
    }
}
