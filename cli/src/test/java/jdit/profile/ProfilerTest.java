package jdit.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import jdit.io.Checkpoints;
import jdit.io.WeightStore;
import jdit.model.wan.WanConfig;
import jdit.tensor.DType;
import org.junit.jupiter.api.Test;

/**
 * The profiler on the golden tiny Wan2.1 (latents) and tiny DiT with its SD VAE (decoded frames): counted FLOPs
 * against the formula, densities against the worked sliding-tile window, the dense run against itself, and the JSON
 * round trip. Times are never asserted.
 */
class ProfilerTest {
    private static final Path GOLDEN = Path.of(System.getProperty("jdit.golden", "../testdata/golden"));

    private static ProfileReport profile(ProfiledModels.Spec spec, List<String> methods) {
        try (ProfiledModel m = ProfiledModels.open(spec)) {
            return new Profiler(m, new ProfileOptions(3, methods, 0, 2)).run(ProfileOptions.Progress.NONE);
        }
    }

    @Test
    void wanCountsAttentionWorkAndReportsTheWindowDensity() {
        Path wan = GOLDEN.resolve("wan/wan_tiny.safetensors");
        WanConfig c;
        try (WeightStore s = Checkpoints.open(wan)) {
            c = WanConfig.of(s);
        }
        // 5 frames at 128 x 128: latent 2 x 16 x 16, patches 2 x 8 x 8 = 128 tokens, one 8x8 tile per frame
        ProfileReport r = profile(new ProfiledModels.Spec(wan, null, 0, 5, 128, 128, null, DType.F32),
                List.of("sta:1x1x1,warmup=1"));
        assertEquals(128, r.setup().tokens());
        assertEquals("latents", r.setup().fidelityOf());
        assertEquals(2, r.methods().size());
        ProfileReport.MethodProfile dense = r.dense();
        assertEquals("dense", dense.spec());
        assertEquals(1.0, dense.speedup(), 1e-12);
        assertTrue(dense.identicalToDense());
        assertNull(dense.psnr());
        assertEquals(1.0, dense.ssim(), 1e-12);
        long s = 128;
        double selfPerStep = 4.0 * s * s * c.dim() * c.numLayers();
        double crossPerStep = 4.0 * s * c.textLen() * c.dim() * c.numLayers();
        assertEquals(3 * (selfPerStep + crossPerStep) / 1e9, gflop(dense, "attention"), 1e-9);
        // the window keeps each tile's own frame only: 2 of 4 tile pairs after the one dense step
        ProfileReport.MethodProfile sta = r.methods().get(1);
        double[] density = sta.steps().stream().mapToDouble(ProfileReport.StepProfile::density).toArray();
        assertEquals(1.0, density[0], 1e-12);
        assertEquals(0.5, density[1], 1e-12);
        assertEquals(0.5, density[2], 1e-12);
        assertEquals((selfPerStep * (1 + 0.5 + 0.5) + 3 * crossPerStep) / 1e9, gflop(sta, "attention"), 1e-9);
        assertEquals(c.numLayers(), sta.density()[0].length);
        assertEquals(c.numHeads(), sta.density()[0][0].length);
        // every FLOP counted in a step is counted under an op
        double stepSum = sta.steps().stream().mapToDouble(ProfileReport.StepProfile::gflop).sum();
        double opSum = sta.ops().stream().mapToDouble(ProfileReport.OpProfile::gflop).sum();
        assertEquals(stepSum, opSum, 1e-9);
        assertTrue(sta.psnr() != null && sta.psnr() > 0 && sta.ssim() < 1, "a half-density run moves the latent");
        // blocks 0..L-1 plus the outside are reported
        assertEquals(c.numLayers() + 1, sta.layers().size());
        assertEquals(-1, sta.layers().getFirst().layer());

        ProfileReport back = ProfileJson.read(new StringReader(ProfileJson.toJson(r)));
        assertEquals(r.setup(), back.setup());
        assertEquals(sta.speedup(), back.methods().get(1).speedup());
        assertEquals(0.5, back.methods().get(1).steps().get(2).density(), 1e-12);
    }

    @Test
    void ditWithItsVaeComparesDecodedFrames() {
        ProfileReport r = profile(new ProfiledModels.Spec(GOLDEN.resolve("dit/dit_tiny.safetensors"), null, 0, 1, 0, 0,
                GOLDEN.resolve("sdvae/sdvae_tiny.safetensors"), DType.F32), List.of("dense", "lite"));
        assertEquals("decoded frames", r.setup().fidelityOf());
        assertEquals(2, r.methods().size(), "dense is not run twice");
        assertTrue(r.dense().decodeSeconds() > 0);
    }

    private static double gflop(ProfileReport.MethodProfile m, String op) {
        return m.ops().stream().filter(o -> o.op().equals(op)).mapToDouble(ProfileReport.OpProfile::gflop).sum();
    }
}
