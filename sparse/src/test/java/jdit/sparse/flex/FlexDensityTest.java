package jdit.sparse.flex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import jdit.attention.AttentionStep;
import jdit.attention.DenseAttention;
import jdit.attention.GuidanceBranch;
import jdit.attention.TokenGrid;
import jdit.backend.Backend;
import jdit.backend.cpu.CpuBackend;
import jdit.density.DensityContext;
import jdit.density.PoolSpan;
import jdit.density.TokenDensities;
import jdit.density.TokenDensity;
import jdit.io.SeededWeights;
import jdit.io.safetensors.SafetensorsReader;
import jdit.model.dit.DitConfig;
import jdit.model.dit.DitConfigs;
import jdit.model.dit.DitModel;
import jdit.model.dit.DitParameters;
import jdit.model.wan.WanConfig;
import jdit.model.wan.WanModel;
import jdit.profile.AnalyticMacs;
import jdit.profile.OpStats;
import jdit.profile.TimedBackend;
import jdit.sampling.CounterNoise;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import org.junit.jupiter.api.Test;

/**
 * The training-free token-density method: its grammar and schedule; a schedule of density 1.0 everywhere reproduces
 * the dense forwards of the golden DiT and Wan2.1 models bit for bit, and a pooled step does not; the FLOPs the
 * profiler counts from the ops' real shapes fall by the analytic ratio within 1%.
 */
class FlexDensityTest {
    private static final Path ROOT = Path.of(System.getProperty("jdit.golden", "../testdata/golden"));

    private static AttentionStep step(int i, int steps, TokenDensity d) {
        return new AttentionStep(new DenseAttention(), i, steps, 500, GuidanceBranch.UNGUIDED).withDensity(d);
    }

