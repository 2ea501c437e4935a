package jdit.model.dit;

import java.lang.foreign.Arena;
import jdit.tensor.DType;
import jdit.tensor.Tensor;

/** DiT's fixed embeddings: the sinusoidal timestep frequencies, computed as the official code does in float32. */
public final class DitEmbeddings {
    private static final int FREQ_DIM = 256;

    private DitEmbeddings() {
    }

    /**
     * {@code t_freq} [N, 256]: {@code [cos(t·f_i), sin(t·f_i)]} with {@code f_i = exp(-ln(10000)·i/128)}: cos first
     * and the denominator 128 of the original (diffusers divides by 127). Each operation rounds to float32 like torch.
     */
    public static Tensor timestepFrequencies(Arena arena, double[] t) {
        int half = FREQ_DIM / 2;
        Tensor out = Tensor.allocate(arena, DType.F32, t.length, FREQ_DIM);
        float logMax = (float) -Math.log(10000);
        for (int n = 0; n < t.length; n++) {
            for (int i = 0; i < half; i++) {
                float freq = (float) Math.exp((logMax * i) / half);
                float arg = (float) t[n] * freq;
                out.setDouble((float) Math.cos(arg), n, i);
                out.setDouble((float) Math.sin(arg), n, half + i);
            }
        }
        return out;
    }
}
