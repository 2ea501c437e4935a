package jdit.tensor;

import java.util.Arrays;

/** The extents of a tensor's dimensions, outermost first. Immutable; a rank-0 shape has one element. */
public final class Shape {
    private final long[] dims;

    private Shape(long[] dims) {
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new IllegalArgumentException("negative extent " + dims[i] + " at dim " + i + " in " + Arrays.toString(dims));
            }
        }
        this.dims = dims;
    }

    public static Shape of(long... dims) {
        return new Shape(dims.clone());
    }

    public static Shape of(int... dims) {
        long[] d = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            d[i] = dims[i];
        }
        return new Shape(d);
    }

    public int rank() {
        return dims.length;
    }

    /** Extent of dimension {@code i}; negative {@code i} counts from the end. */
    public long dim(int i) {
        return dims[axis(i)];
    }

    /** Normalises a possibly negative axis index and checks its range. */
    public int axis(int i) {
        int a = i < 0 ? i + dims.length : i;
        if (a < 0 || a >= dims.length) {
            throw new IllegalArgumentException("axis " + i + " out of range for rank " + dims.length + " shape " + this);
        }
        return a;
    }

    public long[] toArray() {
        return dims.clone();
    }

    /** Number of elements. */
    public long numel() {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Row-major (C order) strides in elements. */
    public long[] contiguousStrides() {
        long[] s = new long[dims.length];
        long acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(dims[i], 1);
        }
        return s;
    }

    /** Product of the dimensions before {@code axis} (the "rows" of a row-wise op over the trailing dims). */
    public long outer(int axis) {
        long n = 1;
        for (int i = 0; i < axis(axis); i++) {
            n *= dims[i];
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
