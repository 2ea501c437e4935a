package jdit.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A dense n-dimensional array over a {@link MemorySegment}: dtype, shape, strides and offset in elements.
 *
 * <p>Views ({@link #reshape}, {@link #slice}, {@link #narrow}, {@link #select}, {@link #permute},
 * {@link #transpose}, {@link #unsqueeze}) share memory and never copy; {@link #contiguous} and
 * {@link #copyTo} are the explicit copies. Tensors hold no arithmetic: ops live in the backend's op groups.
 * Elements are little-endian, as in safetensors and PyTorch files.
 */
public final class Tensor {
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final DType dtype;
    private final Shape shape;
    private final long[] strides;
    private final long offset;
    private final MemorySegment segment;
    private final Device device;

    private Tensor(DType dtype, Shape shape, long[] strides, long offset, MemorySegment segment, Device device) {
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.segment = segment;
        this.device = device;
    }

    /** A contiguous tensor over {@code segment} starting at byte 0; the segment must hold exactly or more than the elements. */
    public static Tensor of(MemorySegment segment, DType dtype, Shape shape) {
        return over(segment, dtype, shape, Device.CPU);
    }

    /** A contiguous tensor over device memory: {@code memory}'s address is the device pointer, never read on the host. */
    public static Tensor onDevice(MemorySegment memory, DType dtype, Shape shape, Device device) {
        if (device.kind() == Device.Kind.CPU) {
            throw new IllegalArgumentException("onDevice is for device memory; use of() for host memory");
        }
        return over(memory, dtype, shape, device);
    }

    private static Tensor over(MemorySegment segment, DType dtype, Shape shape, Device device) {
        long need = Math.multiplyExact(shape.numel(), (long) dtype.byteSize());
        if (segment.byteSize() < need) {
            throw new IllegalArgumentException("memory of " + segment.byteSize() + " bytes is too small for " + dtype + shape
                    + " (" + need + " bytes)");
        }
        return new Tensor(dtype, shape, shape.contiguousStrides(), 0, segment, device);
    }

    /** A strided view: element idx at byte (offset + Σ idx[i]·strides[i])·size, every one checked inside the segment. */
    public static Tensor view(MemorySegment segment, DType dtype, Shape shape, long[] strides, long offset) {
        ViewMath.checkFits(segment.byteSize(), dtype, shape, strides, offset);
        return new Tensor(dtype, shape, strides.clone(), offset, segment, Device.CPU);
    }

    /** A zeroed contiguous tensor allocated in {@code arena}, 64-byte aligned. */
    public static Tensor allocate(Arena arena, DType dtype, Shape shape) {
        long bytes = Math.multiplyExact(shape.numel(), (long) dtype.byteSize());
        return of(arena.allocate(Math.max(bytes, 1), 64), dtype, shape);
    }

    public static Tensor allocate(Arena arena, DType dtype, long... shape) {
        return allocate(arena, dtype, Shape.of(shape));
    }

    /** An F32 tensor holding a copy of {@code data}. */
    public static Tensor fromFloats(Arena arena, float[] data, long... shape) {
        Tensor t = allocate(arena, DType.F32, checkCount(data.length, shape));
        MemorySegment.copy(data, 0, t.segment, F32, 0, data.length);
        return t;
    }

    /** A tensor of any floating dtype holding {@code data} rounded to it. */
    public static Tensor fromDoubles(Arena arena, DType dtype, double[] data, long... shape) {
        Tensor t = allocate(arena, dtype, checkCount(data.length, shape));
        for (int i = 0; i < data.length; i++) {
            t.setDoubleAt(i, data[i]);
        }
        return t;
    }

    public static Tensor fromLongs(Arena arena, DType dtype, long[] data, long... shape) {
        Tensor t = allocate(arena, dtype, checkCount(data.length, shape));
        for (int i = 0; i < data.length; i++) {
            t.setLongAt(i, data[i]);
        }
        return t;
    }

    private static Shape checkCount(int count, long[] dims) {
        Shape s = Shape.of(dims);
        if (s.numel() != count) {
            throw new IllegalArgumentException(count + " values do not fill shape " + s);
        }
        return s;
    }

    public DType dtype() {
        return dtype;
    }

    public Shape shape() {
        return shape;
    }

    public long dim(int i) {
        return shape.dim(i);
    }

    public int rank() {
        return shape.rank();
    }
    public long numel() {
        return shape.numel();
    }

    /** Strides in elements. */
    public long[] strides() {
        return strides.clone();
    }

    public long stride(int i) {
        return strides[shape.axis(i)];
    }

    /** Offset of element [0,...,0] from the start of {@link #segment()}, in elements. */
    public long offset() {
        return offset;
    }

    /** The whole segment this tensor (and every view of it) lives in; host tensors only. */
    public MemorySegment segment() {
        return host();
    }

    /** The address of element [0,...,0] (for device tensors the device pointer), as native calls take it. */
    public long address() {
        return segment.address() + offset * dtype.byteSize();
    }

    /** The segment for host access; a device tensor's memory cannot be read from Java, and reading it would crash. */
    private MemorySegment host() {
        if (device.kind() != Device.Kind.CPU) {
            throw new IllegalStateException("this tensor lives on " + device + "; copy it to the host to read it from Java");
        }
        return segment;
    }

    public Device device() {
        return device;
    }

    /** The memory behind this tensor on any device, for the workspace that handed it out. */
    MemorySegment memory() {
        return segment;
    }

    public long byteSize() {
        return numel() * dtype.byteSize();
    }

    /** The bytes of a contiguous tensor as one segment. */
    public MemorySegment data() {
        requireContiguous("data()");
        return host().asSlice(offset * dtype.byteSize(), byteSize());
    }

    /** True when the elements are laid out row-major without gaps (extent-1 dims may have any stride; empty is). */
    public boolean isContiguous() {
        if (numel() == 0) {
            return true; // no element can be out of place
        }
        long expect = 1;
        for (int i = shape.rank() - 1; i >= 0; i--) {
            long d = shape.dim(i);
            if (d != 1 && strides[i] != expect) {
                return false;
            }
            expect *= d;
        }
        return true;
    }

    private void requireContiguous(String what) {
        if (!isContiguous()) {
            throw new IllegalStateException(what + " needs a contiguous tensor; this view " + this
                    + " has strides " + Arrays.toString(strides) + ": call contiguous() first");
        }
    }

    // ---- views -------------------------------------------------------------------------------------------

    /** The same elements with another shape; one extent may be -1. Requires a contiguous tensor. */
    public Tensor reshape(long... dims) {
        requireContiguous("reshape");
        Shape s = ViewMath.reshaped(shape, dims);
        return new Tensor(dtype, s, s.contiguousStrides(), offset, segment, device);
    }

    /** Elements {@code start <= i < end} along {@code dim}. */
    public Tensor slice(int dim, long start, long end) {
        int a = shape.axis(dim);
        long n = shape.dim(a);
        if (start < 0 || end > n || start > end) {
            throw new IndexOutOfBoundsException("slice [" + start + ", " + end + ") of dim " + a + " with extent " + n);
        }
        long[] d = shape.toArray();
        d[a] = end - start;
        return new Tensor(dtype, Shape.of(d), strides.clone(), offset + start * strides[a], segment, device);
    }

    /** {@code length} elements from {@code start} along {@code dim}. */
    public Tensor narrow(int dim, long start, long length) {
        return slice(dim, start, start + length);
    }

    /** Index {@code index} of {@code dim}, dropping that dimension. */
    public Tensor select(int dim, long index) {
        int a = shape.axis(dim);
        if (index < 0 || index >= shape.dim(a)) {
            throw new IndexOutOfBoundsException("index " + index + " of dim " + a + " with extent " + shape.dim(a));
        }
        long[][] ds = ViewMath.dropped(shape, strides, a);
        return new Tensor(dtype, Shape.of(ds[0]), ds[1], offset + index * strides[a], segment, device);
    }

    /** A new dimension of extent 1 at {@code dim}. */
    public Tensor unsqueeze(int dim) {
        long[][] ds = ViewMath.inserted(shape, strides, dim);
        return new Tensor(dtype, Shape.of(ds[0]), ds[1], offset, segment, device);
    }

    /** Dimensions reordered: result dim i is this tensor's dim {@code order[i]}. */
    public Tensor permute(int... order) {
        long[][] ds = ViewMath.permuted(shape, strides, order);
        return new Tensor(dtype, Shape.of(ds[0]), ds[1], offset, segment, device);
    }

    /** Dimensions {@code a} and {@code b} swapped. */
    public Tensor transpose(int a, int b) {
        int[] order = new int[rank()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        int x = shape.axis(a);
        int y = shape.axis(b);
        order[x] = y;
        order[y] = x;
        return permute(order);
    }

    /** The same bytes read as another dtype of equal size (F16 as I16 bits and the like). */
    public Tensor viewAs(DType other) {
        if (other.byteSize() != dtype.byteSize()) {
            throw new IllegalArgumentException("cannot view " + dtype + " as " + other + ": element sizes differ");
        }
        return new Tensor(other, shape, strides.clone(), offset, segment, device);
    }

    // ---- copies ------------------------------------------------------------------------------------------

    /** This tensor if it is contiguous, otherwise a contiguous copy allocated from {@code workspace}. */
    public Tensor contiguous(Workspace workspace) {
        if (isContiguous()) {
            return this;
        }
        return workspace.copy(this);
    }

    /** Copies every element into {@code dst} (same shape), converting dtype where they differ. */
    public void copyTo(Tensor dst) {
        TensorCopy.copy(this, dst);
    }

    /** A contiguous copy with elements converted to {@code target}, from {@code workspace}. */
    public Tensor to(DType target, Workspace workspace) {
        Tensor out = workspace.allocate(target, shape);
        workspace.copy(this, out);
        return out;
    }

    // ---- element access (tests, I/O, small tables; never hot loops) ---------------------------------------

    /** Byte offset of the element at {@code index} in {@link #segment()}. */
    public long byteOffset(long... index) {
        if (index.length != rank()) {
            throw new IllegalArgumentException("index of rank " + index.length + " for tensor of rank " + rank());
        }
        long e = offset;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape.dim(i)) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " outside " + shape);
            }
            e += index[i] * strides[i];
        }
        return e * dtype.byteSize();
    }

    public float getFloat(long... index) {
        return (float) readDouble(byteOffset(index));
    }

    public double getDouble(long... index) {
        return readDouble(byteOffset(index));
    }

    public long getLong(long... index) {
        return readLong(byteOffset(index));
    }

    public void setFloat(float value, long... index) {
        writeDouble(byteOffset(index), value);
    }

    public void setDouble(double value, long... index) {
        writeDouble(byteOffset(index), value);
    }

    /** Reads element number {@code flat} in row-major order of this (possibly strided) view. */
    public double getDoubleAt(long flat) {
        return readDouble(flatByteOffset(flat));
    }

    public long getLongAt(long flat) {
        return readLong(flatByteOffset(flat));
    }

    public void setDoubleAt(long flat, double value) {
        writeDouble(flatByteOffset(flat), value);
    }

    public void setLongAt(long flat, long value) {
        ElementCodec.writeLong(dtype, host(), flatByteOffset(flat), value);
    }

    private long flatByteOffset(long flat) {
        return ViewMath.flatElement(shape, strides, offset, flat) * dtype.byteSize();
    }

    double readDouble(long b) {
        return ElementCodec.read(dtype, host(), b);
    }
    long readLong(long b) {
        return ElementCodec.readLong(dtype, host(), b);
    }
    void writeDouble(long b, double v) {
        ElementCodec.write(dtype, host(), b, v);
    }

    /** All elements in row-major order, converted to float. */
    public float[] toFloatArray() {
        int n = Math.toIntExact(numel());
        float[] out = new float[n];
        if (dtype == DType.F32 && isContiguous()) {
            MemorySegment.copy(host(), F32, offset * 4, out, 0, n);
            return out;
        }
        for (int i = 0; i < n; i++) {
            out[i] = (float) getDoubleAt(i);
        }
        return out;
    }

    /** All elements in row-major order, converted to double. */
    public double[] toDoubleArray() {
        int n = Math.toIntExact(numel());
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = getDoubleAt(i);
        }
        return out;
    }

    /** All elements in row-major order as integers. */
    public long[] toLongArray() {
        int n = Math.toIntExact(numel());
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = getLongAt(i);
        }
        return out;
    }

    @Override
    public String toString() {
        return "Tensor" + shape + " " + dtype + (device.equals(Device.CPU) ? "" : " @" + device);
    }
}
