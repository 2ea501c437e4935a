package jdit.samplers;

import jdit.backend.Backend;
import jdit.backend.Pointwise;
import jdit.sampling.NoiseSource;
import jdit.sampling.Sampler;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * DDIM with eta 0 over an IDDPM-respaced process, as DiT's {@code ddim_sample_loop} runs it:
 * {@code x' = sqrt(abar_prev)·x0 + sqrt(1 - abar_prev)·eps} with {@code x0 = sqrt(1/abar)·x - sqrt(1/abar - 1)·eps};
 * a learned-variance output's extra channels are ignored.
 */
final class RespacedDdimSampler implements Sampler {
    private final double[] abar;
    private final double[] timesteps;

    RespacedDdimSampler(Respacing respacing) {
        abar = respacing.alphasCumprod();
        timesteps = respacing.samplingTimesteps();
    }

    @Override
    public double[] timesteps() {
        return timesteps.clone();
    }

    @Override
    public double[] cleanEstimate(int step) {
        double a = abar[abar.length - 1 - step];
        return new double[] {Math.sqrt(1 / a), -Math.sqrt(1 / a - 1)};
    }

    @Override
    public void step(Tensor output, int step, Tensor x, NoiseSource noise, Backend be, Workspace ws) {
        Pointwise ops = be.pointwise();
        int t = abar.length - 1 - step;
        double a = abar[t];
        double ap = t > 0 ? abar[t - 1] : 1;
        Tensor eps = output.narrow(1, 0, x.dim(1));
        Tensor dense = eps.contiguous(ws);
        LinearStep.apply(x, Math.sqrt(ap / a), dense, -Math.sqrt(ap) * Math.sqrt(1 / a - 1) + Math.sqrt(1 - ap), false, 0, noise, ops, ws);
        if (dense != eps) {
            ws.release(dense);
        }
    }
}
