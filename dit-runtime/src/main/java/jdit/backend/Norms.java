package jdit.backend;

import jdit.tensor.Tensor;

/** Normalisations. Statistics are accumulated in double precision or an equivalent compensated form. */
public interface Norms {
    /**
     * Layer norm over the last dimension: x [..., C], out [..., C] (may alias x); weight and bias [C] or null
     * (no affine). {@code (x - mean) / sqrt(var + eps) * weight + bias}, var biased.
     */
    void layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out);

    /** RMS norm over the last dimension: {@code x / sqrt(mean(x^2) + eps) * weight}; weight [C] or null. out may alias x. */
    void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out);

    /**
     * Group norm: x [N, C, *spatial], C split into {@code groups} groups normalised over (C/groups × spatial);
     * weight and bias [C] or null. out may alias x.
     */
    void groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, float eps, Tensor out);
}
