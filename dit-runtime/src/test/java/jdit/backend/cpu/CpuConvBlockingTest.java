package jdit.backend.cpu;

import static jdit.testing.Tensors.assertClose;
import static jdit.testing.Tensors.random;
import static jdit.testing.Tensors.zeros;

import java.lang.foreign.Arena;
import java.util.Random;
import jdit.backend.Backends;
import jdit.backend.Conv2dSpec;
import jdit.backend.Conv3dSpec;
import jdit.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * im2col by blocks of output positions (ragged last block, blocks that cross frame and row boundaries) gives the
 * reference convolution: the column budget is set so small here that every conv splits into many blocks.
 */
class CpuConvBlockingTest {
    @Test
    void blockedColumnsMatchTheReference() {
        Random r = new Random(3);
        try (Arena a = Arena.ofShared(); CpuBackend cpu = CpuBackend.create(2, true)) {
            CpuConv conv = new CpuConv(cpu.gemm(), cpu.parallel(), 4 * 27 * 3 * 37); // 37 positions per block of K = 3·27
            Tensor x = random(a, r, 2, 3, 4, 9, 11);
            Tensor w = random(a, r, 5, 3, 3, 3, 3);
            Tensor b = random(a, r, 5);
            Conv3dSpec causal = Conv3dSpec.causal(1, 1, 1, 1);
            Tensor want = zeros(a, 2, 5, 4, 9, 11);
            Tensor got = zeros(a, 2, 5, 4, 9, 11);
            Backends.reference().conv().conv3d(x, w, b, causal, want);
            conv.conv3d(x, w, b, causal, got);
            assertClose(want, got, 1e-5, 1e-5, "blocked causal conv3d");
            Tensor x2 = random(a, r, 1, 4, 13, 10);
            Tensor w2 = random(a, r, 6, 2, 3, 3);
            Tensor want2 = zeros(a, 1, 6, 7, 5);
            Tensor got2 = zeros(a, 1, 6, 7, 5);
            CpuConv small = new CpuConv(cpu.gemm(), cpu.parallel(), 4 * 18 * 8); // 8 of the 35 positions per block
            Conv2dSpec s2 = new Conv2dSpec(2, 2, 1, 1, 1, 1, 2);
            Backends.reference().conv().conv2d(x2, w2, null, s2, want2);
            small.conv2d(x2, w2, null, s2, got2);
            assertClose(want2, got2, 1e-5, 1e-5, "blocked strided grouped conv2d");
            conv.close();
            small.close();
        }
    }
}
