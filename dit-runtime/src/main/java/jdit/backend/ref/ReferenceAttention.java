package jdit.backend.ref;

import jdit.attention.AttentionPlan;
import jdit.backend.Attention;
import jdit.tensor.Tensor;

/** Softmax attention in double precision, one query row at a time. */
public final class ReferenceAttention implements Attention {
    @Override
    public void attend(Tensor q, Tensor k, Tensor v, AttentionPlan plan, float scale, Tensor out) {
        Attention.checkShapes(q, k, v, out);
        if (!(plan instanceof AttentionPlan.Dense)) {
            throw new IllegalArgumentException("the reference attention runs dense plans only, got " + plan);
        }
        long tk = k.dim(1);
        long dh = q.dim(3);
        double[] s = new double[(int) tk];
        for (long b = 0; b < q.dim(0); b++) {
            for (long h = 0; h < q.dim(2); h++) {
                for (long i = 0; i < q.dim(1); i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (long j = 0; j < tk; j++) {
                        double dot = 0;
                        for (long d = 0; d < dh; d++) {
                            dot += q.getDouble(b, i, h, d) * k.getDouble(b, j, h, d);
                        }
                        s[(int) j] = dot * scale;
                        max = Math.max(max, s[(int) j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < tk; j++) {
                        s[j] = Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (long d = 0; d < dh; d++) {
                        double o = 0;
                        for (long j = 0; j < tk; j++) {
                            o += s[(int) j] * v.getDouble(b, j, h, d);
                        }
                        out.setDouble(o / sum, b, i, h, d);
                    }
                }
            }
        }
    }
}
