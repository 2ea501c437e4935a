package jdit.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.bytedeco.cuda.cudnn.cudnnBackendDescriptor_t;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.LongPointer;

/**
 * One cuDNN backend descriptor: created by type, given its attributes, finalized, destroyed on close. Attribute values
 * are written into 8-byte-aligned, zeroed host memory that lives only for the call (cuDNN copies them): enums as
 * 32-bit ints and booleans as one byte, so a library that reads either width sees the same value.
 */
final class CudnnDescriptor implements AutoCloseable {
    private final cudnnBackendDescriptor_t desc = new cudnnBackendDescriptor_t();
    private final String what;

    CudnnDescriptor(int type, String what) {
        this.what = what;
        check(cudnn.cudnnBackendCreateDescriptor(type, desc), "cudnnBackendCreateDescriptor(" + what + ")");
    }

    long address() {
        return desc.address();
    }

    cudnnBackendDescriptor_t raw() {
        return desc;
    }

    CudnnDescriptor longs(int attribute, long... values) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(8L * values.length, 8);
            MemorySegment.copy(values, 0, m, ValueLayout.JAVA_LONG, 0, values.length);
            return set(attribute, cudnn.CUDNN_TYPE_INT64, values.length, m);
        }
    }

    /** An enum attribute: {@code type} is the CUDNN_TYPE_* of the enum (data type, pointwise mode, heuristic mode...). */
    CudnnDescriptor enumValue(int attribute, int type, int value) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(8, 8);
            m.set(ValueLayout.JAVA_INT, 0, value);
            return set(attribute, type, 1, m);
        }
    }

    CudnnDescriptor bool(int attribute, boolean value) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(8, 8);
            m.set(ValueLayout.JAVA_BYTE, 0, (byte) (value ? 1 : 0));
            return set(attribute, cudnn.CUDNN_TYPE_BOOLEAN, 1, m);
        }
    }

    /** A cudnnHandle_t attribute. */
    CudnnDescriptor handle(int attribute, long handle) {
        return addresses(attribute, cudnn.CUDNN_TYPE_HANDLE, handle);
    }

    CudnnDescriptor descriptors(int attribute, CudnnDescriptor... ds) {
        long[] addresses = new long[ds.length];
        for (int i = 0; i < ds.length; i++) {
            addresses[i] = ds[i].address();
        }
        return addresses(attribute, cudnn.CUDNN_TYPE_BACKEND_DESCRIPTOR, addresses);
    }

    /** {@code void*} attributes (device or host addresses). */
    CudnnDescriptor pointers(int attribute, long... addresses) {
        return addresses(attribute, cudnn.CUDNN_TYPE_VOID_PTR, addresses);
    }

    private CudnnDescriptor addresses(int attribute, int type, long... values) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(8L * values.length, 8);
            MemorySegment.copy(values, 0, m, ValueLayout.JAVA_LONG, 0, values.length);
            return set(attribute, type, values.length, m);
        }
    }

    private CudnnDescriptor set(int attribute, int type, long count, MemorySegment values) {
        check(cudnn.cudnnBackendSetAttribute(desc, attribute, type, count, new RawPointer(values.address())),
                "cudnnBackendSetAttribute(" + what + ", attribute " + attribute + ")");
        return this;
    }

    CudnnDescriptor finish() {
        check(cudnn.cudnnBackendFinalize(desc), "cudnnBackendFinalize(" + what + ")");
        return this;
    }

    /** The rc of finalizing, for callers that try several candidates (engine configurations) and keep one that works. */
    int tryFinish() {
        return cudnn.cudnnBackendFinalize(desc);
    }

    /** A single INT64 attribute of a finalized descriptor. */
    long getLong(int attribute) {
        try (LongPointer count = new LongPointer(1); LongPointer value = new LongPointer(1)) {
            check(cudnn.cudnnBackendGetAttribute(desc, attribute, cudnn.CUDNN_TYPE_INT64, 1, count, value),
                    "cudnnBackendGetAttribute(" + what + ", attribute " + attribute + ")");
            return value.get();
        }
    }

    /** How many descriptors a BACKEND_DESCRIPTOR-typed attribute holds (heuristic results). */
    long count(int attribute) {
        try (LongPointer count = new LongPointer(1)) {
            check(cudnn.cudnnBackendGetAttribute(desc, attribute, cudnn.CUDNN_TYPE_BACKEND_DESCRIPTOR, 0, count, null),
                    "cudnnBackendGetAttribute(" + what + ", count of attribute " + attribute + ")");
            return count.get();
        }
    }

    /** Fills the given, already created descriptors from a BACKEND_DESCRIPTOR-typed attribute; returns how many. */
    int fill(int attribute, CudnnDescriptor... into) {
        try (Arena a = Arena.ofConfined(); LongPointer count = new LongPointer(1)) {
            MemorySegment m = a.allocate(8L * into.length, 8);
            for (int i = 0; i < into.length; i++) {
                m.setAtIndex(ValueLayout.JAVA_LONG, i, into[i].address());
            }
            check(cudnn.cudnnBackendGetAttribute(desc, attribute, cudnn.CUDNN_TYPE_BACKEND_DESCRIPTOR, into.length, count,
                    new RawPointer(m.address())), "cudnnBackendGetAttribute(" + what + ", attribute " + attribute + ")");
            return (int) Math.min(count.get(), into.length);
        }
    }

    static void check(int rc, String call) {
        if (rc != cudnn.CUDNN_STATUS_SUCCESS) {
            throw new CudaException(call + " failed: " + message(rc));
        }
    }

    /** cuDNN's name for {@code rc} and its last error message, which says which attribute or engine refused. */
    static String message(int rc) {
        byte[] last = new byte[1024];
        cudnn.cudnnGetLastErrorString(last, last.length);
        int n = 0;
        while (n < last.length && last[n] != 0) {
            n++;
        }
        String detail = new String(last, 0, n, java.nio.charset.StandardCharsets.UTF_8).strip();
        return cudnn.cudnnGetErrorString(rc).getString() + " (" + rc + ")" + (detail.isEmpty() ? "" : ": " + detail);
    }

    @Override
    public void close() {
        if (!desc.isNull()) {
            cudnn.cudnnBackendDestroyDescriptor(desc);
            desc.setNull();
        }
    }
}
