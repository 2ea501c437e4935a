package jdit.backend.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * FFM downcalls into the OpenBLAS that the {@code org.bytedeco:openblas} jar ships. JavaCPP's loader only extracts
 * and loads the library; the calls themselves go straight to {@code cblas_sgemm} with off-heap segments, so no
 * copies and no JNI wrappers are involved.
 */
public final class OpenBlas {
    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;

    private final MethodHandle sgemm;
    private final MethodHandle sbgemm;
    private final MethodHandle setThreads;
    private final String corename;
    private final String config;

    private OpenBlas(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        sgemm = linker.downcallHandle(find(lib, "cblas_sgemm"), FunctionDescriptor.ofVoid(i, i, i, i, i, i,
                ValueLayout.JAVA_FLOAT, ValueLayout.ADDRESS, i, ValueLayout.ADDRESS, i, ValueLayout.JAVA_FLOAT,
                ValueLayout.ADDRESS, i), Linker.Option.critical(false));
        sbgemm = lib.find("cblas_sbgemm").map(f -> linker.downcallHandle(f, FunctionDescriptor.ofVoid(i, i, i, i, i, i,
                ValueLayout.JAVA_FLOAT, ValueLayout.ADDRESS, i, ValueLayout.ADDRESS, i, ValueLayout.JAVA_FLOAT,
                ValueLayout.ADDRESS, i), Linker.Option.critical(false))).orElse(null);
        setThreads = linker.downcallHandle(find(lib, "openblas_set_num_threads"), FunctionDescriptor.ofVoid(i));
        corename = string(linker, lib, "openblas_get_corename");
        config = string(linker, lib, "openblas_get_config");
    }

    /**
     * Loads OpenBLAS, or says why it could not be loaded; callers then use the Vector API kernel and report it.
     */
    public static Result load() {
        try {
            org.bytedeco.javacpp.Loader.load(org.bytedeco.openblas.global.openblas_nolapack.class);
            Optional<String> path = libraryPath(org.bytedeco.javacpp.Loader.getLoadedLibraries());
            if (path.isEmpty()) {
                return new Result(null, "the openblas jar loaded but libopenblas was not among its libraries");
            }
            return new Result(new OpenBlas(SymbolLookup.libraryLookup(Path.of(path.get()), Arena.global())), null);
        } catch (LinkageError | RuntimeException e) {
            return new Result(null, "OpenBLAS could not be loaded: " + e);
        }
    }

    /** Either a loaded library or the reason there is none. */
    public record Result(OpenBlas blas, String failure) {
        public Optional<OpenBlas> get() {
            return Optional.ofNullable(blas);
        }
    }

    private static Optional<String> libraryPath(Map<String, String> loaded) {
        return loaded.values().stream().filter(p -> Path.of(p).getFileName().toString().startsWith("libopenblas")).findFirst();
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new UnsatisfiedLinkError("OpenBLAS lacks " + name));
    }

    private static String string(Linker linker, SymbolLookup lib, String fn) {
        try {
            MethodHandle h = linker.downcallHandle(find(lib, fn), FunctionDescriptor.of(ValueLayout.ADDRESS));
            return ((MemorySegment) h.invokeExact()).reinterpret(512).getString(0).strip();
        } catch (Throwable t) {
            return "unknown";
        }
    }

    /** The kernel OpenBLAS chose for this CPU (for example {@code Cooperlake}, or {@code Haswell} when forced). */
    public String corename() {
        return corename;
    }

    public String config() {
        return config;
    }

    public void setThreads(int n) {
        try {
            setThreads.invokeExact(n);
        } catch (Throwable t) {
            throw new IllegalStateException("openblas_set_num_threads failed", t);
        }
    }

    /**
     * Row-major {@code C[m,n] = alpha * A[m,k] · op(B) + beta * C}; B is [k,n] with leading dimension {@code ldb}, or
     * [n,k] when {@code transB}. Addresses are raw off-heap pointers to the first element.
     */
    public void sgemm(boolean transB, int m, int n, int k, float alpha, MemorySegment a, int lda, MemorySegment b, int ldb,
                      float beta, MemorySegment c, int ldc) {
        try {
            sgemm.invokeExact(ROW_MAJOR, NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemm failed", t);
        }
    }

    /** Whether this OpenBLAS build has {@code cblas_sbgemm} (BF16 inputs, F32 output). */
    public boolean hasSbgemm() {
        return sbgemm != null;
    }

    /** {@link #sgemm} with A and B in BF16 (raw 16-bit values), accumulating into F32 C. */
    public void sbgemm(boolean transB, int m, int n, int k, float alpha, MemorySegment a, int lda, MemorySegment b, int ldb,
                       float beta, MemorySegment c, int ldc) {
        if (sbgemm == null) {
            throw new UnsupportedOperationException("this OpenBLAS has no cblas_sbgemm");
        }
        try {
            sbgemm.invokeExact(ROW_MAJOR, NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sbgemm failed", t);
        }
    }
}
