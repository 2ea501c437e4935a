package jdit.backend.ref;

import jdit.attention.AttentionPlan;
import jdit.attention.HeadBlocks;
import jdit.backend.Attention;
import jdit.tensor.Tensor;

/**
 * Softmax attention in double precision, one query row at a time, over the pairs a plan allows: all of them for
 * dense; for a block plan those in active tiles, and inside PARTIAL tiles those its mask allows.
 */
public final class ReferenceAttention implements Attention {
    @Override
    public void attend(Tensor q, Tensor k, Tensor v, AttentionPlan plan, float scale, Tensor out, Tensor lse) {
        Attention.checkShapes(q, k, v, out, lse);
        for (long b = 0; b < q.dim(0); b++) {
            for (int h = 0; h < q.dim(2); h++) {
                int[] order = plan instanceof AttentionPlan.BlockSparse p && p.headOrders() != null
                        ? p.headOrders()[(int) (b * q.dim(2) + h)] : null;
                attendOrdered(q, k, v, plan, order, scale, out, lse, b, h);
            }
        }
    }

    /** One (batch, head), seen through {@code order} (position i is token order[i]; null: the natural order). */
    private static void attendOrdered(Tensor q, Tensor k, Tensor v, AttentionPlan plan, int[] order, float scale,
                                      Tensor out, Tensor lse, long b, int h) {
        int tq = (int) q.dim(1);
        int tk = (int) k.dim(1);
        boolean[] allowed = new boolean[tk];
        double[] s = new double[tk];
        for (int i = 0; i < tq; i++) {
            int qi = order == null ? i : order[i];
            allowedKeys(plan, h, i, allowed);
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < tk; j++) {
                if (allowed[j]) {
                    int kj = order == null ? j : order[j];
                    double dot = 0;
                    for (long d = 0; d < q.dim(3); d++) {
                        dot += q.getDouble(b, qi, h, d) * k.getDouble(b, kj, h, d);
                    }
                    s[j] = dot * scale;
                    max = Math.max(max, s[j]);
                }
            }
            double sum = 0;
            for (int j = 0; j < tk; j++) {
                s[j] = allowed[j] ? Math.exp(s[j] - max) : 0;
                sum += s[j];
            }
            for (long d = 0; d < q.dim(3); d++) {
                double o = 0;
                for (int j = 0; j < tk; j++) {
                    o += s[j] * v.getDouble(b, order == null ? j : order[j], h, d);
                }
                out.setDouble(sum == 0 ? 0 : o / sum, b, qi, h, d);
            }
            if (lse != null) {
                lse.setDouble(sum == 0 ? Double.NEGATIVE_INFINITY : max + Math.log(sum), b, h, qi);
            }
        }
    }

    /** The keys query {@code i} of head {@code h} attends to under {@code plan}. */
    static void allowedKeys(AttentionPlan plan, int h, int i, boolean[] allowed) {
        if (plan instanceof AttentionPlan.BlockSparse p) {
            java.util.Arrays.fill(allowed, false);
            HeadBlocks hb = p.heads().get(h);
            int qb = i / p.queryBlock();
            for (int a = hb.start(qb); a < hb.end(qb); a++) {
                int c0 = hb.col(a) * p.keyBlock();
                for (int j = c0; j < Math.min(allowed.length, c0 + p.keyBlock()); j++) {
                    allowed[j] = !hb.partial(a) || p.mask().allowed(i, j);
                }
            }
        } else {
            java.util.Arrays.fill(allowed, true);
        }
    }
}
