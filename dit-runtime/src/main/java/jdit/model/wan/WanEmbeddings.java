package jdit.model.wan;

import java.lang.foreign.Arena;
import jdit.tensor.DType;
import jdit.tensor.Tensor;

/** Wan2.1's timestep frequencies ({@code sinusoidal_embedding_1d}), computed in double as the official code does. */
final class WanEmbeddings {
    private WanEmbeddings() {
    }

    /**
     * [B, dim] F32: {@code [cos(t·w_i) | sin(t·w_i)]} with {@code w_i = 10000^(-i/half)}, i < half = dim/2, the
     * products formed in double and rounded to F32 once at the end.
     */
    static Tensor timestepFrequencies(Arena arena, double[] t, int dim) {
        int half = dim / 2;
        Tensor out = Tensor.allocate(arena, DType.F32, t.length, dim);
        for (int b = 0; b < t.length; b++) {
            for (int i = 0; i < half; i++) {
                double a = t[b] * Math.pow(10000, -(double) i / half);
                out.setDouble(Math.cos(a), b, i);
                out.setDouble(Math.sin(a), b, half + i);
            }
        }
        return out;
    }
}
