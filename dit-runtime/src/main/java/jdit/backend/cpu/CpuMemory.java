package jdit.backend.cpu;

import jdit.backend.Memory;
import jdit.tensor.DType;
import jdit.tensor.Tensor;

/** Copies (bulk for contiguous runs, with dtype conversion) and fills on the host. */
public final class CpuMemory implements Memory {
    @Override
    public void copy(Tensor src, Tensor dst) {
        src.copyTo(dst);
    }

    @Override
    public void fill(Tensor dst, float value) {
        if (dst.dtype() == DType.F32 && dst.isContiguous()) {
            var seg = dst.data();
            if (value == 0f) {
                seg.fill((byte) 0);
                return;
            }
            for (long i = 0; i < dst.numel(); i++) {
                seg.setAtIndex(Layouts.F32, i, value);
            }
            return;
        }
        for (long i = 0; i < dst.numel(); i++) {
            dst.setDoubleAt(i, value);
        }
    }

    @Override
    public void synchronize() {
    }
}
