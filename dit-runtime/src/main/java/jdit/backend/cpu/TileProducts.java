package jdit.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two products of a flash-attention tile as register-blocked Vector API loops over heap arrays: S = Q·Kᵀ over
 * keys packed in panels of 16, and O = O·α + P·V. Each inner step holds a 4-row x 64-column block of the result in
 * 16 accumulators and streams one operand through the others, which measured 0.7-0.85 of the FMA ceiling per
 * thread on these tile sizes against about 0.6 for two single-threaded {@code sgemm} calls per tile (OpenBLAS packs
 * both operands again on every call). Heap arrays, not memory segments: the JIT hoists their bounds checks.
 *
 * <p>Row counts are multiples of 4 (callers pad Q with zero rows); head dimensions of P·V are multiples of 16
 * (callers pad V and O with zero columns).
 */
final class TileProducts {
    static final VectorSpecies<Float> SP = FloatVector.SPECIES_512;
    static final int PANEL = 16;
    static final int ROWS = 4;

    private TileProducts() {
    }

    /**
     * s[i·sStride + 16·(p − p0) + lane] = q[qOff + i·d .. + d) · K[key], for rows {@code 0 <= i < rows} and the keys
     * of panels p0 .. p0 + panels − 1, where panel p holds keys 16p .. 16p + 15 as kp[kBase + panelOffset(p, d) +
     * 64·e + lane];
     * and {@code max[16·i ..]} = the lane-wise maximum of row i's scores, taken from the registers, which spares the
     * softmax a pass over the row when no mask or padding changes it.
     */
    static void scores(float[] q, int qOff, int rows, int d, float[] kp, int kBase, int p0, int panels, float[] s, int sStride,
                       float[] max) {
        java.util.Arrays.fill(max, 0, rows * PANEL, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < rows; i += ROWS) {
            int p = 0;
            for (; p < panels && (p0 + p) % 4 != 0; p++) {
                scores4x1(q, qOff + i * d, d, kp, kBase + panelOffset(p0 + p, d), s, i * sStride + p * PANEL, sStride, max, i * PANEL);
            }
            for (; p + 4 <= panels; p += 4) {
                scores4x4(q, qOff + i * d, d, kp, kBase + panelOffset(p0 + p, d), s, i * sStride + p * PANEL, sStride, max, i * PANEL);
            }
            for (; p < panels; p++) {
                scores4x1(q, qOff + i * d, d, kp, kBase + panelOffset(p0 + p, d), s, i * sStride + p * PANEL, sStride, max, i * PANEL);
            }
        }
    }

    /**
     * Where panel p starts: four consecutive panels interleave by element, so that a 64-key group's element e is one
     * contiguous 256-byte run and every panel steps 64 floats per element.
     */
    static int panelOffset(int p, int d) {
        return (p >> 2) * d * 4 * PANEL + (p & 3) * PANEL;
    }

    private static void scores4x4(float[] q, int q0, int d, float[] kp, int k0, float[] s, int s0, int sStride, float[] max,
                                  int m0) {
        FloatVector a00 = FloatVector.zero(SP), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int q1 = q0 + d, q2 = q1 + d, q3 = q2 + d;
        for (int e = 0; e < d; e++) {
            int o = k0 + e * 64;
            FloatVector k0v = FloatVector.fromArray(SP, kp, o);
            FloatVector k1v = FloatVector.fromArray(SP, kp, o + 16);
            FloatVector k2v = FloatVector.fromArray(SP, kp, o + 32);
            FloatVector k3v = FloatVector.fromArray(SP, kp, o + 48);
            FloatVector b = FloatVector.broadcast(SP, q[q0 + e]);
            a00 = k0v.fma(b, a00);
            a01 = k1v.fma(b, a01);
            a02 = k2v.fma(b, a02);
            a03 = k3v.fma(b, a03);
            b = FloatVector.broadcast(SP, q[q1 + e]);
            a10 = k0v.fma(b, a10);
            a11 = k1v.fma(b, a11);
            a12 = k2v.fma(b, a12);
            a13 = k3v.fma(b, a13);
            b = FloatVector.broadcast(SP, q[q2 + e]);
            a20 = k0v.fma(b, a20);
            a21 = k1v.fma(b, a21);
            a22 = k2v.fma(b, a22);
            a23 = k3v.fma(b, a23);
            b = FloatVector.broadcast(SP, q[q3 + e]);
            a30 = k0v.fma(b, a30);
            a31 = k1v.fma(b, a31);
            a32 = k2v.fma(b, a32);
            a33 = k3v.fma(b, a33);
        }
        a00.intoArray(s, s0);
        a01.intoArray(s, s0 + 16);
        a02.intoArray(s, s0 + 32);
        a03.intoArray(s, s0 + 48);
        a10.intoArray(s, s0 + sStride);
        a11.intoArray(s, s0 + sStride + 16);
        a12.intoArray(s, s0 + sStride + 32);
        a13.intoArray(s, s0 + sStride + 48);
        a20.intoArray(s, s0 + 2 * sStride);
        a21.intoArray(s, s0 + 2 * sStride + 16);
        a22.intoArray(s, s0 + 2 * sStride + 32);
        a23.intoArray(s, s0 + 2 * sStride + 48);
        a30.intoArray(s, s0 + 3 * sStride);
        a31.intoArray(s, s0 + 3 * sStride + 16);
        a32.intoArray(s, s0 + 3 * sStride + 32);
        a33.intoArray(s, s0 + 3 * sStride + 48);
        FloatVector.fromArray(SP, max, m0).max(a00.max(a01).max(a02.max(a03))).intoArray(max, m0);
        FloatVector.fromArray(SP, max, m0 + 16).max(a10.max(a11).max(a12.max(a13))).intoArray(max, m0 + 16);
        FloatVector.fromArray(SP, max, m0 + 32).max(a20.max(a21).max(a22.max(a23))).intoArray(max, m0 + 32);
        FloatVector.fromArray(SP, max, m0 + 48).max(a30.max(a31).max(a32.max(a33))).intoArray(max, m0 + 48);
    }

