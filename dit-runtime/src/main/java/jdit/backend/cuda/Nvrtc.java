package jdit.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * NVRTC through FFM: CUDA C source to a cubin (for {@code sm_XY}) or PTX (for {@code compute_XY}). NVRTC needs no
 * driver and no GPU, so the kernel sources compile (and are checked) anywhere libnvrtc is found: a given library file
 * or the library path ({@code libnvrtc.so.13}, {@code libnvrtc.so}).
 */
public final class Nvrtc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final java.lang.foreign.AddressLayout ADDR = ValueLayout.ADDRESS;
    private final MethodHandle create;
    private final MethodHandle compile;
    private final MethodHandle logSize;
    private final MethodHandle log;
    private final MethodHandle codeSize;
    private final MethodHandle code;
    private final MethodHandle ptxSize;
    private final MethodHandle ptx;
    private final MethodHandle destroy;
    private final String version;

    private Nvrtc(SymbolLookup lib) throws Throwable {
        create = handle(lib, "nvrtcCreateProgram", FunctionDescriptor.of(INT, ADDR, ADDR, ADDR, INT, ADDR, ADDR));
        compile = handle(lib, "nvrtcCompileProgram", FunctionDescriptor.of(INT, ADDR, INT, ADDR));
        logSize = handle(lib, "nvrtcGetProgramLogSize", FunctionDescriptor.of(INT, ADDR, ADDR));
        log = handle(lib, "nvrtcGetProgramLog", FunctionDescriptor.of(INT, ADDR, ADDR));
        codeSize = handle(lib, "nvrtcGetCUBINSize", FunctionDescriptor.of(INT, ADDR, ADDR));
        code = handle(lib, "nvrtcGetCUBIN", FunctionDescriptor.of(INT, ADDR, ADDR));
        ptxSize = handle(lib, "nvrtcGetPTXSize", FunctionDescriptor.of(INT, ADDR, ADDR));
        ptx = handle(lib, "nvrtcGetPTX", FunctionDescriptor.of(INT, ADDR, ADDR));
        destroy = handle(lib, "nvrtcDestroyProgram", FunctionDescriptor.of(INT, ADDR));
        MethodHandle ver = handle(lib, "nvrtcVersion", FunctionDescriptor.of(INT, ADDR, ADDR));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment major = a.allocate(INT);
            MemorySegment minor = a.allocate(INT);
            check((int) ver.invokeExact(major, minor), "nvrtcVersion");
            version = major.get(INT, 0) + "." + minor.get(INT, 0);
        }
    }

    private static MethodHandle handle(SymbolLookup lib, String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(lib.find(name).orElseThrow(() -> new CudaException(name + " not found in libnvrtc")), fd);
    }

    /** NVRTC from {@code library}, or from the library path when empty; empty with nothing thrown when none loads. */
    public static Optional<Nvrtc> load(Optional<Path> library) {
        List<String> names = library.isPresent() ? List.of(library.get().toString())
                : List.of("libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so");
        for (String name : names) {
            try {
                SymbolLookup lib = library.isPresent() ? SymbolLookup.libraryLookup(Path.of(name), Arena.global())
                        : SymbolLookup.libraryLookup(name, Arena.global());
                return Optional.of(new Nvrtc(lib));
            } catch (Throwable e) {
                // try the next name
            }
        }
        return Optional.empty();
    }

    /** NVRTC's version, as "major.minor". */
    public String version() {
        return version;
    }

    /**
     * Compiles {@code source}; {@code arch} is {@code sm_90} style for a cubin or {@code compute_90} for PTX. Throws
     * {@link CudaException} with the compiler's log on an error.
     */
    public byte[] compile(String source, String name, String arch) {
        boolean cubin = arch.startsWith("sm_");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment prog = a.allocate(ADDR);
            check((int) create.invokeExact(prog, a.allocateFrom(source), a.allocateFrom(name), 0, MemorySegment.NULL,
                    MemorySegment.NULL), "nvrtcCreateProgram");
            MemorySegment p = prog.get(ADDR, 0);
            try {
                String[] options = {"--gpu-architecture=" + arch, "-std=c++17", "-default-device"};
                MemorySegment opts = a.allocate(ADDR, options.length);
                for (int i = 0; i < options.length; i++) {
                    opts.setAtIndex(ADDR, i, a.allocateFrom(options[i]));
                }
                int rc = (int) compile.invokeExact(p, options.length, opts);
                if (rc != 0) {
                    throw new CudaException("NVRTC could not compile " + name + " for " + arch + ":\n" + text(a, p, logSize, log));
                }
                MemorySegment size = a.allocate(ValueLayout.JAVA_LONG);
                check((int) (cubin ? codeSize : ptxSize).invokeExact(p, size), "nvrtcGetCodeSize");
                MemorySegment out = a.allocate(size.get(ValueLayout.JAVA_LONG, 0));
                check((int) (cubin ? code : ptx).invokeExact(p, out), "nvrtcGetCode");
                return out.toArray(ValueLayout.JAVA_BYTE);
            } finally {
                int ignored = (int) destroy.invokeExact(prog);
            }
        } catch (CudaException e) {
            throw e;
        } catch (Throwable e) {
            throw new CudaException("NVRTC call failed: " + e);
        }
    }

    private static String text(Arena a, MemorySegment p, MethodHandle sizeOf, MethodHandle get) throws Throwable {
        MemorySegment size = a.allocate(ValueLayout.JAVA_LONG);
        check((int) sizeOf.invokeExact(p, size), "nvrtcGetProgramLogSize");
        MemorySegment buf = a.allocate(Math.max(1, size.get(ValueLayout.JAVA_LONG, 0)));
        check((int) get.invokeExact(p, buf), "nvrtcGetProgramLog");
        return buf.getString(0, StandardCharsets.UTF_8);
    }

    private static void check(int rc, String what) {
        if (rc != 0) {
            throw new CudaException(what + " returned NVRTC error " + rc);
        }
    }
}
