package jdit.model.dit;

import static jdit.testing.Tensors.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import jdit.attention.AttentionStep;
import jdit.attention.DenseAttention;
import jdit.attention.GuidanceBranch;
import jdit.attention.TokenGrid;
import jdit.backend.Backend;
import jdit.backend.cpu.CpuBackend;
import jdit.density.DensityContext;
import jdit.density.PoolSpan;
import jdit.density.TokenDensity;
import jdit.io.Checkpoints;
import jdit.io.SeededWeights;
import jdit.io.WeightStore;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SparseDiT on fixture weights written here in the published layout (the public repository releases no weights):
 * the file loads through the real loader with its config, a forward is deterministic, and each block kind SparseDiT
 * adds matches a plain double-precision recomputation from the published code's formulas: the Poolingformer block with
 * its uniform attention computed literally (softmax of equal scores, then proj on every row; sparse-methods.md check
 * 18), the token-merge and the recovery blocks; the recovery merge at its initialisation returns the dense skip
 * (check 19).
 */
class SparseDitTest {
    private static final CpuBackend CPU = CpuBackend.create(2, true);
    private final Backend be = CPU.backend();

    @AfterAll
    static void close() {
        CPU.close();
    }

    /** 8 x 8 latents, patch 2 (a 4 x 4 token grid), width 32 in 2 heads; 1 + 2 x (1+1+1+1) + 1 blocks; 2 x 2 sparse. */
    static SparseDitConfig tiny() {
        return new SparseDitConfig(new DitConfig(8, 2, 4, 32, 10, 2, 10, true), 1, 2, 1, 1, 1, 1, 1, 2);
    }

    static Path write(Path dir, SparseDitConfig c) throws IOException {
        Path file = dir.resolve("sparsedit_tiny.safetensors");
        SeededWeights.write(file, SparseDitParameters.layout(c), 11, Map.of("config", c.metadataJson()));
        return file;
    }

    @Test
    void theWrittenFileLoadsWithItsConfigAndAForwardIsDeterministic(@TempDir Path dir) throws IOException {
        SparseDitConfig c = tiny();
        try (WeightStore store = Checkpoints.open(write(dir, c)); Arena a = Arena.ofShared(); Workspace ws = new Workspace()) {
            assertEquals(c, SparseDitConfig.of(store));
            assertTrue(SparseDitModel.signature(store).isPresent());
            try (SparseDitModel model = SparseDitModel.load(store, c, DType.F32)) {
                Tensor x = random(a, new Random(3), 2, 4, 8, 8);
                double[] t = {500, 20};
                long[] y = {3, 10};
                AttentionStep step = new AttentionStep(new DenseAttention(), 0, 1, 500, GuidanceBranch.UNGUIDED);
                float[] first = model.forward(x, t, y, step, be, ws).toFloatArray();
                float[] second = model.forward(x, t, y, step, be, ws).toFloatArray();
                assertArrayEquals(first, second, "bit-identical");
                assertEquals(2 * 8 * 8 * 8, first.length);
                for (float v : first) {
                    assertTrue(Float.isFinite(v));
                }
                TokenDensity wider = new TokenDensity() {
                    @Override
                    public Optional<PoolSpan> span(DensityContext ctx) {
                        return Optional.empty();
                    }

                    @Override
                    public int semanticSize(DensityContext ctx, int trained) {
                        return 4;
                    }

                    @Override
                    public String describe() {
                        return "semantic 4";
                    }
                };
                float[] dense = model.forward(x, t, y, step.withDensity(wider), be, ws).toFloatArray();
                assertTrue(!java.util.Arrays.equals(first, dense), "the per-step semantic size reaches the model");
            }
        }
    }

