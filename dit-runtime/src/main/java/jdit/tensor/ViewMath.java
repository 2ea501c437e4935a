package jdit.tensor;

import java.util.Arrays;

/** Shape and stride arithmetic of the tensor views; each method returns the new extents and strides. */
final class ViewMath {
    private ViewMath() {
    }

    /** The shape {@code dims} (one may be -1) for {@code shape}'s element count. */
    static Shape reshaped(Shape shape, long[] dims) {
        long[] d = dims.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < d.length; i++) {
            if (d[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("reshape " + Arrays.toString(dims) + ": more than one -1");
                }
                infer = i;
            } else {
                known *= d[i];
            }
        }
        long numel = shape.numel();
        if (infer >= 0) {
            if (known == 0 || numel % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + shape + " to " + Arrays.toString(dims));
            }
            d[infer] = numel / known;
        }
        Shape s = Shape.of(d);
        if (s.numel() != numel) {
            throw new IllegalArgumentException("cannot reshape " + shape + " (" + numel + " elements) to " + s);
        }
        return s;
    }

    /** {extents, strides} without axis {@code a}. */
    static long[][] dropped(Shape shape, long[] strides, int a) {
        int r = shape.rank();
        long[] d = new long[r - 1];
        long[] s = new long[r - 1];
        for (int i = 0, j = 0; i < r; i++) {
            if (i != a) {
                d[j] = shape.dim(i);
                s[j++] = strides[i];
            }
        }
        return new long[][] {d, s};
    }

    /** {extents, strides} with a new extent-1 axis at {@code dim} (negative counts from the end, as in PyTorch). */
    static long[][] inserted(Shape shape, long[] strides, int dim) {
        int r = shape.rank();
        int a = dim < 0 ? dim + r + 1 : dim;
        if (a < 0 || a > r) {
            throw new IllegalArgumentException("unsqueeze at " + dim + " for rank " + r);
        }
        long[] d = new long[r + 1];
        long[] s = new long[r + 1];
        for (int i = 0, j = 0; i <= r; i++) {
            if (i == a) {
                d[i] = 1;
                s[i] = a < r ? strides[a] * shape.dim(a) : 1;
            } else {
                d[i] = shape.dim(j);
                s[i] = strides[j++];
            }
        }
        return new long[][] {d, s};
    }

    /** {extents, strides} reordered so that result dim i is dim {@code order[i]}. */
    static long[][] permuted(Shape shape, long[] strides, int[] order) {
        int r = shape.rank();
        if (order.length != r) {
            throw new IllegalArgumentException("permute " + Arrays.toString(order) + " for rank " + r);
        }
        boolean[] seen = new boolean[r];
        long[] d = new long[r];
        long[] s = new long[r];
        for (int i = 0; i < r; i++) {
            int a = shape.axis(order[i]);
            if (seen[a]) {
                throw new IllegalArgumentException("permute " + Arrays.toString(order) + " repeats dim " + a);
            }
            seen[a] = true;
            d[i] = shape.dim(a);
            s[i] = strides[a];
        }
        return new long[][] {d, s};
    }

    /** Throws unless every element a strided view can reach lies inside a segment of {@code bytes} bytes. */
    static void checkFits(long bytes, DType dtype, Shape shape, long[] strides, long offset) {
        if (strides.length != shape.rank()) {
            throw new IllegalArgumentException("strides " + Arrays.toString(strides) + " for shape " + shape);
        }
        long last = offset;
        for (int i = 0; i < strides.length; i++) {
            if (strides[i] < 0 || offset < 0) {
                throw new IllegalArgumentException("negative stride or offset: strides " + Arrays.toString(strides)
                        + " offset " + offset);
            }
            if (shape.dim(i) == 0) {
                return;
            }
            last = Math.addExact(last, Math.multiplyExact(shape.dim(i) - 1, strides[i]));
        }
        if (Math.multiplyExact(last + 1, (long) dtype.byteSize()) > bytes) {
            throw new IllegalArgumentException("view " + dtype + shape + " strides " + Arrays.toString(strides)
                    + " offset " + offset + " reaches past the " + bytes + "-byte segment");
        }
    }

    /** The element offset of element number {@code flat}, in row-major order, of a strided view. */
    static long flatElement(Shape shape, long[] strides, long offset, long flat) {
        long e = offset;
        long rem = flat;
        for (int i = shape.rank() - 1; i >= 0; i--) {
            long d = shape.dim(i);
            e += (rem % d) * strides[i];
            rem /= d;
        }
        return e;
    }
}
