package jdit.sparse.nabla;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import jdit.tensor.DType;
import jdit.tensor.Tensor;

/**
 * NABLA's block selection: q and k (after RoPE, in tile order) mean-pooled over each block of 64 tokens, the map
 * {@code A = softmax(q̄ k̄ᵀ / sqrt(D))} over key blocks, and per row the blocks kept by the cumulative-mass rule:
 * sorted ascending and summed, a block is kept iff its cumulative sum is at least {@code 1 − thr} (the smallest top
 * set holding more than {@code thr} of the mass, ties kept). Computed in double: the official float32 map agrees
 * on every decision the golden fixtures test, whose margins are at least 1.7e-3.
 */
public final class PooledMassMap {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private PooledMassMap() {
    }

    /** Per head the kept [N][N] blocks for q, k [B, S, H, D] F32 (S a multiple of {@code block}); batches united. */
    public static List<boolean[][]> keep(Tensor q, Tensor k, int block, double thr) {
        int b = (int) q.dim(0), s = (int) q.dim(1), heads = (int) q.dim(2), d = (int) q.dim(3);
        if (q.dtype() != DType.F32 || k.dtype() != DType.F32 || s % block != 0 || k.dim(1) != s) {
            throw new IllegalArgumentException("NABLA pools F32 q, k of equal length divisible by " + block + ", got "
                    + q.shape() + " and " + k.shape());
        }
        int n = s / block;
        List<boolean[][]> out = new ArrayList<>();
        for (int h = 0; h < heads; h++) {
            boolean[][] keep = new boolean[n][n];
            for (int bi = 0; bi < b; bi++) {
                double[][] qm = means(q, bi, h, block);
                double[][] km = means(k, bi, h, block);
                for (int i = 0; i < n; i++) {
                    boolean[] row = keepRow(qm[i], km, d, thr);
                    for (int j = 0; j < n; j++) {
                        keep[i][j] |= row[j];
                    }
                }
            }
            out.add(keep);
        }
        return out;
    }

    /** [N][D] means of the tokens of each block of (batch b, head h). */
    static double[][] means(Tensor t, int b, int h, int block) {
        int s = (int) t.dim(1), d = (int) t.dim(3);
        MemorySegment seg = t.segment();
        double[][] m = new double[s / block][d];
        float[] row = new float[d];
        for (int tok = 0; tok < s; tok++) {
            long base = t.offset() + b * t.stride(0) + tok * t.stride(1) + h * t.stride(2);
            if (t.stride(3) == 1) {
                MemorySegment.copy(seg, F32, base * 4, row, 0, d);
            } else {
                for (int c = 0; c < d; c++) {
                    row[c] = seg.getAtIndex(F32, base + c * t.stride(3));
                }
            }
            double[] acc = m[tok / block];
            for (int c = 0; c < d; c++) {
                acc[c] += row[c];
            }
        }
        for (double[] mean : m) {
            for (int c = 0; c < d; c++) {
                mean[c] /= block;
            }
        }
        return m;
    }

    /** One row of the map and its kept blocks. */
    static boolean[] keepRow(double[] qm, double[][] km, int d, double thr) {
        int n = km.length;
        double[] a = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            double dot = 0;
            for (int c = 0; c < d; c++) {
                dot += qm[c] * km[j][c];
            }
            a[j] = dot / Math.sqrt(d);
            max = Math.max(max, a[j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            a[j] = Math.exp(a[j] - max);
            sum += a[j];
        }
        Integer[] idx = new Integer[n];
        for (int j = 0; j < n; j++) {
            a[j] /= sum;
            idx[j] = j;
        }
        Arrays.sort(idx, Comparator.comparingDouble(j -> a[j]));
        boolean[] keep = new boolean[n];
        double cum = 0;
        for (int j : idx) {
            cum += a[j];
            keep[j] = cum >= 1 - thr;
        }
        return keep;
    }
}
