package jdit.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import jdit.backend.RopeStyle;
import jdit.backend.cpu.CpuBackend;
import jdit.io.safetensors.SafetensorsReader;
import jdit.tensor.Tensor;
import jdit.testing.TestData;
import jdit.testing.Tensors;
import org.junit.jupiter.api.Test;

/** The axial RoPE table and its application against tensors produced by the official Wan2.1 and NABLA code. */
class AxialRopeGoldenTest {
    @Test
    void tableMatchesWansOwnFreqs() {
        try (SafetensorsReader r = SafetensorsReader.open(TestData.golden().resolve("wan/wan_tiny_io.safetensors"))) {
            Tensor freqs = r.tensor("rope_freqs_real"); // [1024, 8, 2] = (cos, sin) of the concatenated axis tables
            AxialRope rope = AxialRope.wan(16);
            for (int p = 0; p < 1024; p++) {
                for (int j = 0; j < 8; j++) {
                    int[] axis = rope.axisOf(j);
                    double ang = rope.angle(axis[0], p, axis[1]);
                    assertEquals(freqs.getDouble(p, j, 0), Math.cos(ang), 1e-6, "cos at pos " + p + " pair " + j);
                    assertEquals(freqs.getDouble(p, j, 1), Math.sin(ang), 1e-6, "sin at pos " + p + " pair " + j);
                }
            }
        }
    }

    @Test
    void ropeInTileOrderMatchesNabla() {
        for (String file : new String[] {"nabla_masks_T2_16x16", "nabla_masks_T3_8x24"}) {
            try (SafetensorsReader r = SafetensorsReader.open(TestData.golden().resolve("sparse/nabla/" + file + ".safetensors"));
                 Arena a = Arena.ofShared(); CpuBackend cpu = CpuBackend.create(2, true)) {
                long[] grid = r.tensor("grid").toLongArray();
                long[] perm = r.tensor("tile_perm").toLongArray();
                AxialRope.Tables t = AxialRope.wan(32).tables(a, (int) grid[0], (int) grid[1], (int) grid[2], perm);
                for (String qk : new String[] {"q", "k"}) {
                    Tensor raw = r.tensor(qk + "_raw"); // [1, S, heads, 32], tile order
                    Tensor out = Tensor.allocate(a, raw.dtype(), raw.shape());
                    Tensor in = Tensor.allocate(a, raw.dtype(), raw.shape());
                    raw.copyTo(in);
                    cpu.backend().pointwise().rope(in, t.cos(), t.sin(), RopeStyle.INTERLEAVED, out);
                    Tensor want = r.tensor(qk + "_rope_tiled").permute(0, 2, 1, 3); // [1, heads, S, 32] -> [1, S, heads, 32]
                    Tensors.assertClose(want.contiguous(new jdit.tensor.Workspace()), out, 1e-5, 0, file + " " + qk);
                }
            }
        }
    }
}
