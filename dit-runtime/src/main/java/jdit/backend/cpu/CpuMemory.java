package jdit.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdit.backend.Memory;
import jdit.tensor.DType;
import jdit.tensor.Tensor;

/** Copies (bulk for contiguous runs, with dtype conversion) and fills on the host; transfers are host copies. */
public final class CpuMemory implements Memory {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Override
    public void copy(Tensor src, Tensor dst) {
        src.copyTo(dst);
    }

    @Override
    public void fill(Tensor dst, float value) {
        if (dst.dtype() == DType.F32 && dst.isContiguous()) {
            var seg = dst.data();
            if (value == 0f) {
                seg.fill((byte) 0);
                return;
            }
            for (long i = 0; i < dst.numel(); i++) {
                seg.setAtIndex(Layouts.F32, i, value);
            }
            return;
        }
        for (long i = 0; i < dst.numel(); i++) {
            dst.setDoubleAt(i, value);
        }
    }

    @Override
    public void synchronize() {
    }

    @Override
    public void upload(Tensor host, Tensor dst) {
        host.copyTo(dst);
    }

    @Override
    public void download(Tensor src, Tensor host) {
        src.copyTo(host);
    }

    @Override
    public void gatherRows(Tensor src, Tensor index, Tensor dst) {
        Memory.checkRows(dst, index, src);
        moveRows(src, index, dst, true);
    }

    @Override
    public void scatterRows(Tensor src, Tensor index, Tensor dst) {
        Memory.checkRows(src, index, dst);
        moveRows(src, index, dst, false);
    }

    @Override
    public void meanRows(Tensor src, Tensor offsets, Tensor rows, Tensor dst) {
        if (src.dtype() != DType.F32 || dst.dtype() != DType.F32 || src.rank() != 3 || dst.rank() != 3
                || offsets.dim(0) != dst.dim(1) + 1) {
            throw new IllegalArgumentException("meanRows takes F32 [B, S, D] to [B, O, D] with O + 1 offsets, got " + src
                    + ", " + dst + ", " + offsets);
        }
        MemorySegment s = src.data();
        MemorySegment d = dst.data();
        MemorySegment off = offsets.data();
        MemorySegment idx = rows.data();
        int width = (int) src.dim(2);
        double[] acc = new double[width];
        float[] row = new float[width];
        for (long b = 0; b < dst.dim(0); b++) {
            for (long o = 0; o < dst.dim(1); o++) {
                java.util.Arrays.fill(acc, 0);
                int from = off.getAtIndex(I32, o);
                int to = off.getAtIndex(I32, o + 1);
                for (int k = from; k < to; k++) {
                    long r = idx.getAtIndex(I32, k);
                    MemorySegment.copy(s, Layouts.F32, 4L * width * (b * src.dim(1) + r), row, 0, width);
                    for (int c = 0; c < width; c++) {
                        acc[c] += row[c];
                    }
                }
                for (int c = 0; c < width; c++) {
                    row[c] = (float) (acc[c] / (to - from));
                }
                MemorySegment.copy(row, 0, d, Layouts.F32, 4L * width * (b * dst.dim(1) + o), width);
            }
        }
    }

    /** One bulk copy per row: {@code gather} reads src's row index[i] into dst's row i, otherwise the reverse. */
    private static void moveRows(Tensor src, Tensor index, Tensor dst, boolean gather) {
        if (src.dtype() != DType.F32 || dst.dtype() != DType.F32 || !src.isContiguous() || !dst.isContiguous()) {
            throw new IllegalArgumentException("row moves take contiguous F32 tensors, got " + src + " and " + dst);
        }
        MemorySegment s = src.data();
        MemorySegment d = dst.data();
        MemorySegment idx = index.data();
        long width = src.dim(2) * 4;
        long rows = index.dim(0);
        long srcRows = src.dim(1);
        long dstRows = dst.dim(1);
        for (long b = 0; b < src.dim(0); b++) {
            for (long i = 0; i < rows; i++) {
                long r = idx.getAtIndex(I32, i);
                if (r < 0 || r >= (gather ? srcRows : dstRows)) {
                    throw new IndexOutOfBoundsException("row index " + r + " outside [0, " + (gather ? srcRows : dstRows) + ")");
                }
                long from = gather ? b * srcRows + r : b * srcRows + i;
                long to = gather ? b * dstRows + i : b * dstRows + r;
                MemorySegment.copy(s, from * width, d, to * width, width);
            }
        }
    }
}
