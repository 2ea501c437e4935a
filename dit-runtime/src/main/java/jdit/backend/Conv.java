package jdit.backend;

import jdit.tensor.Tensor;

/** Convolutions (cross-correlation, as PyTorch). */
public interface Conv {
    /** x [N, C, H, W], w [O, C/groups, kh, kw], bias [O] or null, out [N, O, Ho, Wo]. */
    void conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec, Tensor out);

    /** x [N, C, T, H, W], w [O, C, kt, kh, kw], bias [O] or null, out [N, O, To, Ho, Wo]. */
    void conv3d(Tensor x, Tensor w, Tensor bias, Conv3dSpec spec, Tensor out);
}
