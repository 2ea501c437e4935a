package jdit.profile;

import java.util.SplittableRandom;
import jdit.attention.TokenGrid;
import jdit.tensor.Tensor;

/**
 * Q and K that attend the way trained video models' heads do, so that sparse methods have something to find
 * (random weights give diffuse attention): every token (f, h, w) of an F x H x W grid gets a unit vector for its
 * frame and one for its spatial place; "frame" heads (every third head, from 0) set q = k = c·e_frame + noise and so
 * attend inside their frame, "location" heads (from 1) use e_place and attend to the same place in every frame,
 * "mixed" heads (from 2) use both at c/√2; c = sqrt(8·√D) puts matching pairs 8 logits above the rest after the
 * 1/√D scale; noise N(0, 0.3²) per element; V is N(0, 1). Seeded.
 */
public final class StructuredAttentionWorkload {
    private StructuredAttentionWorkload() {
    }

    /** Fills q, k, v [1, F·H·W, heads, D] for {@code grid}. */
    public static void fill(TokenGrid grid, long seed, Tensor q, Tensor k, Tensor v) {
        int heads = (int) q.dim(2);
        int d = (int) q.dim(3);
        SplittableRandom r = new SplittableRandom(seed);
        double[][] frame = unitVectors(grid.frames(), d, r);
        double[][] place = unitVectors(grid.height() * grid.width(), d, r);
        double c = Math.sqrt(8 * Math.sqrt(d));
        int perFrame = grid.height() * grid.width();
        for (int t = 0; t < grid.tokens(); t++) {
            int f = t / perFrame;
            int p = t % perFrame;
            for (int h = 0; h < heads; h++) {
                double wf = h % 3 == 0 ? c : h % 3 == 2 ? c / Math.sqrt(2) : 0;
                double wp = h % 3 == 1 ? c : h % 3 == 2 ? c / Math.sqrt(2) : 0;
                for (int i = 0; i < d; i++) {
                    double base = wf * frame[f][i] + wp * place[p][i];
                    q.setDouble(base + 0.3 * gaussian(r), 0, t, h, i);
                    k.setDouble(base + 0.3 * gaussian(r), 0, t, h, i);
                    v.setDouble(gaussian(r), 0, t, h, i);
                }
            }
        }
    }

    private static double[][] unitVectors(int n, int d, SplittableRandom r) {
        double[][] out = new double[n][d];
        for (double[] row : out) {
            double norm = 0;
            for (int i = 0; i < d; i++) {
                row[i] = gaussian(r);
                norm += row[i] * row[i];
            }
            for (int i = 0; i < d; i++) {
                row[i] /= Math.sqrt(norm);
            }
        }
        return out;
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
