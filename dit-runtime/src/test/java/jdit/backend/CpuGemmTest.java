package jdit.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static jdit.testing.Tensors.assertClose;
import static jdit.testing.Tensors.random;
import static jdit.testing.Tensors.zeros;

import java.lang.foreign.Arena;
import java.util.Random;
import jdit.backend.cpu.CpuBackend;
import jdit.backend.cpu.CpuGemm;
import jdit.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Both CPU gemm kernels (OpenBLAS and the Vector API) against the double-precision reference. Tolerance: float32
 * accumulation over K terms errs by about sqrt(K)·2^-24 relative to the magnitude of the products, so 2e-6·sqrt(K)
 * relative to max |ref| (plus a tiny absolute floor) holds with margin and still catches any wrong element.
 */
class CpuGemmTest {
    private static final CpuBackend BLAS = CpuBackend.create(2, true);
    private static final CpuBackend VECTOR = CpuBackend.create(2, false);
    private final Gemm ref = Backends.reference().gemm();

    @AfterAll
    static void close() {
        BLAS.close();
        VECTOR.close();
    }

    @Test
    void bothKernelsAreAvailableAndNamed() {
        assertEquals(CpuGemm.Kernel.OPENBLAS, BLAS.gemm().kernel(), BLAS.gemmKernelDescription());
        assertEquals(CpuGemm.Kernel.VECTOR_API, VECTOR.gemm().kernel());
        assertTrue(VECTOR.gemmKernelDescription().contains("Vector API"));
    }

    private static void check(Gemm gemm, Gemm ref, int m, int n, int k, Epilogue base, boolean residual, long seed, String what) {
        Random r = new Random(seed);
        try (Arena a = Arena.ofShared()) {
            Tensor x = random(a, r, m, k);
            Tensor w = base.transposedB() ? random(a, r, n, k) : random(a, r, k, n);
            Tensor bias = base.bias() == null ? null : random(a, r, n);
            Tensor res = residual ? random(a, r, m, n) : null;
            Epilogue ep = new Epilogue(bias, base.activation(), res, base.alpha(), base.transposedB());
            Tensor want = zeros(a, m, n);
            ref.matmul(x, w, want, ep);
            Tensor got = zeros(a, m, n);
            gemm.matmul(x, w, got, ep);
            assertClose(want, got, 1e-6, 2e-6 * Math.sqrt(k), what + " " + m + "x" + n + "x" + k + " " + ep.activation());
        }
    }

    @Test
    void oddShapesBothLayoutsBothKernels() {
        int[][] shapes = {{1, 1, 1}, {7, 13, 5}, {45, 65, 33}, {13, 31, 17}, {6, 32, 16}, {300, 257, 1153}, {97, 33, 400},
            {2, 300, 1153}, {3, 77, 40}, {4, 129, 64}, {5, 64, 64}}; // M <= 4 with transB: the few-rows kernel
        long seed = 1;
        for (CpuBackend be : new CpuBackend[] {BLAS, VECTOR}) {
            for (int[] s : shapes) {
                for (boolean t : new boolean[] {false, true}) {
                    Epilogue ep = new Epilogue(null, UnaryOp.IDENTITY, null, 1f, t);
                    check(be.gemm(), ref, s[0], s[1], s[2], ep, false, seed++, be.gemm().kernel() + " transB=" + t);
                }
            }
        }
    }

    @Test
    void everyEpilogueFeature() {
        long seed = 100;
        for (CpuBackend be : new CpuBackend[] {BLAS, VECTOR}) {
            for (UnaryOp op : UnaryOp.values()) {
                Epilogue ep = new Epilogue(Tensor.fromFloats(Arena.ofAuto(), new float[] {0}, 1), op, null, 0.75f, true);
                check(be.gemm(), ref, 37, 45, 29, ep, op.ordinal() % 2 == 0, seed++, be.gemm().kernel().toString());
                check(be.gemm(), ref, 2, 45, 29, ep, op.ordinal() % 2 == 1, seed++, "few rows " + be.gemm().kernel());
            }
        }
    }

    @Test
    void residualMayBeTheOutputItselfAndLeadingDimsFlatten() {
        for (CpuBackend be : new CpuBackend[] {BLAS, VECTOR}) {
            for (UnaryOp op : new UnaryOp[] {UnaryOp.IDENTITY, UnaryOp.GELU_TANH}) {
                for (int tokens : new int[] {5, 1}) { // M = 10, and M = 2 (the few-rows kernel, beta = 1 when fused)
                    Random r = new Random(9);
                    try (Arena a = Arena.ofShared()) {
                        Tensor x = random(a, r, 2, tokens, 24); // [B, N, K] flattened to M = 2·tokens
                        Tensor w = random(a, r, 19, 24);
                        Tensor bias = random(a, r, 19);
                        Tensor out = random(a, r, 2, tokens, 19);
                        Tensor want = zeros(a, 2, tokens, 19);
                        Tensor prior = zeros(a, 2, tokens, 19);
                        out.copyTo(prior);
                        ref.matmul(x, w, want, new Epilogue(bias, op, prior, 1f, true));
                        be.gemm().matmul(x, w, out, new Epilogue(bias, op, out, 1f, true));
                        assertClose(want, out, 1e-6, 1e-5, be.gemm().kernel() + " residual=out " + op + " M=" + 2 * tokens);
                    }
                }
            }
        }
    }

    @Test
    void batchedMatmulMatchesPerBatchProducts() {
        Random r = new Random(4);
        try (Arena a = Arena.ofShared()) {
            Tensor x = random(a, r, 3, 9, 11);
            Tensor w = random(a, r, 3, 11, 7);
            Tensor want = zeros(a, 3, 9, 7);
            Tensor got = zeros(a, 3, 9, 7);
            ref.batchedMatmul(x, w, want, Epilogue.NONE);
            BLAS.backend().gemm().batchedMatmul(x, w, got, Epilogue.NONE);
            assertClose(want, got, 1e-6, 1e-5, "batched");
        }
    }

    @Test
    void mismatchedShapesAreRefusedWithTheShapes() {
        try (Arena a = Arena.ofShared()) {
            Tensor x = zeros(a, 4, 5);
            Tensor w = zeros(a, 6, 7);
            Tensor out = zeros(a, 4, 7);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BLAS.gemm().matmul(x, w, out, Epilogue.NONE));
            assertTrue(e.getMessage().contains("[4, 5]") && e.getMessage().contains("[6, 7]"), e.getMessage());
        }
    }
}
