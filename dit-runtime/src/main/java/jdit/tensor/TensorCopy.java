package jdit.tensor;

import java.lang.foreign.MemorySegment;

/** Element copies between tensors of one shape: bulk for contiguous runs, strided otherwise, with dtype conversion. */
final class TensorCopy {
    private TensorCopy() {
    }

    static void copy(Tensor src, Tensor dst) {
        if (!src.shape().equals(dst.shape())) {
            throw new IllegalArgumentException("copy from " + src + " to " + dst + ": shapes differ");
        }
        if (src.numel() == 0) {
            return;
        }
        int rank = src.rank();
        long inner = rank == 0 ? 1 : src.dim(rank - 1);
        boolean innerDense = rank == 0 || inner == 1 || (src.stride(rank - 1) == 1 && dst.stride(rank - 1) == 1);
        if (src.isContiguous() && dst.isContiguous()) {
            copyRun(src, src.offset(), dst, dst.offset(), src.numel());
            return;
        }
        long rows = src.numel() / inner;
        long[] idx = new long[Math.max(rank - 1, 0)];
        for (long r = 0; r < rows; r++) {
            long so = src.offset();
            long d0 = dst.offset();
            for (int i = 0; i < idx.length; i++) {
                so += idx[i] * src.stride(i);
                d0 += idx[i] * dst.stride(i);
            }
            if (innerDense) {
                copyRun(src, so, dst, d0, inner);
            } else {
                long ss = src.stride(rank - 1);
                long ds = dst.stride(rank - 1);
                for (long j = 0; j < inner; j++) {
                    copyElement(src, so + j * ss, dst, d0 + j * ds);
                }
            }
            for (int i = idx.length - 1; i >= 0; i--) {
                if (++idx[i] < src.dim(i)) {
                    break;
                }
                idx[i] = 0;
            }
        }
    }

    /** Copies {@code n} consecutive elements starting at element offsets {@code so} and {@code d0}. */
    private static void copyRun(Tensor src, long so, Tensor dst, long d0, long n) {
        DType s = src.dtype();
        DType d = dst.dtype();
        MemorySegment ss = src.segment();
        MemorySegment ds = dst.segment();
        long sb = so * s.byteSize();
        long db = d0 * d.byteSize();
        if (s == d) {
            MemorySegment.copy(ss, sb, ds, db, n * s.byteSize());
        } else if (s == DType.BF16 && d == DType.F32) {
            HalfFloats.bf16ToF32(ss, sb, ds, db, n);
        } else if (s == DType.F16 && d == DType.F32) {
            HalfFloats.f16ToF32(ss, sb, ds, db, n);
        } else if (s == DType.F32 && d == DType.BF16) {
            HalfFloats.f32ToBf16(ss, sb, ds, db, n);
        } else if (s == DType.F32 && d == DType.F16) {
            HalfFloats.f32ToF16(ss, sb, ds, db, n);
        } else {
            for (long j = 0; j < n; j++) {
                copyElement(src, so + j, dst, d0 + j);
            }
        }
    }

    private static void copyElement(Tensor src, long se, Tensor dst, long de) {
        long sb = se * src.dtype().byteSize();
        long db = de * dst.dtype().byteSize();
        if (src.dtype() == dst.dtype()) {
            MemorySegment.copy(src.segment(), sb, dst.segment(), db, src.dtype().byteSize());
        } else if (src.dtype().isFloating() || dst.dtype().isFloating()) {
            dst.writeDouble(db, src.readDouble(sb));
        } else {
            long v = src.readLong(sb);
            dst.writeDouble(db, v);
        }
    }
}
