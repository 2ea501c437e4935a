package jdit.sparse.svg;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdit.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sparse VideoGen's online profiling of one (batch entry, head): for sampled query rows the exact attention output
 * against all keys, and the outputs restricted to the spatial and to the temporal profiling mask; the class is the
 * mask whose mean squared error (over the rows and the head dimension) is smaller, spatial on a tie. Scores and
 * outputs are float (vectorised, lanes summed in a fixed order), maxima, sums and errors double: the fixtures'
 * relative gaps between the two errors are at least 0.05.
 */
final class HeadClassifier {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private HeadClassifier() {
    }

    /** The two errors [spatial, temporal] of (b, h) for q, k, v [B, S, H, D]. */
    static double[] mses(Tensor q, Tensor k, Tensor v, int b, int h, int[] rows, SvgLayout masks, double scale) {
        int s = (int) k.dim(1);
        int d = (int) q.dim(3);
        float[] keys = packed(k, b, h);
        float[] values = packed(v, b, h);
        double[] err = new double[2];
        double[] scores = new double[s];
        float[] lanes = new float[S.length()];
        float[][] outs = new float[3][d]; // exact, spatial, temporal
        for (int row : rows) {
            float[] qi = packed(q, b, h, row, row + 1);
            double[] max = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
            for (int j = 0; j < s; j++) {
                scores[j] = dot(qi, keys, j * d, d, lanes) * scale;
                max[0] = Math.max(max[0], scores[j]);
                max[1] = masks.spatial(row, j) ? Math.max(max[1], scores[j]) : max[1];
                max[2] = masks.temporal(row, j) ? Math.max(max[2], scores[j]) : max[2];
            }
            double[] sum = new double[3];
            for (float[] o : outs) {
                java.util.Arrays.fill(o, 0f);
            }
            // one exp per key: a masked weight is the exact one times exp(max_exact − max_mask)
            double f1 = Math.exp(max[0] - max[1]);
            double f2 = Math.exp(max[0] - max[2]);
            for (int j = 0; j < s; j++) { // one pass over V for the three outputs
                double e = Math.exp(scores[j] - max[0]);
                float p0 = (float) e;
                float p1 = masks.spatial(row, j) ? (float) (e * f1) : 0f;
                float p2 = masks.temporal(row, j) ? (float) (e * f2) : 0f;
                sum[0] += p0;
                sum[1] += p1;
                sum[2] += p2;
                axpy3(p0, p1, p2, values, j * d, d, outs);
            }
            for (int c = 0; c < d; c++) {
                double exact = outs[0][c] / sum[0];
                double sp = outs[1][c] / sum[1];
                double tp = outs[2][c] / sum[2];
                err[0] += (sp - exact) * (sp - exact);
                err[1] += (tp - exact) * (tp - exact);
            }
        }
        err[0] /= (double) rows.length * d;
        err[1] /= (double) rows.length * d;
        return err;
    }

    /** outs[m] += p_m · v (row at vo) for the three outputs. */
    private static void axpy3(float p0, float p1, float p2, float[] v, int vo, int d, float[][] outs) {
        int i = 0;
        for (int bound = d - d % S.length(); i < bound; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, v, vo + i);
            x.fma(FloatVector.broadcast(S, p0), FloatVector.fromArray(S, outs[0], i)).intoArray(outs[0], i);
            if (p1 != 0f) {
                x.fma(FloatVector.broadcast(S, p1), FloatVector.fromArray(S, outs[1], i)).intoArray(outs[1], i);
            }
            if (p2 != 0f) {
                x.fma(FloatVector.broadcast(S, p2), FloatVector.fromArray(S, outs[2], i)).intoArray(outs[2], i);
            }
        }
        for (; i < d; i++) {
            outs[0][i] += p0 * v[vo + i];
            outs[1][i] += p1 * v[vo + i];
            outs[2][i] += p2 * v[vo + i];
        }
    }

    private static float dot(float[] a, float[] b, int bo, int d, float[] lanes) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = d - d % S.length(); i < bound; i += S.length()) {
            acc = FloatVector.fromArray(S, a, i).fma(FloatVector.fromArray(S, b, bo + i), acc);
        }
        acc.intoArray(lanes, 0);
        double sum = 0;
        for (float lane : lanes) {
            sum += lane;
        }
        for (; i < d; i++) {
            sum += a[i] * b[bo + i];
        }
        return (float) sum;
    }

    /** Rows [from, to) of (b, h), packed [rows · D]. */
    private static float[] packed(Tensor t, int b, int h, int from, int to) {
        int d = (int) t.dim(3);
        float[] out = new float[(to - from) * d];
        MemorySegment seg = t.segment();
        for (int i = from; i < to; i++) {
            long base = t.offset() + b * t.stride(0) + i * t.stride(1) + h * t.stride(2);
            for (int c = 0; c < d; c++) {
                out[(i - from) * d + c] = seg.getAtIndex(F32, base + c * t.stride(3));
            }
        }
        return out;
    }

    private static float[] packed(Tensor t, int b, int h) {
        return packed(t, b, h, 0, (int) t.dim(1));
    }

}
