package jdit.sampling.guidance;

import jdit.backend.Backend;
import jdit.backend.BinaryOp;
import jdit.backend.ReduceOp;
import jdit.backend.Transfers;
import jdit.sampling.Guidance;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * CFG-Zero* (Fan et al. 2025): per batch entry the optimised scale {@code a = <cond, uncond> / ||uncond||²} and
 * {@code uncond·a + scale·(cond - uncond·a)}; the first {@code zeroInitSteps} steps output zero ("zero init"). The
 * two sums are reduced on the tensors' device (products in float, sums in double) and only they come down.
 */
public record CfgZeroStar(float scale, int zeroInitSteps) implements Guidance {
    @Override
    public void combine(Tensor cond, Tensor uncond, int step, Tensor out, Backend be, Workspace ws) {
        for (long b = 0; b < cond.dim(0); b++) {
            Tensor c = cond.select(0, b);
            Tensor u = uncond.select(0, b);
            Tensor o = out.select(0, b);
            if (step < zeroInitSteps) {
                be.pointwise().scaleAdd(c, 0f, u, 0f, o);
                continue;
            }
            double dot = sum(c, u, be, ws);
            double norm = sum(u, u, be, ws);
            double a = dot / (norm + 1e-8);
            be.pointwise().scaleAdd(c, scale, u, (float) (a * (1 - scale)), o);
        }
    }

    /** Σ x·y over every element, reduced on the device. */
    private static double sum(Tensor x, Tensor y, Backend be, Workspace ws) {
        Tensor prod = ws.allocate(DType.F32, x.shape());
        be.pointwise().binary(BinaryOp.MUL, x, y, prod);
        Tensor total = ws.allocate(DType.F32, 1);
        be.reductions().reduce(ReduceOp.SUM, prod.reshape(1, -1), 1, total);
        double v = Transfers.floats(total, be.memory())[0];
        ws.release(total);
        ws.release(prod);
        return v;
    }
}