    private static void scores4x1(float[] q, int q0, int d, float[] kp, int k0, float[] s, int s0, int sStride, float[] max,
                                  int m0) {
        FloatVector a0 = FloatVector.zero(SP), a1 = a0, a2 = a0, a3 = a0;
        int q1 = q0 + d, q2 = q1 + d, q3 = q2 + d;
        for (int e = 0; e < d; e++) {
            FloatVector kv = FloatVector.fromArray(SP, kp, k0 + e * 64);
            a0 = kv.fma(FloatVector.broadcast(SP, q[q0 + e]), a0);
            a1 = kv.fma(FloatVector.broadcast(SP, q[q1 + e]), a1);
            a2 = kv.fma(FloatVector.broadcast(SP, q[q2 + e]), a2);
            a3 = kv.fma(FloatVector.broadcast(SP, q[q3 + e]), a3);
        }
        a0.intoArray(s, s0);
        a1.intoArray(s, s0 + sStride);
        a2.intoArray(s, s0 + 2 * sStride);
        a3.intoArray(s, s0 + 3 * sStride);
        FloatVector.fromArray(SP, max, m0).max(a0).intoArray(max, m0);
        FloatVector.fromArray(SP, max, m0 + 16).max(a1).intoArray(max, m0 + 16);
        FloatVector.fromArray(SP, max, m0 + 32).max(a2).intoArray(max, m0 + 32);
        FloatVector.fromArray(SP, max, m0 + 48).max(a3).intoArray(max, m0 + 48);
    }

    /**
     * o[i·dp + c] = o[i·dp + c]·alpha[i] + Σ_j p[i·pStride + pOff + j] · V[key0 + j][c] for rows {@code 0 <= i < rows},
     * keys {@code 0 <= j < keys} and all dp columns, V in the column chunks of {@link PackedHeads} from {@code base}.
     */
    static void accumulate(float[] p, int pStride, int pOff, int keys, float[] v, int base, int paddedKeys, int key0, int dp,
                           float[] o, float[] alpha, int rows) {
        for (int c = 0, w; c < dp; c += w) {
            w = PackedHeads.chunkWidth(c, dp);
            int chunk = base + paddedKeys * c + key0 * w;
            if (w == 4 * PANEL) {
                accumulate4x4(p, pOff, pStride, keys, v, chunk, o, c, dp, alpha, rows);
            } else {
                accumulate4x1(p, pOff, pStride, keys, v, chunk, o, c, dp, alpha, rows);
            }
        }
    }

