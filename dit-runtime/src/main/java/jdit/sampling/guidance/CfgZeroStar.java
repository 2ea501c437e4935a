package jdit.sampling.guidance;

import jdit.backend.Pointwise;
import jdit.sampling.Guidance;
import jdit.tensor.Tensor;

/**
 * CFG-Zero* (Fan et al. 2025): per batch entry the optimised scale {@code a = <cond, uncond> / ||uncond||²} and
 * {@code uncond·a + scale·(cond - uncond·a)}; the first {@code zeroInitSteps} steps output zero ("zero init").
 */
public record CfgZeroStar(float scale, int zeroInitSteps) implements Guidance {
    @Override
    public void combine(Tensor cond, Tensor uncond, int step, Tensor out, Pointwise ops) {
        for (long b = 0; b < cond.dim(0); b++) {
            Tensor c = cond.select(0, b);
            Tensor u = uncond.select(0, b);
            Tensor o = out.select(0, b);
            if (step < zeroInitSteps) {
                ops.scaleAdd(c, 0f, u, 0f, o);
                continue;
            }
            double dot = 0;
            double norm = 0;
            for (long i = 0; i < c.numel(); i++) {
                double cv = c.getDoubleAt(i);
                double uv = u.getDoubleAt(i);
                dot += cv * uv;
                norm += uv * uv;
            }
            double a = dot / (norm + 1e-8);
            ops.scaleAdd(c, scale, u, (float) (a * (1 - scale)), o);
        }
    }
}
