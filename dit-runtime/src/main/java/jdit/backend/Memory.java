package jdit.backend;

import jdit.tensor.Tensor;

/** Copies and fills on the backend's device. */
public interface Memory {
    /** {@code dst[...] = src[...]} for equal shapes, converting dtypes where they differ; either may be a strided view. */
    void copy(Tensor src, Tensor dst);

    /** Every element of {@code dst} set to {@code value}. */
    void fill(Tensor dst, float value);

    /** Waits until every op issued so far has finished (a no-op on the CPU). */
    void synchronize();
}
