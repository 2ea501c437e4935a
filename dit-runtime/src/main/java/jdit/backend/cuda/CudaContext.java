package jdit.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import jdit.tensor.DType;
import jdit.tensor.Device;
import jdit.tensor.Shape;
import jdit.tensor.Tensor;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * One CUDA device as the backend uses it: a stream every op is issued on (in order, so ops need no events between
 * them), a cuBLAS handle on that stream, device allocations (freed on {@link #close}), and the project's kernels,
 * compiled by NVRTC at first use for this device's architecture and cached on disk.
 */
public final class CudaContext implements AutoCloseable {
    private final Device device;
    private final CUstream_st stream = new CUstream_st();
    private final cublasContext blas = new cublasContext();
    private final Nvrtc nvrtc;
    private final Path kernelCache;
    private final String arch;
    private final int computeMajor;
    private final int maxSharedOptIn;
    private final DenseAttention denseAttention;
    private CudnnSdpa sdpa;
    private String sdpaUnavailable;
    private final Map<String, CUmod_st> modules = new HashMap<>();
    private final Map<String, CUfunc_st> functions = new HashMap<>();
    private final Map<Long, Long> allocations = new HashMap<>();
    private final Map<CUfunc_st, Integer> sharedSet = new IdentityHashMap<>();

    private CudaContext(int index, Nvrtc nvrtc, CudaOptions options) {
        this.device = Device.cuda(index);
        this.nvrtc = nvrtc;
        this.kernelCache = options.kernelCache();
        this.denseAttention = options.denseAttention();
        check(cudart.cudaSetDevice(index), "cudaSetDevice(" + index + ")");
        int[] major = new int[1];
        int[] minor = new int[1];
        int[] shared = new int[1];
        check(cudart.cudaDeviceGetAttribute(major, cudart.cudaDevAttrComputeCapabilityMajor, index), "cudaDeviceGetAttribute");
        check(cudart.cudaDeviceGetAttribute(minor, cudart.cudaDevAttrComputeCapabilityMinor, index), "cudaDeviceGetAttribute");
        check(cudart.cudaDeviceGetAttribute(shared, cudart.cudaDevAttrMaxSharedMemoryPerBlockOptin, index), "cudaDeviceGetAttribute");
        this.arch = "sm_" + major[0] + minor[0];
        this.computeMajor = major[0];
        this.maxSharedOptIn = shared[0];
        check(cudart.cudaStreamCreate(stream), "cudaStreamCreate");
        checkBlas(cublas.cublasCreate_v2(blas), "cublasCreate");
        checkBlas(cublas.cublasSetStream_v2(blas, stream), "cublasSetStream");
    }

    /** The context of device {@code index}; needs {@link CudaProbe#available()} and NVRTC where the options say. */
    public static CudaContext open(int index, CudaOptions options) {
        CudaProbe.Result probe = CudaProbe.result();
        if (!probe.available()) {
            throw new CudaException("no CUDA device: " + probe.reason());
        }
        if (index < 0 || index >= probe.devices()) {
            throw new IllegalArgumentException("cuda:" + index + " does not exist; this machine has " + probe.devices()
                    + " device(s), cuda:0 to cuda:" + (probe.devices() - 1));
        }
        Nvrtc nvrtc = Nvrtc.load(options.nvrtcLibrary()).orElseThrow(() -> new CudaException(
                "libnvrtc.so.13 was not found: put the CUDA 13 lib directory on LD_LIBRARY_PATH or set JDIT_NVRTC"));
        return new CudaContext(index, nvrtc, options);
    }

    public Device device() {
        return device;
    }

    /** The architecture kernels are compiled for, {@code sm_XY}. */
    public String arch() {
        return arch;
    }

    int computeMajor() {
        return computeMajor;
    }

    /** What {@link CudaBackend#create(CudaContext)} runs dense plans on, from the options. */
    DenseAttention denseAttention() {
        return denseAttention;
    }

    /**
     * cuDNN's attention on this context, opened at first use; empty, with the reason kept, where cuDNN cannot be
     * loaded or opened (the callers then run the kernel).
     */
    synchronized Optional<CudnnSdpa> sdpa() {
        if (sdpa == null && sdpaUnavailable == null) {
            CudnnProbe.Result probe = CudnnProbe.result();
            if (!probe.available()) {
                sdpaUnavailable = probe.reason();
            } else {
                try {
                    sdpa = CudnnSdpa.open(this, DType.BF16);
                } catch (CudaException | LinkageError e) {
                    sdpaUnavailable = "cuDNN did not open: " + e.getMessage();
                }
            }
        }
        return Optional.ofNullable(sdpa);
    }

    /** Whether dense attention can go through cuDNN on this context (cuDNN 9 loaded and opened). */
    public synchronized boolean cudnnAvailable() {
        return sdpa().isPresent();
    }

    /** {@code cuDNN 9.19.0}, or why dense attention cannot use cuDNN here. */
    public synchronized String cudnnStatus() {
        return sdpa().isPresent() ? CudnnProbe.result().describe() : sdpaUnavailable;
    }

    /** Why cuDNN refused the attention shapes it refused on this context (those ran on the kernel); empty if none. */
    public synchronized java.util.List<String> cudnnRefusals() {
        return sdpa == null ? java.util.List.of() : java.util.List.copyOf(sdpa.refusals().values());
    }

    int maxSharedOptIn() {
        return maxSharedOptIn;
    }

    CUstream_st stream() {
        return stream;
    }

    cublasContext blas() {
        return blas;
    }

    /** A device tensor, contents unspecified, freed by {@link #free} or {@link #close}. */
    public synchronized Tensor allocate(DType dtype, Shape shape) {
        long bytes = Math.max(1, Math.multiplyExact(shape.numel(), (long) dtype.byteSize()));
        Pointer p = new Pointer();
        check(cudart.cudaMalloc(p, bytes), "cudaMalloc(" + bytes + " bytes)");
        allocations.put(p.address(), bytes);
        return Tensor.onDevice(MemorySegment.ofAddress(p.address()).reinterpret(bytes), dtype, shape, device);
    }

    public Tensor allocate(DType dtype, long... shape) {
        return allocate(dtype, Shape.of(shape));
    }

    /** Frees a tensor returned by {@link #allocate} (not a view of one). */
    public synchronized void free(Tensor t) {
        long address = t.address();
        if (allocations.remove(address) == null) {
            throw new IllegalArgumentException("not an allocation of this context: " + t);
        }
        check(cudart.cudaFree(new RawPointer(address)), "cudaFree");
    }

    /** A device copy of a host tensor (made contiguous), synchronous. */
    public Tensor upload(Tensor host) {
        try (Arena staging = Arena.ofConfined()) {
            Tensor src = host;
            if (!host.isContiguous()) {
                src = Tensor.allocate(staging, host.dtype(), host.shape());
                host.copyTo(src);
            }
            Tensor t = allocate(host.dtype(), host.shape());
            check(cudart.cudaMemcpyAsync(new RawPointer(t.address()), new RawPointer(src.data().address()), t.byteSize(),
                    cudart.cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync(host to device)");
            synchronize();
            return t;
        }
    }

    /** Copies a contiguous device tensor into a contiguous host tensor of the same dtype and size, synchronous. */
    public void download(Tensor deviceTensor, Tensor host) {
        if (!deviceTensor.isContiguous() || !host.isContiguous() || deviceTensor.dtype() != host.dtype()
                || deviceTensor.numel() != host.numel()) {
            throw new IllegalArgumentException("download needs contiguous tensors of one dtype and size, got " + deviceTensor
                    + " and " + host);
        }
        check(cudart.cudaMemcpyAsync(new RawPointer(host.data().address()), new RawPointer(deviceTensor.address()),
                host.byteSize(), cudart.cudaMemcpyDeviceToHost, stream), "cudaMemcpyAsync(device to host)");
        synchronize();
    }

    /** Host bytes to device memory, asynchronous on the stream; the host memory must outlive the copy. */
    void copyToDevice(long deviceAddress, long hostAddress, long bytes) {
        check(cudart.cudaMemcpyAsync(new RawPointer(deviceAddress), new RawPointer(hostAddress), bytes,
                cudart.cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync(host to device)");
    }

    /** Zeroes {@code bytes} of device memory, asynchronous on the stream. */
    void zero(long deviceAddress, long bytes) {
        check(cudart.cudaMemsetAsync(new RawPointer(deviceAddress), 0, bytes, stream), "cudaMemsetAsync");
    }

    void copyToHost(long hostAddress, long deviceAddress, long bytes) {
        check(cudart.cudaMemcpyAsync(new RawPointer(hostAddress), new RawPointer(deviceAddress), bytes,
                cudart.cudaMemcpyDeviceToHost, stream), "cudaMemcpyAsync(device to host)");
    }

    public void synchronize() {
        check(cudart.cudaStreamSynchronize(stream), "cudaStreamSynchronize");
    }

    /** Kernel {@code name} of resource {@code source} (a .cu file beside this class), compiled on first use. */
    synchronized CUfunc_st function(String source, String name) {
        return functions.computeIfAbsent(source + "/" + name, key -> {
            CUmod_st module = modules.computeIfAbsent(source, this::load);
            CUfunc_st f = new CUfunc_st();
            check(cudart.cuModuleGetFunction(f, module, name), "cuModuleGetFunction(" + name + ")");
            return f;
        });
    }

    /** Launches on the stream; {@code shared} bytes of dynamic shared memory (the opt-in limit is raised as needed). */
    void launch(CUfunc_st f, int gridX, int gridY, int gridZ, int block, int shared, KernelArgs args) {
        if (shared > 48 * 1024 && sharedSet.getOrDefault(f, 0) < shared) {
            if (shared > maxSharedOptIn) {
                throw new CudaException("a kernel needs " + shared + " bytes of shared memory, the device allows " + maxSharedOptIn);
            }
            check(cudart.cuFuncSetAttribute(f, cudart.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, shared),
                    "cuFuncSetAttribute(max dynamic shared memory)");
            sharedSet.put(f, shared);
        }
        PointerPointer<?> params = args.pointers();
        check(cudart.cuLaunchKernel(f, gridX, gridY, gridZ, block, 1, 1, shared, stream, params, (PointerPointer<?>) null),
                "cuLaunchKernel");
    }

    /** A 1-D grid for {@code n} elements at {@code block} threads, capped (the kernels loop over the rest). */
    static int blocksFor(long n, int block) {
        return (int) Math.max(1, Math.min((n + block - 1) / block, 65_535L * 8));
    }

    private CUmod_st load(String source) {
        String text = resource(source);
        byte[] image = cached(text, source);
        BytePointer data = new BytePointer(image.length + 1L);
        data.put(image, 0, image.length).put(image.length, (byte) 0);
        CUmod_st module = new CUmod_st();
        check(cudart.cuModuleLoadData(module, data), "cuModuleLoadData(" + source + ")");
        return module;
    }

    /** The cubin of {@code text} for this device, from the disk cache or compiled and stored there. */
    private byte[] cached(String text, String name) {
        Path dir = kernelCache;
        Path file = dir.resolve(sha256(nvrtc.version() + "\n" + arch + "\n" + text) + ".cubin");
        try {
            if (Files.isRegularFile(file)) {
                return Files.readAllBytes(file);
            }
        } catch (IOException e) {
            // compile instead
        }
        byte[] image = nvrtc.compile(text, name, arch);
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "kernel", ".tmp");
            Files.write(tmp, image);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // a cache that cannot be written only costs a compile next time
        }
        return image;
    }

    static String resource(String name) {
        try (InputStream in = CudaContext.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("kernel source " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read kernel source " + name, e);
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void check(int rc, String what) {
        if (rc != 0) {
            throw new CudaException(what + " failed: " + cudart.cudaGetErrorString(rc).getString() + " (" + rc + ")");
        }
    }

    static void checkBlas(int rc, String what) {
        if (rc != 0) {
            throw new CudaException(what + " failed with cuBLAS status " + rc);
        }
    }

    @Override
    public synchronized void close() {
        cudart.cudaStreamSynchronize(stream);
        if (sdpa != null) {
            sdpa.close();
            sdpa = null;
        }
        sdpaUnavailable = "the context is closed";
        for (long address : allocations.keySet()) {
            cudart.cudaFree(new RawPointer(address));
        }
        allocations.clear();
        cublas.cublasDestroy_v2(blas);
        modules.values().forEach(cudart::cuModuleUnload);
        cudart.cudaStreamDestroy(stream);
    }
}
