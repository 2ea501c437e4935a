package jdit.backend.ref;

import jdit.backend.Memory;
import jdit.tensor.Tensor;

/** Element-by-element copies and fills. */
public final class ReferenceMemory implements Memory {
    @Override
    public void copy(Tensor src, Tensor dst) {
        if (!src.shape().equals(dst.shape())) {
            throw new IllegalArgumentException("copy from " + src + " to " + dst + ": shapes differ");
        }
        for (long i = 0; i < src.numel(); i++) {
            dst.setDoubleAt(i, src.getDoubleAt(i));
        }
    }

    @Override
    public void fill(Tensor dst, float value) {
        for (long i = 0; i < dst.numel(); i++) {
            dst.setDoubleAt(i, value);
        }
    }

    @Override
    public void synchronize() {
    }
}
