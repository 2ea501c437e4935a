package jdit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.util.Random;
import jdit.attention.TokenGrid;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Token-grid pooling and upsampling (sparse-methods.md check 19): pooling a 32 x 32 grid to 8 x 8 is the mean over
 * 4 x 4 patches, nearest upsampling 8 x 8 to 32 x 32 copies each token to its 4 x 4 patch; sides that do not divide
 * use PyTorch's adaptive bins and nearest indices, worked out here by hand.
 */
class GridPoolingTest {
    @Test
    void poolingIsThePatchMeanAndUpsamplingCopiesToThePatch() {
        try (Arena a = Arena.ofConfined()) {
            Random r = new Random(1);
            int d = 3;
            Tensor x = Tensor.allocate(a, DType.F32, 2, 1024, d);
            for (long i = 0; i < x.numel(); i++) {
                x.setDoubleAt(i, r.nextGaussian());
            }
            TokenGrid big = TokenGrid.image(32, 32);
            TokenGrid small = TokenGrid.image(8, 8);
            Tensor p = Tensor.allocate(a, DType.F32, 2, 64, d);
            GridPooling.pool(x, big, small, p);
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < 8; i++) {
                    for (int j = 0; j < 8; j++) {
                        for (int c = 0; c < d; c++) {
                            double s = 0;
                            for (int u = 0; u < 4; u++) {
                                for (int v = 0; v < 4; v++) {
                                    s += x.getDouble(b, (4 * i + u) * 32 + 4 * j + v, c);
                                }
                            }
                            assertEquals(s / 16, p.getDouble(b, i * 8 + j, c), 1e-6);
                        }
                    }
                }
            }
            Tensor up = Tensor.allocate(a, DType.F32, 2, 1024, d);
            GridPooling.upsample(p, small, big, up, false);
            for (int b = 0; b < 2; b++) {
                for (int t = 0; t < 1024; t++) {
                    for (int c = 0; c < d; c++) {
                        assertEquals(p.getDouble(b, (t / 32 / 4) * 8 + (t % 32) / 4, c), up.getDouble(b, t, c));
                    }
                }
            }
        }
    }

    @Test
    void raggedSidesFollowPytorchsBinsAndNearestIndices() {
        // AdaptiveAvgPool1d(3) over 5: [floor(5i/3), ceil(5(i+1)/3)) = [0, 2), [1, 4), [3, 5)
        assertArrayEquals(new int[] {0, 1, 3}, new int[] {GridPooling.binStart(0, 5, 3), GridPooling.binStart(1, 5, 3),
            GridPooling.binStart(2, 5, 3)});
        assertArrayEquals(new int[] {2, 4, 5}, new int[] {GridPooling.binEnd(0, 5, 3), GridPooling.binEnd(1, 5, 3),
            GridPooling.binEnd(2, 5, 3)});
        // interpolate(size=5, mode="nearest") from 3: floor(j · 0.6) = 0, 0, 1, 1, 2
        int[] nearest = new int[5];
        for (int j = 0; j < 5; j++) {
            nearest[j] = GridPooling.nearest(j, 3, 5);
        }
        assertArrayEquals(new int[] {0, 0, 1, 1, 2}, nearest);
        assertEquals(2.0, GridPooling.centre(1, 5, 3), "bin [1, 4) holds indices 1, 2, 3: centred on 2");
    }

    @Test
    void theBackendPathsEqualTheHostOnesOnAdaptiveBins() {
        try (Arena a = Arena.ofShared(); jdit.backend.cpu.CpuBackend cpu = jdit.backend.cpu.CpuBackend.create(2, true);
             jdit.tensor.Workspace ws = new jdit.tensor.Workspace()) {
            Random r = new Random(5);
            TokenGrid big = new TokenGrid(5, 7, 6);
            TokenGrid small = new TokenGrid(3, 4, 4); // overlapping adaptive bins along every axis
            Tensor x = Tensor.allocate(a, DType.F32, 2, big.tokens(), 3);
            for (long i = 0; i < x.numel(); i++) {
                x.setDoubleAt(i, r.nextGaussian());
            }
            Tensor host = Tensor.allocate(a, DType.F32, 2, small.tokens(), 3);
            Tensor viaBackend = Tensor.allocate(a, DType.F32, 2, small.tokens(), 3);
            GridPooling.pool(x, big, small, host);
            GridPooling.pool(x, big, small, viaBackend, cpu.backend().memory(), ws);
            org.junit.jupiter.api.Assertions.assertArrayEquals(host.toFloatArray(), viaBackend.toFloatArray(), "pool");
            for (boolean accumulate : new boolean[] {false, true}) {
                Tensor up = Tensor.allocate(a, DType.F32, 2, big.tokens(), 3);
                Tensor upBackend = Tensor.allocate(a, DType.F32, 2, big.tokens(), 3);
                x.copyTo(up);
                x.copyTo(upBackend);
                GridPooling.upsample(host, small, big, up, accumulate);
                GridPooling.upsample(host, small, big, upBackend, accumulate, cpu.backend(), ws);
                org.junit.jupiter.api.Assertions.assertArrayEquals(up.toFloatArray(), upBackend.toFloatArray(), "upsample " + accumulate);
            }
        }
    }
}
