package jdit.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdit.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link UnaryOp}s over F32 spans with the Vector API: used by the pointwise group and fused into gemm
 * epilogues, so both compute the same function bit for bit.
 *
 * <p>erf uses the Chebyshev-fitted erfc of Numerical Recipes (fractional error below 1.2e-7), because the
 * Vector API has no erf lane operation.
 */
public final class VectorActivation {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final float SQRT_2_OVER_PI = 0.7978845608028654f;
    private static final float INV_SQRT2 = 0.7071067811865476f;
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

    private VectorActivation() {
    }

    /** Applies {@code op} in place to {@code n} floats starting at byte {@code off} of {@code seg}. */
    public static void apply(UnaryOp op, MemorySegment seg, long off, long n) {
        apply(op, seg, off, seg, off, n);
    }

    /** {@code dst[i] = op(src[i])} for {@code n} floats; src and dst may be the same span. */
    public static void apply(UnaryOp op, MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long n) {
        if (op == UnaryOp.IDENTITY) {
            if (src != dst || srcOff != dstOff) {
                MemorySegment.copy(src, srcOff, dst, dstOff, n * 4);
            }
            return;
        }
        long bound = n - n % S.length();
        // One loop per op, each calling a small per-op method: a loop around the whole switch kept C2 from inlining
        // it, and every vector was boxed (measured 10-30x slower).
        switch (op) {
            case RELU -> {
                for (long i = 0; i < bound; i += S.length()) {
                    load(src, srcOff, i).max(0f).intoMemorySegment(dst, dstOff + 4 * i, LE);
                }
            }
            case EXP -> {
                for (long i = 0; i < bound; i += S.length()) {
                    VectorExp.exp(load(src, srcOff, i)).intoMemorySegment(dst, dstOff + 4 * i, LE);
                }
            }
            case TANH -> {
                for (long i = 0; i < bound; i += S.length()) {
                    VectorExp.tanh(load(src, srcOff, i)).intoMemorySegment(dst, dstOff + 4 * i, LE);
                }
            }
            case SIGMOID -> {
                for (long i = 0; i < bound; i += S.length()) {
                    sigmoid(load(src, srcOff, i)).intoMemorySegment(dst, dstOff + 4 * i, LE);
                }
            }
            case SILU -> {
                for (long i = 0; i < bound; i += S.length()) {
                    FloatVector x = load(src, srcOff, i);
                    x.mul(sigmoid(x)).intoMemorySegment(dst, dstOff + 4 * i, LE);
                }
            }
            case GELU_TANH -> {
                for (long i = 0; i < bound; i += S.length()) {
                    geluTanh(load(src, srcOff, i)).intoMemorySegment(dst, dstOff + 4 * i, LE);
                }
            }
            case GELU_ERF -> {
                for (long i = 0; i < bound; i += S.length()) {
                    geluErf(load(src, srcOff, i)).intoMemorySegment(dst, dstOff + 4 * i, LE);
                }
            }
            case IDENTITY -> throw new AssertionError("handled above");
        }
        long i = bound;
        for (; i < n; i++) {
            dst.set(Layouts.F32, dstOff + 4 * i, apply(op, src.get(Layouts.F32, srcOff + 4 * i)));
        }
    }

    /** The vector form of {@code op}. */
    public static FloatVector apply(UnaryOp op, FloatVector x) {
        return switch (op) {
            case IDENTITY -> x;
            case RELU -> x.max(0f);
            case EXP -> VectorExp.exp(x);
            case TANH -> VectorExp.tanh(x);
            case SIGMOID -> sigmoid(x);
            case SILU -> x.mul(sigmoid(x));
            case GELU_TANH -> geluTanh(x);
            case GELU_ERF -> geluErf(x);
        };
    }

    private static FloatVector load(MemorySegment s, long off, long i) {
        return FloatVector.fromMemorySegment(S, s, off + 4 * i, LE);
    }

    private static FloatVector geluTanh(FloatVector x) {
        FloatVector inner = x.mul(x).mul(x).mul(0.044715f).add(x).mul(SQRT_2_OVER_PI);
        return x.mul(0.5f).mul(VectorExp.tanh(inner).add(1f));
    }

    /** 0.5·x·(1 + erf(u)) with u = x/√2, written through erfc(|u|) to keep relative accuracy for u < 0. */
    private static FloatVector geluErf(FloatVector x) {
        FloatVector u = x.mul(INV_SQRT2);
        FloatVector c = erfcAbs(u.abs());
        FloatVector onePlusErf = c.neg().add(2f).blend(c, u.compare(VectorOperators.LT, 0f));
        return x.mul(0.5f).mul(onePlusErf);
    }

    /** The scalar form of {@code op}, the same formulas as the vector form. */
    public static float apply(UnaryOp op, float x) {
        return switch (op) {
            case IDENTITY -> x;
            case RELU -> Math.max(x, 0f);
            case EXP -> (float) Math.exp(x);
            case TANH -> (float) Math.tanh(x);
            case SIGMOID -> 1f / (1f + (float) Math.exp(-x));
            case SILU -> x / (1f + (float) Math.exp(-x));
            case GELU_TANH -> {
                float inner = SQRT_2_OVER_PI * (x + 0.044715f * x * x * x);
                yield 0.5f * x * (1f + (float) Math.tanh(inner));
            }
            case GELU_ERF -> {
                float u = x * INV_SQRT2;
                float c = erfcAbs(Math.abs(u));
                yield 0.5f * x * (u < 0 ? c : 2f - c);
            }
        };
    }

    private static FloatVector sigmoid(FloatVector x) {
        return ONE.div(VectorExp.exp(x.neg()).add(1f));
    }

    /** erfc(z) for z >= 0 (Numerical Recipes' erfcc). */
    private static FloatVector erfcAbs(FloatVector z) {
        FloatVector t = ONE.div(z.mul(0.5f).add(1f));
        FloatVector p = t.mul(0.17087277f).add(-0.82215223f);
        p = p.mul(t).add(1.48851587f);
        p = p.mul(t).add(-1.13520398f);
        p = p.mul(t).add(0.27886807f);
        p = p.mul(t).add(-0.18628806f);
        p = p.mul(t).add(0.09678418f);
        p = p.mul(t).add(0.37409196f);
        p = p.mul(t).add(1.00002368f);
        p = p.mul(t).add(-1.26551223f);
        return t.mul(VectorExp.exp(p.sub(z.mul(z))));
    }

    private static float erfcAbs(float z) {
        float t = 1f / (1f + 0.5f * z);
        float p = 0.17087277f;
        p = p * t - 0.82215223f;
        p = p * t + 1.48851587f;
        p = p * t - 1.13520398f;
        p = p * t + 0.27886807f;
        p = p * t - 0.18628806f;
        p = p * t + 0.09678418f;
        p = p * t + 0.37409196f;
        p = p * t + 1.00002368f;
        p = p * t - 1.26551223f;
        return t * (float) Math.exp(p - z * z);
    }
}