    /**
     * Columns c .. c + 63 of every row from a 64-wide chunk. The row loop lives here and the accumulators are stored
     * here: passing them to a helper or looping in the caller made C2 box them (13x slower).
     */
    private static void accumulate4x4(float[] p, int pOff, int pStride, int keys, float[] v, int vBase, float[] o, int c,
                                      int dp, float[] alpha, int rows) {
        for (int i = 0; i < rows; i += ROWS) {
            int p0 = i * pStride + pOff, p1 = p0 + pStride, p2 = p1 + pStride, p3 = p2 + pStride;
            int o0 = i * dp + c, o1 = o0 + dp, o2 = o1 + dp, o3 = o2 + dp;
            FloatVector s0 = FloatVector.broadcast(SP, alpha[i]), s1 = FloatVector.broadcast(SP, alpha[i + 1]);
            FloatVector s2 = FloatVector.broadcast(SP, alpha[i + 2]), s3 = FloatVector.broadcast(SP, alpha[i + 3]);
            FloatVector a00 = FloatVector.fromArray(SP, o, o0).mul(s0), a01 = FloatVector.fromArray(SP, o, o0 + 16).mul(s0);
            FloatVector a02 = FloatVector.fromArray(SP, o, o0 + 32).mul(s0), a03 = FloatVector.fromArray(SP, o, o0 + 48).mul(s0);
            FloatVector a10 = FloatVector.fromArray(SP, o, o1).mul(s1), a11 = FloatVector.fromArray(SP, o, o1 + 16).mul(s1);
            FloatVector a12 = FloatVector.fromArray(SP, o, o1 + 32).mul(s1), a13 = FloatVector.fromArray(SP, o, o1 + 48).mul(s1);
            FloatVector a20 = FloatVector.fromArray(SP, o, o2).mul(s2), a21 = FloatVector.fromArray(SP, o, o2 + 16).mul(s2);
            FloatVector a22 = FloatVector.fromArray(SP, o, o2 + 32).mul(s2), a23 = FloatVector.fromArray(SP, o, o2 + 48).mul(s2);
            FloatVector a30 = FloatVector.fromArray(SP, o, o3).mul(s3), a31 = FloatVector.fromArray(SP, o, o3 + 16).mul(s3);
            FloatVector a32 = FloatVector.fromArray(SP, o, o3 + 32).mul(s3), a33 = FloatVector.fromArray(SP, o, o3 + 48).mul(s3);
            for (int j = 0; j < keys; j++) {
                int vo = vBase + j * 64;
                FloatVector v0 = FloatVector.fromArray(SP, v, vo);
                FloatVector v1 = FloatVector.fromArray(SP, v, vo + 16);
                FloatVector v2 = FloatVector.fromArray(SP, v, vo + 32);
                FloatVector v3 = FloatVector.fromArray(SP, v, vo + 48);
                FloatVector b = FloatVector.broadcast(SP, p[p0 + j]);
                a00 = v0.fma(b, a00);
                a01 = v1.fma(b, a01);
                a02 = v2.fma(b, a02);
                a03 = v3.fma(b, a03);
                b = FloatVector.broadcast(SP, p[p1 + j]);
                a10 = v0.fma(b, a10);
                a11 = v1.fma(b, a11);
                a12 = v2.fma(b, a12);
                a13 = v3.fma(b, a13);
                b = FloatVector.broadcast(SP, p[p2 + j]);
                a20 = v0.fma(b, a20);
                a21 = v1.fma(b, a21);
                a22 = v2.fma(b, a22);
                a23 = v3.fma(b, a23);
                b = FloatVector.broadcast(SP, p[p3 + j]);
                a30 = v0.fma(b, a30);
                a31 = v1.fma(b, a31);
                a32 = v2.fma(b, a32);
                a33 = v3.fma(b, a33);
            }
            a00.intoArray(o, o0);
            a01.intoArray(o, o0 + 16);
            a02.intoArray(o, o0 + 32);
            a03.intoArray(o, o0 + 48);
            a10.intoArray(o, o1);
            a11.intoArray(o, o1 + 16);
            a12.intoArray(o, o1 + 32);
            a13.intoArray(o, o1 + 48);
            a20.intoArray(o, o2);
            a21.intoArray(o, o2 + 16);
            a22.intoArray(o, o2 + 32);
            a23.intoArray(o, o2 + 48);
            a30.intoArray(o, o3);
            a31.intoArray(o, o3 + 16);
            a32.intoArray(o, o3 + 32);
            a33.intoArray(o, o3 + 48);
        }
    }

    /** Columns c .. c + 15 of every row from a 16-wide chunk. */
    private static void accumulate4x1(float[] p, int pOff, int pStride, int keys, float[] v, int vBase, float[] o, int c,
                                      int dp, float[] alpha, int rows) {
        for (int i = 0; i < rows; i += ROWS) {
            int p0 = i * pStride + pOff, p1 = p0 + pStride, p2 = p1 + pStride, p3 = p2 + pStride;
            int o0 = i * dp + c, o1 = o0 + dp, o2 = o1 + dp, o3 = o2 + dp;
            FloatVector a0 = FloatVector.fromArray(SP, o, o0).mul(FloatVector.broadcast(SP, alpha[i]));
            FloatVector a1 = FloatVector.fromArray(SP, o, o1).mul(FloatVector.broadcast(SP, alpha[i + 1]));
            FloatVector a2 = FloatVector.fromArray(SP, o, o2).mul(FloatVector.broadcast(SP, alpha[i + 2]));
            FloatVector a3 = FloatVector.fromArray(SP, o, o3).mul(FloatVector.broadcast(SP, alpha[i + 3]));
            for (int j = 0; j < keys; j++) {
                FloatVector vv = FloatVector.fromArray(SP, v, vBase + j * PANEL);
                a0 = vv.fma(FloatVector.broadcast(SP, p[p0 + j]), a0);
                a1 = vv.fma(FloatVector.broadcast(SP, p[p1 + j]), a1);
                a2 = vv.fma(FloatVector.broadcast(SP, p[p2 + j]), a2);
                a3 = vv.fma(FloatVector.broadcast(SP, p[p3 + j]), a3);
            }
            a0.intoArray(o, o0);
            a1.intoArray(o, o1);
            a2.intoArray(o, o2);
            a3.intoArray(o, o3);
        }
    }
}
