package jdit.backend.ref;

import jdit.backend.ReduceOp;
import jdit.backend.Reductions;
import jdit.tensor.Tensor;

/** Reductions along one axis in double. */
public final class ReferenceReductions implements Reductions {
    @Override
    public void reduce(ReduceOp op, Tensor x, int axis, Tensor out) {
        int a = x.shape().axis(axis);
        long len = x.dim(a);
        long inner = x.numel() / (x.shape().outer(a) * Math.max(len, 1));
        long outer = x.shape().outer(a);
        if (out.numel() != outer * inner) {
            throw new IllegalArgumentException("reduce of " + x.shape() + " over axis " + a + " into " + out.shape());
        }
        for (long o = 0; o < outer; o++) {
            for (long in = 0; in < inner; in++) {
                double acc = switch (op) {
                    case SUM, MEAN -> 0;
                    case MAX -> Double.NEGATIVE_INFINITY;
                    case MIN -> Double.POSITIVE_INFINITY;
                };
                for (long i = 0; i < len; i++) {
                    double v = x.getDoubleAt((o * len + i) * inner + in);
                    acc = switch (op) {
                        case SUM, MEAN -> acc + v;
                        case MAX -> Math.max(acc, v);
                        case MIN -> Math.min(acc, v);
                    };
                }
                out.setDoubleAt(o * inner + in, op == ReduceOp.MEAN ? acc / len : acc);
            }
        }
    }
}
