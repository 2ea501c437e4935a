package jdit.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdit.backend.BinaryOp;
import jdit.backend.Broadcasting;
import jdit.backend.Pointwise;
import jdit.backend.RopeStyle;
import jdit.backend.UnaryOp;
import jdit.backend.ref.ReferenceMath;
import jdit.backend.ref.ReferencePointwise;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise and row-wise ops with the Vector API on contiguous F32 tensors, parallel over rows. Strided views
 * and unusual broadcasts take the reference path: correct and slow, never silently wrong.
 */
public final class CpuPointwise implements Pointwise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final long GRAIN = 1 << 14;

    private final Parallel parallel;
    private final ReferencePointwise strided = new ReferencePointwise();

    public CpuPointwise(Parallel parallel) {
        this.parallel = parallel;
    }

    private static boolean dense(Tensor... ts) {
        for (Tensor t : ts) {
            if (t.dtype() != DType.F32 || !t.isContiguous()) {
                return false;
            }
        }
        return true;
    }

    private static void sameShape(Tensor a, Tensor b, String op) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException(op + ": shapes differ, " + a.shape() + " and " + b.shape());
        }
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        sameShape(x, out, "unary " + op);
        if (!dense(x, out)) {
            strided.unary(op, x, out);
            return;
        }
        MemorySegment xs = x.data(), os = out.data();
        parallel.forRange(x.numel(), GRAIN, (a, b) -> VectorActivation.apply(op, xs, a * 4, os, a * 4, b - a));
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        Broadcasting.check(a.shape(), out.shape(), "a");
        Broadcasting.check(b.shape(), out.shape(), "b");
        long n = out.rank() == 0 ? 1 : out.dim(-1);
        // b's rows broadcast over out's leading dims (a bias [C], a gate [B, 1, C]) when its last dim is out's and dense
        boolean rowsOfB = b.rank() >= 1 && b.dim(-1) == n && b.isContiguous();
        if (!dense(a, out) || !a.shape().equals(out.shape()) || !rowsOfB) {
            strided.binary(op, a, b, out);
            return;
        }
        MemorySegment as = a.data(), bs = b.data(), os = out.data();
        if (b.shape().equals(out.shape())) {
            parallel.forRange(out.numel(), GRAIN, (s, e) -> binarySpan(op, as, s * 4, bs, s * 4, os, s * 4, e - s));
            return;
        }
        long[] bRowStride = broadcastRowStrides(b, out); // per leading dim of out: b's row step, 0 where broadcast
        parallel.forRange(out.numel() / n, Math.max(1, GRAIN / n), (r0, r1) -> {
            for (long r = r0; r < r1; r++) {
                long rem = r;
                long bRow = 0;
                for (int d = out.rank() - 2; d >= 0; d--) {
                    bRow += rem % out.dim(d) * bRowStride[d];
                    rem /= out.dim(d);
                }
                binarySpan(op, as, r * n * 4, bs, bRow * n * 4, os, r * n * 4, n);
            }
        });
    }

    /** For each leading dim of out, how many rows of a contiguous b one step moves (0 where b has size 1 or lacks it). */
    private static long[] broadcastRowStrides(Tensor b, Tensor out) {
        long[] steps = new long[Math.max(out.rank() - 1, 0)];
        long rows = 1;
        for (int d = out.rank() - 2, bd = b.rank() - 2; d >= 0; d--, bd--) {
            long size = bd >= 0 ? b.dim(bd) : 1;
            steps[d] = size == 1 ? 0 : rows;
            rows *= size;
        }
        return steps;
    }

    private static void binarySpan(BinaryOp op, MemorySegment a, long ao, MemorySegment b, long bo, MemorySegment o,
                                   long oo, long n) {
        switch (op) { // one loop per op: the Vector API intrinsifies only constant operators
            case ADD -> RowOps.add(a, ao, b, bo, o, oo, n);
            case SUB -> RowOps.axpby(a, ao, 1f, b, bo, -1f, o, oo, n);
            case MUL -> RowOps.mul(a, ao, b, bo, o, oo, n);
            default -> {
                for (long i = 0; i < n; i++) {
                    float x = a.get(Layouts.F32, ao + 4 * i);
                    float y = b.get(Layouts.F32, bo + 4 * i);
                    // In double then rounded: the same float result for these ops, and one definition of each.
                    o.set(Layouts.F32, oo + 4 * i, (float) ReferenceMath.binary(op, x, y));
                }
            }
        }
    }

    @Override
    public void gatedAdd(Tensor x, Tensor y, Tensor gate, Tensor out) {
        sameShape(x, out, "gatedAdd");
        sameShape(y, out, "gatedAdd");
        if (x.rank() != 3 || (gate.rank() != 2 && gate.rank() != 3) || gate.dim(0) != x.dim(0) || gate.dim(-1) != x.dim(2)
                || (gate.rank() == 3 && gate.dim(1) != x.dim(1))) {
            throw new IllegalArgumentException("gatedAdd needs x, y [B,N,C] and gate [B,C] or [B,N,C], got " + x.shape()
                    + ", " + gate.shape());
        }
        if (!dense(x, y, gate, out)) {
            strided.gatedAdd(x, y, gate, out);
            return;
        }
        long n = x.dim(1), c = x.dim(2);
        boolean perToken = gate.rank() == 3;
        MemorySegment xs = x.data(), ys = y.data(), gs = gate.data(), os = out.data();
        parallel.forRange(x.dim(0) * n, Math.max(1, GRAIN / c), (r0, r1) -> {
            for (long r = r0; r < r1; r++) {
                long off = r * c * 4;
                RowOps.addProduct(xs, off, gs, (perToken ? r : r / n) * c * 4, ys, off, os, off, c);
            }
        });
    }

    @Override
    public void scaleAdd(Tensor a, float alpha, Tensor b, float beta, Tensor out) {
        sameShape(a, out, "scaleAdd");
        sameShape(b, out, "scaleAdd");
        if (!dense(a, b, out)) {
            strided.scaleAdd(a, alpha, b, beta, out);
            return;
        }
        MemorySegment as = a.data(), bs = b.data(), os = out.data();
        parallel.forRange(out.numel(), GRAIN, (s, e) -> RowOps.axpby(as, s * 4, alpha, bs, s * 4, beta, os, s * 4, e - s));
    }

    @Override
    public void modulate(Tensor x, Tensor shift, Tensor scale, Tensor out) {
        sameShape(x, out, "modulate");
        if (x.rank() != 3 || shift.rank() != scale.rank() || (shift.rank() != 2 && shift.rank() != 3)) {
            throw new IllegalArgumentException("modulate needs x [B,N,C] and shift, scale [B,C] or [B,N,C], got " + x.shape()
                    + ", " + shift.shape() + ", " + scale.shape());
        }
        if (!dense(x, shift, scale, out)) {
            strided.modulate(x, shift, scale, out);
            return;
        }
        long n = x.dim(1), c = x.dim(2);
        boolean perToken = shift.rank() == 3;
        MemorySegment xs = x.data(), sh = shift.data(), sc = scale.data(), os = out.data();
        parallel.forRange(x.dim(0) * n, Math.max(1, GRAIN / c), (r0, r1) -> {
            for (long r = r0; r < r1; r++) {
                long po = (perToken ? r : r / n) * c * 4;
                long off = r * c * 4;
                long i = 0;
                for (long bound = c - c % S.length(); i < bound; i += S.length()) {
                    FloatVector v = FloatVector.fromMemorySegment(S, xs, off + 4 * i, LE);
                    FloatVector s1 = FloatVector.fromMemorySegment(S, sc, po + 4 * i, LE).add(1f);
                    v.fma(s1, FloatVector.fromMemorySegment(S, sh, po + 4 * i, LE)).intoMemorySegment(os, off + 4 * i, LE);
                }
                for (; i < c; i++) {
                    float v = xs.get(Layouts.F32, off + 4 * i) * (1 + sc.get(Layouts.F32, po + 4 * i)) + sh.get(Layouts.F32, po + 4 * i);
                    os.set(Layouts.F32, off + 4 * i, v);
                }
            }
        });
    }

    @Override
    public void softmax(Tensor x, float scale, Tensor out) {
        sameShape(x, out, "softmax");
        if (!dense(x, out)) {
            strided.softmax(x, scale, out);
            return;
        }
        long n = x.dim(-1);
        MemorySegment xs = x.data(), os = out.data();
        parallel.forRange(x.numel() / n, Math.max(1, GRAIN / n), (r0, r1) -> {
            for (long r = r0; r < r1; r++) {
                RowSoftmax.row(xs.asSlice(r * n * 4, n * 4), os.asSlice(r * n * 4, n * 4), 0, n, scale); // exact-class slices
            }
        });
    }

    @Override
    public void rope(Tensor x, Tensor cos, Tensor sin, RopeStyle style, Tensor out) {
        sameShape(x, out, "rope");
        long d = x.dim(-1), h = x.dim(-2), s = x.dim(-3);
        if (d % 2 != 0 || cos.rank() != 2 || cos.dim(0) != s || cos.dim(1) != d / 2 || !cos.shape().equals(sin.shape())) {
            throw new IllegalArgumentException("rope needs x [..., S, H, D] with even D and cos, sin [S, D/2]: x " + x.shape()
                    + ", cos " + cos.shape() + ", sin " + sin.shape());
        }
        if (!dense(x, cos, sin, out)) {
            strided.rope(x, cos, sin, style, out);
            return;
        }
        MemorySegment xs = x.data(), cs = cos.data(), ss = sin.data(), os = out.data();
        long half = d / 2;
        parallel.forRange(x.numel() / d, 64, (r0, r1) -> {
            for (long row = r0; row < r1; row++) {
                long pos = (row / h) % s;
                long off = row * d * 4;
                for (long j = 0; j < half; j++) {
                    long i0 = style == RopeStyle.INTERLEAVED ? 2 * j : j;
                    long i1 = style == RopeStyle.INTERLEAVED ? 2 * j + 1 : j + half;
                    float x0 = xs.get(Layouts.F32, off + 4 * i0);
                    float x1 = xs.get(Layouts.F32, off + 4 * i1);
                    float c = cs.get(Layouts.F32, (pos * half + j) * 4);
                    float sn = ss.get(Layouts.F32, (pos * half + j) * 4);
                    os.set(Layouts.F32, off + 4 * i0, x0 * c - x1 * sn);
                    os.set(Layouts.F32, off + 4 * i1, x0 * sn + x1 * c);
                }
            }
        });
    }
}
