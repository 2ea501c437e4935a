package jdit.pipeline;

import jdit.backend.Pointwise;
import jdit.sampling.Sampler;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/** The clean-sample estimate a preview decodes, when the listener wants one at this step and the sampler can say. */
final class Previews {
    private Previews() {
    }

    /**
     * {@code cx·x + ce·prediction} (the prediction's first {@code x.dim(1)} channels) from {@code ws} if step {@code i}
     * (0-based) ends a preview period and the sampler gives its coefficients; null otherwise. Call before the step.
     */
    static Tensor cleanEstimate(GenerationListener listener, Sampler sampler, int i, Tensor x, Tensor prediction, Pointwise ops,
                                Workspace ws) {
        int every = listener.previewEvery();
        if (every <= 0 || (i + 1) % every != 0) {
            return null;
        }
        double[] c = sampler.cleanEstimate(i);
        if (c == null) {
            return null;
        }
        Tensor eps = ws.copy(prediction.narrow(1, 0, x.dim(1)));
        Tensor x0 = ws.allocate(DType.F32, x.shape());
        ops.scaleAdd(x, (float) c[0], eps, (float) c[1], x0);
        return x0;
    }
}
