package jdit.backend.ref;

import jdit.backend.Memory;
import jdit.tensor.Tensor;

/** Element-by-element copies, fills and row moves. */
public final class ReferenceMemory implements Memory {
    @Override
    public void copy(Tensor src, Tensor dst) {
        if (!src.shape().equals(dst.shape())) {
            throw new IllegalArgumentException("copy from " + src + " to " + dst + ": shapes differ");
        }
        for (long i = 0; i < src.numel(); i++) {
            dst.setDoubleAt(i, src.getDoubleAt(i));
        }
    }

    @Override
    public void fill(Tensor dst, float value) {
        for (long i = 0; i < dst.numel(); i++) {
            dst.setDoubleAt(i, value);
        }
    }

    @Override
    public void synchronize() {
    }

    @Override
    public void upload(Tensor host, Tensor dst) {
        copy(host, dst);
    }

    @Override
    public void download(Tensor src, Tensor host) {
        copy(src, host);
    }

    @Override
    public void gatherRows(Tensor src, Tensor index, Tensor dst) {
        Memory.checkRows(dst, index, src);
        for (long b = 0; b < dst.dim(0); b++) {
            for (long i = 0; i < dst.dim(1); i++) {
                long row = index.getLong(i);
                for (long c = 0; c < dst.dim(2); c++) {
                    dst.setDouble(src.getDouble(b, row, c), b, i, c);
                }
            }
        }
    }

    @Override
    public void scatterRows(Tensor src, Tensor index, Tensor dst) {
        Memory.checkRows(src, index, dst);
        for (long b = 0; b < src.dim(0); b++) {
            for (long i = 0; i < src.dim(1); i++) {
                long row = index.getLong(i);
                for (long c = 0; c < src.dim(2); c++) {
                    dst.setDouble(src.getDouble(b, i, c), b, row, c);
                }
            }
        }
    }

    @Override
    public void meanRows(Tensor src, Tensor offsets, Tensor rows, Tensor dst) {
        for (long b = 0; b < dst.dim(0); b++) {
            for (long o = 0; o < dst.dim(1); o++) {
                long from = offsets.getLong(o);
                long to = offsets.getLong(o + 1);
                for (long c = 0; c < dst.dim(2); c++) {
                    double sum = 0;
                    for (long k = from; k < to; k++) {
                        sum += src.getDouble(b, rows.getLong(k), c);
                    }
                    dst.setDouble(sum / (to - from), b, o, c);
                }
            }
        }
    }
}
