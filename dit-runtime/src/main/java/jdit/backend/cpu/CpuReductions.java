package jdit.backend.cpu;

import java.lang.foreign.MemorySegment;
import jdit.backend.ReduceOp;
import jdit.backend.Reductions;
import jdit.backend.ref.ReferenceReductions;
import jdit.tensor.DType;
import jdit.tensor.Tensor;

/** Reductions; the last axis of a contiguous F32 tensor runs in parallel over rows, other axes take the reference path. */
public final class CpuReductions implements Reductions {
    private final Parallel parallel;
    private final ReferenceReductions general = new ReferenceReductions();

    public CpuReductions(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, int axis, Tensor out) {
        int a = x.shape().axis(axis);
        long n = x.dim(a);
        if (a != x.rank() - 1 || x.dtype() != DType.F32 || !x.isContiguous() || !out.isContiguous() || n == 0) {
            general.reduce(op, x, axis, out);
            return;
        }
        long rows = x.numel() / n;
        if (out.numel() != rows) {
            throw new IllegalArgumentException("reduce of " + x.shape() + " over axis " + a + " into " + out.shape());
        }
        MemorySegment xs = x.data();
        parallel.forRange(rows, Math.max(1, 16384 / n), (r0, r1) -> {
            for (long r = r0; r < r1; r++) {
                double acc = op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY : op == ReduceOp.MIN ? Double.POSITIVE_INFINITY : 0;
                long off = r * n;
                for (long i = 0; i < n; i++) {
                    float v = xs.getAtIndex(Layouts.F32, off + i);
                    acc = switch (op) {
                        case SUM, MEAN -> acc + v;
                        case MAX -> Math.max(acc, v);
                        case MIN -> Math.min(acc, v);
                    };
                }
                out.setDoubleAt(r, op == ReduceOp.MEAN ? acc / n : acc);
            }
        });
    }
}
