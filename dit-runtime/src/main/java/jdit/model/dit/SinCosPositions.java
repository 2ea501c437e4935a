package jdit.model.dit;

import java.lang.foreign.Arena;
import jdit.tensor.DType;
import jdit.tensor.Tensor;

/**
 * DiT's fixed 2-D sin-cos position table (the MAE code): for a g x g grid, token {@code r·g + col} gets
 * {@code [emb1d(D/2, col), emb1d(D/2, r)]}, the first half encoding the column, with
 * {@code emb1d(E, pos) = [sin(pos·ω_i), cos(pos·ω_i)]}, {@code ω_i = 10000^(-i/(E/2))}, computed in double.
 */
public final class SinCosPositions {
    private SinCosPositions() {
    }

    /** F32 [1, g·g, dim]. */
    public static Tensor table(Arena arena, int grid, int dim) {
        if (dim % 4 != 0) {
            throw new IllegalArgumentException("sin-cos positions need a dim divisible by 4, got " + dim);
        }
        Tensor out = Tensor.allocate(arena, DType.F32, 1, (long) grid * grid, dim);
        int half = dim / 2;
        int quarter = dim / 4;
        for (int r = 0; r < grid; r++) {
            for (int col = 0; col < grid; col++) {
                long token = (long) r * grid + col;
                for (int i = 0; i < quarter; i++) {
                    double omega = 1 / Math.pow(10000, i / (double) quarter);
                    out.setDouble(Math.sin(col * omega), 0, token, i);
                    out.setDouble(Math.cos(col * omega), 0, token, quarter + i);
                    out.setDouble(Math.sin(r * omega), 0, token, half + i);
                    out.setDouble(Math.cos(r * omega), 0, token, half + quarter + i);
                }
            }
        }
        return out;
    }
}
