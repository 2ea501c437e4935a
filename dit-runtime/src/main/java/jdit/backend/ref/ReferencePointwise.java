package jdit.backend.ref;

import jdit.backend.BinaryOp;
import jdit.backend.Pointwise;
import jdit.backend.RopeStyle;
import jdit.backend.UnaryOp;
import jdit.tensor.Tensor;

/** Element-wise and row-wise ops in double, over any strided views. */
public final class ReferencePointwise implements Pointwise {
    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        for (long i = 0; i < x.numel(); i++) {
            out.setDoubleAt(i, ReferenceMath.unary(op, x.getDoubleAt(i)));
        }
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        jdit.backend.Broadcasting.check(a.shape(), out.shape(), "a");
        jdit.backend.Broadcasting.check(b.shape(), out.shape(), "b");
        long[] idx = new long[out.rank()];
        for (long i = 0; i < out.numel(); i++) {
            long rem = i;
            for (int d = out.rank() - 1; d >= 0; d--) {
                idx[d] = rem % out.dim(d);
                rem /= out.dim(d);
            }
            out.setDoubleAt(i, ReferenceMath.binary(op, broadcast(a, idx), broadcast(b, idx)));
        }
    }

    /** The element of {@code t} that NumPy broadcasting pairs with output index {@code outIdx}. */
    static double broadcast(Tensor t, long[] outIdx) {
        long[] idx = new long[t.rank()];
        int shift = outIdx.length - t.rank();
        for (int d = 0; d < t.rank(); d++) {
            idx[d] = t.dim(d) == 1 ? 0 : outIdx[d + shift];
        }
        return t.getDouble(idx);
    }

    @Override
    public void scaleAdd(Tensor a, float alpha, Tensor b, float beta, Tensor out) {
        for (long i = 0; i < out.numel(); i++) {
            out.setDoubleAt(i, (double) alpha * a.getDoubleAt(i) + (double) beta * b.getDoubleAt(i));
        }
    }

    @Override
    public void modulate(Tensor x, Tensor shift, Tensor scale, Tensor out) {
        long bs = x.dim(0);
        long n = x.dim(1);
        long c = x.dim(2);
        for (long b = 0; b < bs; b++) {
            for (long t = 0; t < n; t++) {
                for (long ch = 0; ch < c; ch++) {
                    double sh = shift.rank() == 2 ? shift.getDouble(b, ch) : shift.getDouble(b, t, ch);
                    double sc = scale.rank() == 2 ? scale.getDouble(b, ch) : scale.getDouble(b, t, ch);
                    out.setDouble(x.getDouble(b, t, ch) * (1 + sc) + sh, b, t, ch);
                }
            }
        }
    }

    @Override
    public void gatedAdd(Tensor x, Tensor y, Tensor gate, Tensor out) {
        for (long b = 0; b < x.dim(0); b++) {
            for (long t = 0; t < x.dim(1); t++) {
                for (long ch = 0; ch < x.dim(2); ch++) {
                    double g = gate.rank() == 2 ? gate.getDouble(b, ch) : gate.getDouble(b, t, ch);
                    out.setDouble(x.getDouble(b, t, ch) + g * y.getDouble(b, t, ch), b, t, ch);
                }
            }
        }
    }

    @Override
    public void softmax(Tensor x, float scale, Tensor out) {
        long n = x.dim(-1);
        for (long r = 0; r < x.numel() / n; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (long i = 0; i < n; i++) {
                max = Math.max(max, scale * x.getDoubleAt(r * n + i));
            }
            double sum = 0;
            double[] e = new double[(int) n];
            for (int i = 0; i < n; i++) {
                e[i] = Math.exp(scale * x.getDoubleAt(r * n + i) - max);
                sum += e[i];
            }
            for (int i = 0; i < n; i++) {
                out.setDoubleAt(r * n + i, e[i] / sum);
            }
        }
    }

    @Override
    public void rope(Tensor x, Tensor cos, Tensor sin, RopeStyle style, Tensor out) {
        long d = x.dim(-1);
        long h = x.dim(-2);
        long s = x.dim(-3);
        long half = d / 2;
        for (long row = 0; row < x.numel() / d; row++) {
            long pos = (row / h) % s;
            for (long j = 0; j < half; j++) {
                long i0 = style == RopeStyle.INTERLEAVED ? 2 * j : j;
                long i1 = style == RopeStyle.INTERLEAVED ? 2 * j + 1 : j + half;
                double x0 = x.getDoubleAt(row * d + i0);
                double x1 = x.getDoubleAt(row * d + i1);
                double c = cos.getDouble(pos, j);
                double sn = sin.getDouble(pos, j);
                out.setDoubleAt(row * d + i0, x0 * c - x1 * sn);
                out.setDoubleAt(row * d + i1, x0 * sn + x1 * c);
            }
        }
    }
}
