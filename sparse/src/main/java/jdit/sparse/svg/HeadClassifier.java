package jdit.sparse.svg;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.IntStream;
import jdit.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sparse VideoGen's online profiling of each (batch entry, head): for sampled query rows the exact attention output
 * against all keys, and the outputs restricted to the spatial and to the temporal profiling mask; the class is the
 * mask whose mean squared error (over the rows and the head dimension) is smaller, spatial on a tie. Each output is
 * normalised against its own maximum: Σ_j e^(s_j − m) v_j / Σ_j e^(s_j − m) over its keys.
 *
 * <p>Fast because it runs inside every sparse call: heads in parallel; the scores and the three outputs are small
 * matrix products done four rows at a time with the accumulators in registers, over blocks of keys that stay in
 * cache; a mask's output reuses the scores with weights of zero off the mask, and key blocks a row group's mask
 * misses entirely are skipped. Scores, weights and outputs are float in a fixed order per head (results do not
 * depend on the threads); sums and errors double. The fixtures' relative gaps between the two errors are at least
 * 0.05, far above float rounding.
 */
final class HeadClassifier {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int ROWS = 4;
    private static final int KEY_BLOCK = 128;

    private HeadClassifier() {
    }

    /** The same for q, k, v on a device ({@link DeviceHeadProfile}); host tensors are read in place. */
    static double[][] mses(Tensor q, Tensor k, Tensor v, int[] sampled, SvgLayout masks, double scale,
                           jdit.attention.LayerDevice device) {
        if (q.device().kind() == jdit.tensor.Device.Kind.CPU) {
            return mses(q, k, v, sampled, masks, scale);
        }
        if (device == null) {
            throw new IllegalArgumentException("q, k, v live on " + q.device() + " but the attention context names no device");
        }
        return DeviceHeadProfile.mses(q, k, v, sampled, masks, scale, device);
    }

    /** The errors [spatial, temporal] of every (b, h), indexed b · H + h, for q, k, v [B, S, H, D]. */
    static double[][] mses(Tensor q, Tensor k, Tensor v, int[] sampled, SvgLayout masks, double scale) {
        int[] rows = sampled.clone();
        java.util.Arrays.sort(rows); // neighbouring rows share mask blocks, so more blocks are skipped per group
        int batch = (int) q.dim(0);
        int heads = (int) q.dim(2);
        int s = (int) k.dim(1);
        int padded = (rows.length + ROWS - 1) / ROWS * ROWS; // the last group repeats its last row; not read back
        // per sampled row, 0 on the mask's keys and −∞ off them: the same for every head, made once
        float[][] spatial = new float[padded][s];
        float[][] temporal = new float[padded][s];
        for (int r = 0; r < padded; r++) {
            int row = rows[Math.min(r, rows.length - 1)];
            for (int j = 0; j < s; j++) {
                spatial[r][j] = masks.spatial(row, j) ? 0f : Float.NEGATIVE_INFINITY;
                temporal[r][j] = masks.temporal(row, j) ? 0f : Float.NEGATIVE_INFINITY;
            }
        }
        double[][] out = new double[batch * heads][];
        IntStream.range(0, batch * heads).parallel()
                .forEach(bh -> out[bh] = mses(q, k, v, bh / heads, bh % heads, rows, spatial, temporal, (float) scale));
        return out;
    }