    @Test
    void theGrammarAndTheSchedule() {
        FlexDensity f = (FlexDensity) TokenDensities.create("flex");
        assertEquals("flex:schedule=2@0.5,time=1", f.describe());
        TokenGrid g = TokenGrid.image(16, 16);
        assertEquals(new PoolSpan(7, 21, 1, 2, 2), f.span(new DensityContext(0, 50, 28, g)).orElseThrow());
        assertTrue(f.span(new DensityContext(25, 50, 28, g)).isEmpty(), "dense from half-way");
        FlexDensity staged = (FlexDensity) TokenDensities.create("flex:layers=2-5,schedule=4@0.25/2@0.5,time=2,semantic=4@0.3/8");
        TokenGrid video = new TokenGrid(5, 30, 52);
        assertEquals(new PoolSpan(2, 6, 2, 4, 4), staged.span(new DensityContext(0, 20, 30, video)).orElseThrow());
        assertEquals(new PoolSpan(2, 6, 2, 2, 2), staged.span(new DensityContext(5, 20, 30, video)).orElseThrow());
        assertTrue(staged.span(new DensityContext(10, 20, 30, video)).isEmpty());
        assertEquals(new TokenGrid(3, 8, 13), new PoolSpan(0, 1, 2, 4, 4).pooled(video), "ragged sides round up");
        assertEquals(4, staged.semanticSize(new DensityContext(0, 20, 28, g), 8));
        assertEquals(8, staged.semanticSize(new DensityContext(10, 20, 28, g), 8));
        assertEquals(TokenDensity.DENSE, TokenDensities.create("dense"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TokenDensities.create("fluff")).getMessage()
                .contains("known: [dense, flex]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TokenDensities.create("flex:pool=2")).getMessage()
                .contains("unknown flex parameter 'pool'"));
        assertThrows(IllegalArgumentException.class, () -> TokenDensities.create("flex:schedule=2@1.5"));
        FlexDensity deep = (FlexDensity) TokenDensities.create("flex:layers=20-40");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> deep.span(new DensityContext(0, 10, 28, g)))
                .getMessage().contains("exceed the model's 28 blocks"));
    }

    @Test
    void densityOneEverywhereReproducesTheDenseDitForwardExactly() {
        try (SafetensorsReader weights = SafetensorsReader.open(ROOT.resolve("dit/dit_tiny.safetensors"));
             SafetensorsReader io = SafetensorsReader.open(ROOT.resolve("dit/dit_tiny_io.safetensors"));
             CpuBackend cpu = CpuBackend.create(2, true); Workspace ws = new Workspace()) {
            DitConfig cfg = DitConfig.fromJson(weights.metadata().get("config"));
            try (DitModel model = DitModel.load(weights, cfg)) {
                Backend be = cpu.backend();
                double[] t = io.tensor("t").toDoubleArray();
                long[] y = io.tensor("y").toLongArray();
                Tensor x = io.tensor("x");
                float[] dense = model.forward(x, t, y, be, ws).toFloatArray();
                String all = "flex:layers=0-" + (cfg.depth() - 1) + ",schedule=1@1";
                assertArrayEquals(dense, model.forward(x, t, y, step(0, 4, TokenDensities.create(all)), be, ws).toFloatArray());
                String pooled = "flex:layers=0-" + (cfg.depth() - 1) + ",schedule=2@0.5";
                float[] early = model.forward(x, t, y, step(0, 4, TokenDensities.create(pooled)), be, ws).toFloatArray();
                assertFalse(Arrays.equals(dense, early), "a pooled step changes the output");
                for (float v : early) {
                    assertTrue(Float.isFinite(v));
                }
                assertArrayEquals(dense, model.forward(x, t, y, step(3, 4, TokenDensities.create(pooled)), be, ws).toFloatArray(),
                        "past the schedule every block is dense");
            }
        }
    }

    @Test
    void densityOneEverywhereReproducesTheDenseWanForwardExactly() {
        try (SafetensorsReader weights = SafetensorsReader.open(ROOT.resolve("wan/wan_tiny.safetensors"));
             SafetensorsReader io = SafetensorsReader.open(ROOT.resolve("wan/wan_tiny_io.safetensors"));
             CpuBackend cpu = CpuBackend.create(2, true); Workspace ws = new Workspace()) {
            WanConfig cfg = WanConfig.fromJson(weights.metadata().get("config"));
            try (WanModel model = WanModel.load(weights, cfg, DType.F32)) {
                Backend be = cpu.backend();
                double[] t = io.tensor("t").toDoubleArray();
                Tensor text = model.embedText(io.tensor("context"), be, ws).unsqueeze(0);
                Tensor x = io.tensor("x").unsqueeze(0);
                float[] dense = model.forward(x, t, text, step(0, 1, TokenDensity.DENSE), be, ws).toFloatArray();
                String all = "flex:layers=0-" + (cfg.numLayers() - 1) + ",schedule=1@1,time=2";
                assertArrayEquals(dense, model.forward(x, t, text, step(0, 1, TokenDensities.create(all)), be, ws).toFloatArray());
                String pooled = "flex:layers=0-" + (cfg.numLayers() - 1) + ",schedule=2@1,time=2";
                float[] early = model.forward(x, t, text, step(0, 1, TokenDensities.create(pooled)), be, ws).toFloatArray();
                assertFalse(Arrays.equals(dense, early));
                for (float v : early) {
                    assertTrue(Float.isFinite(v));
                }
            }
        }
    }

    @Test
    void theProfilerCountsTheAnalyticReduction() {
        DitConfig cfg = DitConfigs.preset("DiT-S/2", 256); // 12 blocks of width 384 on 256 tokens
        try (SeededWeights w = new SeededWeights(DitParameters.originalLayout(cfg), 3); DitModel model = DitModel.load(w, cfg);
             CpuBackend cpu = CpuBackend.create(2, true); Workspace ws = new Workspace()) {
            Tensor x = ws.allocate(DType.F32, 1, 4, 32, 32);
            new CounterNoise(1).next(x);
            double[] t = {500};
            long[] y = {7};
            OpStats dense = new OpStats();
            model.forward(x, t, y, step(0, 1, TokenDensity.DENSE), TimedBackend.wrap(cpu.backend(), dense), ws);
            FlexDensity flex = (FlexDensity) TokenDensities.create("flex:layers=3-8,schedule=2@1");
            OpStats pooled = new OpStats();
            model.forward(x, t, y, step(0, 1, flex), TimedBackend.wrap(cpu.backend(), pooled), ws);
            PoolSpan span = flex.span(new DensityContext(0, 1, cfg.depth(), TokenGrid.image(16, 16))).orElseThrow();
            double analytic = AnalyticMacs.dit(cfg, span) / AnalyticMacs.dit(cfg);
            double measured = pooled.totalFlops() / dense.totalFlops();
            assertTrue(Math.abs(measured / analytic - 1) < 0.01, "measured " + measured + " against analytic " + analytic);
            // six blocks of 12·256·384² + 2·256²·384 MACs, six of 12·64·384² + 2·64²·384: 0.6156
            assertEquals(0.6156, analytic, 1e-4);
        }
    }
}
