package jdit.sparse.svg;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdit.tensor.Tensor;

/**
 * Sparse VideoGen's online profiling of one (batch entry, head): for sampled query rows the exact attention output
 * against all keys, and the outputs restricted to the spatial and to the temporal profiling mask; the class is the
 * mask whose mean squared error (over the rows and the head dimension) is smaller, spatial on a tie. Double
 * precision: the fixtures' relative gaps between the two errors are at least 0.05.
 */
final class HeadClassifier {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private HeadClassifier() {
    }

    /** The two errors [spatial, temporal] of (b, h) for q, k, v [B, S, H, D]. */
    static double[] mses(Tensor q, Tensor k, Tensor v, int b, int h, int[] rows, SvgMasks masks, double scale) {
        int s = (int) k.dim(1);
        int d = (int) q.dim(3);
        double[][] keys = rowsOf(k, b, h);
        double[][] values = rowsOf(v, b, h);
        double[] err = new double[2];
        double[] scores = new double[s];
        for (int row : rows) {
            double[] qi = rowOf(q, b, h, row);
            for (int j = 0; j < s; j++) {
                double dot = 0;
                for (int c = 0; c < d; c++) {
                    dot += qi[c] * keys[j][c];
                }
                scores[j] = dot * scale;
            }
            double[] exact = attend(scores, values, j -> true);
            double[] spatial = attend(scores, values, j -> masks.spatial(row, j));
            double[] temporal = attend(scores, values, j -> masks.temporal(row, j));
            for (int c = 0; c < d; c++) {
                err[0] += (spatial[c] - exact[c]) * (spatial[c] - exact[c]);
                err[1] += (temporal[c] - exact[c]) * (temporal[c] - exact[c]);
            }
        }
        err[0] /= (double) rows.length * d;
        err[1] /= (double) rows.length * d;
        return err;
    }

    private static double[] attend(double[] scores, double[][] values, java.util.function.IntPredicate keep) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < scores.length; j++) {
            if (keep.test(j)) {
                max = Math.max(max, scores[j]);
            }
        }
        double[] out = new double[values[0].length];
        double sum = 0;
        for (int j = 0; j < scores.length; j++) {
            if (keep.test(j)) {
                double p = Math.exp(scores[j] - max);
                sum += p;
                for (int c = 0; c < out.length; c++) {
                    out[c] += p * values[j][c];
                }
            }
        }
        for (int c = 0; c < out.length; c++) {
            out[c] /= sum;
        }
        return out;
    }

    private static double[][] rowsOf(Tensor t, int b, int h) {
        double[][] rows = new double[(int) t.dim(1)][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = rowOf(t, b, h, i);
        }
        return rows;
    }

    private static double[] rowOf(Tensor t, int b, int h, int i) {
        int d = (int) t.dim(3);
        MemorySegment seg = t.segment();
        long base = t.offset() + b * t.stride(0) + i * t.stride(1) + h * t.stride(2);
        double[] r = new double[d];
        for (int c = 0; c < d; c++) {
            r[c] = seg.getAtIndex(F32, base + c * t.stride(3));
        }
        return r;
    }
}