    private static double[] mses(Tensor q, Tensor k, Tensor v, int b, int h, int[] rows, float[][] spatial, float[][] temporal,
                                 float scale) {
        int s = (int) k.dim(1);
        int d = (int) q.dim(3);
        int n = rows.length;
        int padded = spatial.length;
        float[] keysT = transposed(k, b, h);
        float[] values = packed(v, b, h, 0, s);
        float[][] qs = new float[padded][];
        for (int r = 0; r < padded; r++) {
            int row = rows[Math.min(r, n - 1)];
            qs[r] = packed(q, b, h, row, row + 1);
        }
        float[][] scores = new float[padded][s];
        scores(qs, keysT, s, d, scores);
        float[][] p = new float[padded][s];
        double[] exactSums = new double[padded];
        for (int r = 0; r < padded; r++) {
            exactSums[r] = expAgainstMax(scores[r], scale, null, p[r]);
        }
        float[][] exact = weightedRows(p, values, s, d);
        double[] err = new double[2];
        double[] sums = new double[padded];
        for (int m = 0; m < 2; m++) {
            float[][] bias = m == 0 ? spatial : temporal;
            for (int r = 0; r < padded; r++) {
                sums[r] = expAgainstMax(scores[r], scale, bias[r], p[r]);
            }
            float[][] masked = weightedRows(p, values, s, d);
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < d; c++) {
                    double diff = masked[r][c] / sums[r] - exact[r][c] / exactSums[r];
                    err[m] += diff * diff;
                }
            }
        }
        err[0] /= (double) n * d;
        err[1] /= (double) n * d;
        return err;
    }

    /**
     * p[j] = e^(x_j − max x) with x_j = row[j]·scale + bias[j] (bias 0 on a mask's keys, −∞ off them; null for all
     * keys), so that off-mask weights are 0; returns the sum (in a fixed lane order).
     */
    private static double expAgainstMax(float[] row, float scale, float[] bias, float[] p) {
        int l = S.length();
        int n = row.length;
        int bound = n - n % l;
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, row[j] * scale + (bias == null ? 0f : bias[j]));
        }
        double sum = 0;
        int j = 0;
        for (; j < bound; j += l) {
            FloatVector x = FloatVector.fromArray(S, row, j).mul(scale);
            if (bias != null) {
                x = x.add(FloatVector.fromArray(S, bias, j));
            }
            FloatVector e = x.sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(p, j);
            sum += e.reduceLanes(VectorOperators.ADD);
        }
        for (; j < n; j++) {
            p[j] = (float) Math.exp(row[j] * scale + (bias == null ? 0f : bias[j]) - max);
            sum += p[j];
        }
        return sum;
    }

    /** out[r] = Σ_j p[r][j] · v_j: key blocks outermost (kept in cache), four rows by two vectors in registers. */
    private static float[][] weightedRows(float[][] p, float[] v, int s, int d) {
        int l = S.length();
        float[][] out = new float[p.length][d];
        int vecEnd = d - d % (2 * l);
        for (int j0 = 0; j0 < s; j0 += KEY_BLOCK) {
            int j1 = Math.min(s, j0 + KEY_BLOCK);
            for (int r = 0; r < p.length; r += ROWS) {
                if (zero(p, r, j0, j1)) {
                    continue;
                }
                float[] p0 = p[r], p1 = p[r + 1], p2 = p[r + 2], p3 = p[r + 3];
                for (int c = 0; c < vecEnd; c += 2 * l) {
                    FloatVector a0 = FloatVector.fromArray(S, out[r], c), a1 = FloatVector.fromArray(S, out[r], c + l);
                    FloatVector b0 = FloatVector.fromArray(S, out[r + 1], c), b1 = FloatVector.fromArray(S, out[r + 1], c + l);
                    FloatVector c0 = FloatVector.fromArray(S, out[r + 2], c), c1 = FloatVector.fromArray(S, out[r + 2], c + l);
                    FloatVector e0 = FloatVector.fromArray(S, out[r + 3], c), e1 = FloatVector.fromArray(S, out[r + 3], c + l);
                    for (int j = j0; j < j1; j++) {
                        FloatVector v0 = FloatVector.fromArray(S, v, j * d + c);
                        FloatVector v1 = FloatVector.fromArray(S, v, j * d + c + l);
                        FloatVector w0 = FloatVector.broadcast(S, p0[j]);
                        FloatVector w1 = FloatVector.broadcast(S, p1[j]);
                        FloatVector w2 = FloatVector.broadcast(S, p2[j]);
                        FloatVector w3 = FloatVector.broadcast(S, p3[j]);
                        a0 = v0.fma(w0, a0);
                        a1 = v1.fma(w0, a1);
                        b0 = v0.fma(w1, b0);
                        b1 = v1.fma(w1, b1);
                        c0 = v0.fma(w2, c0);
                        c1 = v1.fma(w2, c1);
                        e0 = v0.fma(w3, e0);
                        e1 = v1.fma(w3, e1);
                    }
                    a0.intoArray(out[r], c);
                    a1.intoArray(out[r], c + l);
                    b0.intoArray(out[r + 1], c);
                    b1.intoArray(out[r + 1], c + l);
                    c0.intoArray(out[r + 2], c);
                    c1.intoArray(out[r + 2], c + l);
                    e0.intoArray(out[r + 3], c);
                    e1.intoArray(out[r + 3], c + l);
                }
                for (int c = vecEnd; c < d; c++) {
                    for (int rr = r; rr < r + ROWS; rr++) {
                        float acc = out[rr][c];
                        for (int j = j0; j < j1; j++) {
                            acc = Math.fma(p[rr][j], v[j * d + c], acc);
                        }
                        out[rr][c] = acc;
                    }
                }
            }
        }
        return out;
    }

    private static boolean zero(float[][] p, int r, int j0, int j1) {
        for (int rr = r; rr < r + ROWS; rr++) {
            for (int j = j0; j < j1; j++) {
                if (p[rr][j] != 0f) {
                    return false;
                }
            }
        }
        return true;
    }

    /** scores[r][j] = q_r · k_j: key blocks outermost, four rows by two vectors of keys in registers (K transposed). */
    private static void scores(float[][] q, float[] keysT, int s, int d, float[][] scores) {
        int l = S.length();
        int vecEnd = s - s % (2 * l);
        for (int j0 = 0; j0 < vecEnd; j0 += KEY_BLOCK) {
            int j1 = Math.min(vecEnd, j0 + KEY_BLOCK);
            for (int r = 0; r < q.length; r += ROWS) {
                float[] q0 = q[r], q1 = q[r + 1], q2 = q[r + 2], q3 = q[r + 3];
                for (int j = j0; j < j1; j += 2 * l) {
                    FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), b0 = FloatVector.zero(S), b1 = FloatVector.zero(S);
                    FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), e0 = FloatVector.zero(S), e1 = FloatVector.zero(S);
                    for (int c = 0; c < d; c++) {
                        FloatVector k0 = FloatVector.fromArray(S, keysT, c * s + j);
                        FloatVector k1 = FloatVector.fromArray(S, keysT, c * s + j + l);
                        FloatVector w0 = FloatVector.broadcast(S, q0[c]);
                        FloatVector w1 = FloatVector.broadcast(S, q1[c]);
                        FloatVector w2 = FloatVector.broadcast(S, q2[c]);
                        FloatVector w3 = FloatVector.broadcast(S, q3[c]);
                        a0 = k0.fma(w0, a0);
                        a1 = k1.fma(w0, a1);
                        b0 = k0.fma(w1, b0);
                        b1 = k1.fma(w1, b1);
                        c0 = k0.fma(w2, c0);
                        c1 = k1.fma(w2, c1);
                        e0 = k0.fma(w3, e0);
                        e1 = k1.fma(w3, e1);
                    }
                    a0.intoArray(scores[r], j);
                    a1.intoArray(scores[r], j + l);
                    b0.intoArray(scores[r + 1], j);
                    b1.intoArray(scores[r + 1], j + l);
                    c0.intoArray(scores[r + 2], j);
                    c1.intoArray(scores[r + 2], j + l);
                    e0.intoArray(scores[r + 3], j);
                    e1.intoArray(scores[r + 3], j + l);
                }
            }
        }
        for (int j = vecEnd; j < s; j++) {
            for (int r = 0; r < q.length; r++) {
                float acc = 0;
                for (int c = 0; c < d; c++) {
                    acc = Math.fma(q[r][c], keysT[c * s + j], acc);
                }
                scores[r][j] = acc;
            }
        }
    }

    /** K of (b, h) transposed, [D · S]: element (c, j) at c · S + j; 16 keys at a time so the writes run along S. */
    private static float[] transposed(Tensor t, int b, int h) {
        int s = (int) t.dim(1);
        int d = (int) t.dim(3);
        int block = 16;
        float[] rowsBuf = new float[block * d];
        float[] out = new float[d * s];
        for (int j0 = 0; j0 < s; j0 += block) {
            int n = Math.min(block, s - j0);
            for (int jj = 0; jj < n; jj++) {
                row(t, b, h, j0 + jj, rowsBuf, jj * d);
            }
            for (int c = 0; c < d; c++) {
                for (int jj = 0; jj < n; jj++) {
                    out[c * s + j0 + jj] = rowsBuf[jj * d + c];
                }
            }
        }
        return out;
    }

    /** Rows [from, to) of (b, h), packed [rows · D]. */
    private static float[] packed(Tensor t, int b, int h, int from, int to) {
        int d = (int) t.dim(3);
        float[] out = new float[(to - from) * d];
        for (int i = from; i < to; i++) {
            row(t, b, h, i, out, (i - from) * d);
        }
        return out;
    }

    private static void row(Tensor t, int b, int h, int i, float[] dst, int at) {
        int d = (int) t.dim(3);
        MemorySegment seg = t.segment();
        long base = t.offset() + b * t.stride(0) + i * t.stride(1) + h * t.stride(2);
        if (t.stride(3) == 1) {
            MemorySegment.copy(seg, F32, base * 4, dst, at, d);
            return;
        }
        for (int c = 0; c < d; c++) {
            dst[at + c] = seg.getAtIndex(F32, base + c * t.stride(3));
        }
    }
}
