package jdit.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdit.backend.Norms;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Layer, RMS and group norm with the Vector API, parallel over rows (groups). Each row is read from memory once:
 * the mean and variance passes run while it sits in L1, so the op is bound by one read and one write.
 */
public final class CpuNorms implements Norms {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final Parallel parallel;

    public CpuNorms(Parallel parallel) {
        this.parallel = parallel;
    }

    private static void checkRows(Tensor x, Tensor out, Tensor... params) {
        if (x.dtype() != DType.F32 || out.dtype() != DType.F32 || !x.isContiguous() || !out.isContiguous()
                || !x.shape().equals(out.shape())) {
            throw new IllegalArgumentException("norm needs contiguous F32 x and out of one shape, got " + x + " and " + out);
        }
        for (Tensor p : params) {
            if (p != null && (p.dtype() != DType.F32 || !p.isContiguous() || p.numel() != x.dim(-1))) {
                throw new IllegalArgumentException("norm parameter must be contiguous F32 [" + x.dim(-1) + "], got " + p);
            }
        }
    }

    @Override
    public void layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out) {
        checkRows(x, out, weight, bias);
        long c = x.dim(-1);
        MemorySegment xs = x.data(), os = out.data();
        MemorySegment ws = weight == null ? null : weight.data(), bs = bias == null ? null : bias.data();
        parallel.forRange(x.numel() / c, 16, (r0, r1) -> {
            for (long r = r0; r < r1; r++) {
                // Slices made here have an exact class for C2: indexing a caller's segment directly runs ~4x slower
                // once heap or mapped segments have polluted the type profile (measured by the ops helper).
                MemorySegment xr = xs.asSlice(r * c * 4, c * 4);
                MemorySegment or = os.asSlice(r * c * 4, c * 4);
                float mean = (float) (plainSum(xr, 0, c) / c);
                float inv = (float) (1 / Math.sqrt(sumSquares(xr, 0, c, mean) / c + eps));
                scaleShift(xr, 0, or, 0, c, mean, inv, ws, bs);
            }
        });
    }

    @Override
    public void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out) {
        checkRows(x, out, weight);
        long c = x.dim(-1);
        MemorySegment xs = x.data(), os = out.data(), ws = weight == null ? null : weight.data();
        parallel.forRange(x.numel() / c, 16, (r0, r1) -> {
            for (long r = r0; r < r1; r++) {
                MemorySegment xr = xs.asSlice(r * c * 4, c * 4);
                MemorySegment or = os.asSlice(r * c * 4, c * 4);
                float inv = (float) (1 / Math.sqrt(sumSquares(xr, 0, c, 0f) / c + eps));
                scaleShift(xr, 0, or, 0, c, 0f, inv, ws, null);
            }
        });
    }

    @Override
    public void groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, float eps, Tensor out) {
        long n = x.dim(0), c = x.dim(1);
        if (x.dtype() != DType.F32 || !x.isContiguous() || !out.isContiguous() || !x.shape().equals(out.shape())
                || c % groups != 0) {
            throw new IllegalArgumentException("groupNorm needs contiguous F32 x, out [N, C, ...] with C divisible by groups "
                    + groups + ", got " + x + " and " + out);
        }
        long spatial = x.numel() / (n * c);
        long per = c / groups;
        MemorySegment xs = x.data(), os = out.data();
        MemorySegment ws = weight == null ? null : weight.data(), bs = bias == null ? null : bias.data();
        parallel.forEach((int) (n * groups), task -> {
            long g = task % groups;
            long off = (long) task * per * spatial * 4;
            long cnt = per * spatial;
            float mean = (float) (plainSum(xs, off, cnt) / cnt);
            float inv = (float) (1 / Math.sqrt(sumSquares(xs, off, cnt, mean) / cnt + eps));
            for (long ch = 0; ch < per; ch++) {
                long cc = g * per + ch;
                float wv = ws == null ? 1f : ws.getAtIndex(Layouts.F32, cc);
                float bv = bs == null ? 0f : bs.getAtIndex(Layouts.F32, cc);
                affine(xs, off + ch * spatial * 4, os, off + ch * spatial * 4, spatial, mean, inv * wv, bv);
            }
        });
    }

    /** Sum of a span, with four independent accumulators so the adds do not wait on each other. */
    private static double plainSum(MemorySegment s, long off, long n) {
        return sums(s, off, n, 0f, false);
    }

    /** Sum of {@code (x - mean)^2} over a span. */
    private static double sumSquares(MemorySegment s, long off, long n, float mean) {
        return sums(s, off, n, mean, true);
    }

    private static double sums(MemorySegment s, long off, long n, float mean, boolean squares) {
        int l = S.length();
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        long i = 0;
        if (squares) {
            for (long bound = n - n % (4L * l); i < bound; i += 4L * l) {
                FloatVector d0 = FloatVector.fromMemorySegment(S, s, off + 4 * i, LE).sub(mean);
                FloatVector d1 = FloatVector.fromMemorySegment(S, s, off + 4 * (i + l), LE).sub(mean);
                FloatVector d2 = FloatVector.fromMemorySegment(S, s, off + 4 * (i + 2L * l), LE).sub(mean);
                FloatVector d3 = FloatVector.fromMemorySegment(S, s, off + 4 * (i + 3L * l), LE).sub(mean);
                a0 = d0.fma(d0, a0);
                a1 = d1.fma(d1, a1);
                a2 = d2.fma(d2, a2);
                a3 = d3.fma(d3, a3);
            }
        } else {
            for (long bound = n - n % (4L * l); i < bound; i += 4L * l) {
                a0 = a0.add(FloatVector.fromMemorySegment(S, s, off + 4 * i, LE));
                a1 = a1.add(FloatVector.fromMemorySegment(S, s, off + 4 * (i + l), LE));
                a2 = a2.add(FloatVector.fromMemorySegment(S, s, off + 4 * (i + 2L * l), LE));
                a3 = a3.add(FloatVector.fromMemorySegment(S, s, off + 4 * (i + 3L * l), LE));
            }
        }
        double t = Lanes.sum(a0.add(a1).add(a2.add(a3)));
        for (; i < n; i++) {
            double v = s.get(Layouts.F32, off + 4 * i);
            t += squares ? (v - mean) * (v - mean) : v;
        }
        return t;
    }

    /**
     * {@code out = (x - mean) * inv * w + b}, with w, b per element (or absent). The four cases are separate loops:
     * a vector merged from two branches inside the loop defeats C2's vector intrinsics (measured 2x slower).
     */
    private static void scaleShift(MemorySegment x, long xo, MemorySegment o, long oo, long n, float mean, float inv,
                                   MemorySegment w, MemorySegment b) {
        long bound = n - n % S.length();
        long i = 0;
        if (w != null && b != null) {
            for (; i < bound; i += S.length()) {
                FloatVector v = FloatVector.fromMemorySegment(S, x, xo + 4 * i, LE).sub(mean).mul(inv);
                v.fma(FloatVector.fromMemorySegment(S, w, 4 * i, LE), FloatVector.fromMemorySegment(S, b, 4 * i, LE))
                        .intoMemorySegment(o, oo + 4 * i, LE);
            }
        } else if (w != null) {
            for (; i < bound; i += S.length()) {
                FloatVector v = FloatVector.fromMemorySegment(S, x, xo + 4 * i, LE).sub(mean).mul(inv);
                v.mul(FloatVector.fromMemorySegment(S, w, 4 * i, LE)).intoMemorySegment(o, oo + 4 * i, LE);
            }
        } else if (b == null) {
            for (; i < bound; i += S.length()) {
                FloatVector.fromMemorySegment(S, x, xo + 4 * i, LE).sub(mean).mul(inv).intoMemorySegment(o, oo + 4 * i, LE);
            }
        }
        for (; i < n; i++) {
            float v = (x.get(Layouts.F32, xo + 4 * i) - mean) * inv;
            v = v * (w == null ? 1f : w.get(Layouts.F32, 4 * i)) + (b == null ? 0f : b.get(Layouts.F32, 4 * i));
            o.set(Layouts.F32, oo + 4 * i, v);
        }
    }

    /** {@code out = (x - mean) * scale + shift} with scalar scale and shift. */
    private static void affine(MemorySegment x, long xo, MemorySegment o, long oo, long n, float mean, float scale, float shift) {
        long i = 0;
        for (long bound = n - n % S.length(); i < bound; i += S.length()) {
            FloatVector.fromMemorySegment(S, x, xo + 4 * i, LE).sub(mean).fma(scale, shift).intoMemorySegment(o, oo + 4 * i, LE);
        }
        for (; i < n; i++) {
            o.set(Layouts.F32, oo + 4 * i, (x.get(Layouts.F32, xo + 4 * i) - mean) * scale + shift);
        }
    }
}