    private static double maxDiff(Tensor got, int b, double[][] want) {
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            for (int c = 0; c < want[i].length; c++) {
                worst = Math.max(worst, Math.abs(got.getDouble(b, i, c) - want[i][c]));
            }
        }
        return worst;
    }

    @Test
    void eachNewBlockKindMatchesADoublePrecisionRecomputation(@TempDir Path dir) throws IOException {
        SparseDitConfig c = tiny();
        int d = 32;
        try (WeightStore store = Checkpoints.open(write(dir, c)); Arena a = Arena.ofShared(); Workspace ws = new Workspace()) {
            SparseDitWeights w = SparseDitWeights.load(store, c, ws, DType.F32, new jdit.backend.cpu.CpuMemory());
            Random r = new Random(5);
            Tensor dense = random(a, r, 0.0, 1.0, 2, 16, d);
            Tensor sparse = random(a, r, 0.0, 1.0, 2, 4, d);
            Tensor cond = random(a, r, 0.0, 1.0, 2, d);
            Tensor sc = Tensor.allocate(a, DType.F32, 2, d);
            be.pointwise().unary(jdit.backend.UnaryOp.SILU, cond, sc);
            SparseDitWeights.Block pooling = w.blocks().get(0);
            SparseDitWeights.Block merge = w.blocks().get(1);
            SparseDitWeights.Block recover = w.blocks().get(3);
            assertEquals(SparseDitModules.Kind.POOLING, pooling.kind());
            assertEquals(SparseDitModules.Kind.MERGE, merge.kind());
            assertEquals(SparseDitModules.Kind.RECOVER, recover.kind());
            Tensor pooled = SparseDitBlocks.pooling(pooling, d, dense, sc, be, ws);
            Tensor merged = SparseDitBlocks.merge(merge, c.base(), sparse, dense, sc, be, ws);
            Tensor recovered = SparseDitBlocks.recover(recover, c.base(), sparse, TokenGrid.image(2, 2), dense,
                    TokenGrid.image(4, 4), sc, be, ws);
            for (int b = 0; b < 2; b++) {
                double[] cb = DoubleDit.rows(cond.unsqueeze(0), 0)[b];
                double[][] x = DoubleDit.rows(dense, b);
                double[][] s = DoubleDit.rows(sparse, b);

                double[][] m = DoubleDit.modulation(cb, pooling.dit().adaWeight(), pooling.dit().adaBias());
                double[][] v = DoubleDit.linear(DoubleDit.normModulate(x, m[0], m[1]), pooling.vWeight(), pooling.vBias());
                double[][] uniform = new double[x.length][d]; // softmax of equal scores: weights 1/N on every V row
                for (int i = 0; i < x.length; i++) {
                    for (double[] vj : v) {
                        for (int k = 0; k < d; k++) {
                            uniform[i][k] += vj[k] / x.length;
                        }
                    }
                }
                double[][] attn = DoubleDit.linear(uniform, pooling.dit().projWeight(), pooling.dit().projBias());
                double[][] want = DoubleDit.mlpResidual(DoubleDit.gated(x, m[2], attn), m, pooling.dit());
                assertTrue(maxDiff(pooled, b, want) < 1e-5, "Poolingformer block, entry " + b + ": " + maxDiff(pooled, b, want));

                m = DoubleDit.modulation(cb, merge.dit().adaWeight(), merge.dit().adaBias());
                double[][] q = DoubleDit.linear(DoubleDit.normModulate(s, m[0], m[1]), merge.qWeight(), merge.qBias());
                double[][] kv = DoubleDit.linear(DoubleDit.normModulate(x, m[0], m[1]), merge.kvWeight(), merge.kvBias());
                double[][] o = DoubleDit.attention(q, DoubleDit.columns(kv, 0, d), DoubleDit.columns(kv, d, d), 2);
                want = DoubleDit.mlpResidual(DoubleDit.gated(s, m[2],
                        DoubleDit.linear(o, merge.dit().projWeight(), merge.dit().projBias())), m, merge.dit());
                assertTrue(maxDiff(merged, b, want) < 1e-5, "token-merge block, entry " + b + ": " + maxDiff(merged, b, want));

                m = DoubleDit.modulation(cb, recover.dit().adaWeight(), recover.dit().adaBias());
                double[][] up = new double[16][];
                for (int i = 0; i < 16; i++) { // nearest from 2 x 2: token (h, w) copies sparse (h / 2, w / 2)
                    up[i] = s[(i / 4 / 2) * 2 + (i % 4) / 2];
                }
                double[][] mergedIn = DoubleDit.linear(up, recover.merged1Weight(), recover.merged1Bias());
                double[][] skip = DoubleDit.linear(x, recover.merged2Weight(), recover.merged2Bias());
                for (int i = 0; i < 16; i++) {
                    for (int k = 0; k < d; k++) {
                        mergedIn[i][k] += skip[i][k];
                    }
                }
                q = DoubleDit.linear(DoubleDit.normModulate(mergedIn, m[0], m[1]), recover.qWeight(), recover.qBias());
                kv = DoubleDit.linear(DoubleDit.normModulate(s, m[0], m[1]), recover.kvWeight(), recover.kvBias());
                o = DoubleDit.attention(q, DoubleDit.columns(kv, 0, d), DoubleDit.columns(kv, d, d), 2);
                want = DoubleDit.mlpResidual(DoubleDit.gated(mergedIn, m[2],
                        DoubleDit.linear(o, recover.dit().projWeight(), recover.dit().projBias())), m, recover.dit());
                assertTrue(maxDiff(recovered, b, want) < 1e-5, "recovery block, entry " + b + ": " + maxDiff(recovered, b, want));
            }
        }
    }

    @Test
    void thePublishedLayoutIsRecognisedAndItsConfigReadFromNamesAndShapes() {
        SparseDitConfig published = SparseDitConfig.published(DitConfigs.preset("DiT-XL/2", 512));
        try (SeededWeights w = new SeededWeights(SparseDitParameters.layout(published), 1)) {
            var match = jdit.model.LayoutRecognizer.recognise(w.entries()).orElseThrow();
            assertEquals(jdit.model.KnownLayout.SPARSEDIT_ORIGINAL, match.layout());
            assertEquals("2 Poolingformer blocks, 4 sparse-dense modules, 2 dense blocks, hidden 1152, patch 2", match.details());
            assertEquals(published, SparseDitConfig.of(w), "no metadata: 16 heads from the paper's table, 8 x 8 sparse tokens");
            // stem and head 12; Poolingformer 10 each, token merge 12, DiT blocks 10, recovery 16: 12 + 2·10 + 4·(12 + 3·10 +
            // 16 + 10) + 2·10, the state dict of models.py's DiT_XL_2 counted from its modules
            assertEquals(324, w.entries().size());
        }
    }

    @Test
    void theRecoveryMergeAtItsInitialisationReturnsTheDenseSkip() {
        int d = 8;
        try (Arena a = Arena.ofShared(); Workspace ws = new Workspace()) {
            Tensor zero = Tensor.allocate(a, DType.F32, d, d);
            Tensor eye = Tensor.allocate(a, DType.F32, d, d);
            for (int i = 0; i < d; i++) {
                eye.setFloat(1f, i, i);
            }
            Tensor bias = Tensor.allocate(a, DType.F32, d);
            SparseDitWeights.Block init = new SparseDitWeights.Block("init", SparseDitModules.Kind.RECOVER, null, null, null,
                    null, null, null, null, zero, bias, eye, bias);
            Random r = new Random(9);
            Tensor skip = random(a, r, 2, 64, d);
            Tensor sparse = random(a, r, 2, 4, d);
            Tensor out = SparseDitBlocks.merged(init, sparse, TokenGrid.image(2, 2), skip, TokenGrid.image(8, 8), be, ws);
            assertArrayEquals(skip.toFloatArray(), out.toFloatArray(), "W1 = 0, W2 = I: the dense skip unchanged");
        }
    }
}
