package jdit.backend;

import static jdit.testing.Tensors.assertClose;
import static jdit.testing.Tensors.random;
import static jdit.testing.Tensors.zeros;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.util.Random;
import jdit.attention.AttentionPlan;
import jdit.backend.cpu.CpuBackend;
import jdit.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The CPU dense attention kernel against the double-precision reference, on q, k, v that are strided views into a
 * fused [B, T, 3, H, Dh] projection (as DiT's qkv), with odd sizes and Tq != Tk.
 */
class AttentionKernelTest {
    private static void check(int b, int tq, int tk, int heads, int dh, long seed) {
        for (boolean blas : new boolean[] {true, false}) {
            check(b, tq, tk, heads, dh, seed, blas);
        }
    }

    /** With OpenBLAS: in-place strided products, heads in parallel; without: gathered copies through the gemm. */
    private static void check(int b, int tq, int tk, int heads, int dh, long seed, boolean blas) {
        Random r = new Random(seed);
        try (Arena a = Arena.ofShared(); CpuBackend cpu = CpuBackend.create(2, blas)) {
            Tensor qkvQ = random(a, r, 0.0, 2.0, b, tq, 3, heads, dh);
            Tensor qkvK = random(a, r, 0.0, 2.0, b, tk, 3, heads, dh);
            Tensor q = qkvQ.select(2, 0);
            Tensor k = qkvK.select(2, 1);
            Tensor v = qkvK.select(2, 2);
            float scale = (float) (1 / Math.sqrt(dh));
            Tensor want = zeros(a, b, tq, heads, dh);
            Backends.reference().attention().attend(q, k, v, AttentionPlan.DENSE, scale, want);
            Tensor got = zeros(a, b, tq, heads, dh);
            cpu.backend().attention().attend(q, k, v, AttentionPlan.DENSE, scale, got);
            assertClose(want, got, 1e-5, 1e-5, (blas ? "openblas " : "gathered ") + "attention " + b + "x" + tq + "x" + tk + "x" + heads + "x" + dh);
        }
    }

    @Test
    void denseMatchesReferenceOnStridedViews() {
        check(1, 1, 1, 1, 1, 1);
        check(2, 17, 17, 3, 8, 2);
        check(2, 31, 45, 4, 72, 3);
        check(1, 64, 5, 2, 16, 4);
        check(2, 64, 64, 5, 24, 5); // more (batch, head) tasks than threads, odd count
        // keys long enough that the query rows are split into several score blocks (8 MiB / (4·tk) rows each)
        int tk = 70_000;
        check(1, 3 * (int) ((8L << 20) / (4L * tk)) + 5, tk, 1, 2, 6); // 29 rows per block: 3 full blocks and a ragged one
    }

    @Test
    void badShapesAreRejected() {
        try (Arena a = Arena.ofShared(); CpuBackend cpu = CpuBackend.create(1, true)) {
            Tensor q = zeros(a, 1, 4, 2, 8);
            Tensor k = zeros(a, 1, 4, 2, 7);
            assertThrows(IllegalArgumentException.class,
                    () -> cpu.backend().attention().attend(q, k, k, AttentionPlan.DENSE, 1f, zeros(a, 1, 4, 2, 8)));
        }
    }
}
