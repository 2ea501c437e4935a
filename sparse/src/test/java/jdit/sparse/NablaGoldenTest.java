package jdit.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jdit.attention.AttentionContext;
import jdit.attention.AttentionMethod;
import jdit.attention.AttentionMethods;
import jdit.attention.AttentionPlan;
import jdit.attention.AttentionStep;
import jdit.attention.GuidanceBranch;
import jdit.attention.HeadBlocks;
import jdit.attention.TokenGrid;
import jdit.backend.Backend;
import jdit.backend.cpu.CpuBackend;
import jdit.io.safetensors.SafetensorsReader;
import jdit.model.wan.WanConfig;
import jdit.model.wan.WanModel;
import jdit.sparse.layout.TileOrder;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * NABLA and STA against the official Wan2.1-NABLA code (golden sparse/nabla/, found by name prefix): the tile
 * order, every variant's block mask exactly, the attention restricted to it, and whole Wan2.1 forwards with the
 * method inside (the token order at entry and exit, the RoPE tables permuted with it, a mask per layer).
 */
class NablaGoldenTest {
    private static final Path ROOT = Path.of(System.getProperty("jdit.golden", "../testdata/golden"));

    /** The reference's algorithm strings in jdit's spelling: nabla-0.6_sta-1-3-1 -> nabla:thr=0.6,sta=1x3x1. */
    static String spec(String algo, boolean sparseFromTheFirstStep) {
        String sta = null;
        String nabla = null;
        for (String part : algo.split("_")) {
            if (part.startsWith("sta-")) {
                sta = part.substring(4).replace('-', 'x');
            } else if (part.startsWith("nabla-")) {
                nabla = part.substring(6);
            }
        }
        if (nabla == null) {
            return "sta:" + sta + (sparseFromTheFirstStep ? ",warmup=0" : "");
        }
        return "nabla:thr=" + nabla + (sta == null ? "" : ",sta=" + sta);
    }

    private static Tensor headsToTokens(Tensor t, Workspace ws) { // [1, H, S, D] -> [1, S, H, D]
        return ws.copy(t.transpose(1, 2));
    }

    private static List<Path> files(String prefix) throws IOException {
        try (Stream<Path> s = Files.list(ROOT.resolve("sparse/nabla"))) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> masksAndRestrictedAttention() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : files("nabla_masks_")) {
            tests.add(DynamicTest.dynamicTest(file.getFileName().toString(), () -> checkMasks(file)));
        }
        assertTrue(tests.size() >= 2);
        return tests.stream();
    }

    private static void checkMasks(Path file) {
        try (SafetensorsReader r = SafetensorsReader.open(file); Workspace ws = new Workspace();
             CpuBackend cpu = CpuBackend.create(2, true)) {
            long[] g = r.tensor("grid").toLongArray();
            TokenGrid grid = new TokenGrid((int) g[0], (int) g[1], (int) g[2]);
            int[] order = TileOrder.of(grid);
            assertArrayEquals(r.tensor("tile_perm").toLongArray(), java.util.Arrays.stream(order).asLongStream().toArray());
            Tensor q = headsToTokens(r.tensor("q_rope_tiled"), ws);
            Tensor k = headsToTokens(r.tensor("k_rope_tiled"), ws);
            int heads = (int) q.dim(2);
            JsonObject variants = JsonParser.parseString(r.metadata().get("variants")).getAsJsonObject();
            for (String tag : variants.keySet()) {
                String algo = variants.getAsJsonObject(tag).get("algo").getAsString();
                AttentionMethod m = AttentionMethods.create(spec(algo, true));
                AttentionContext ctx = new AttentionContext(0, 1, 500, 0, 1, GuidanceBranch.UNGUIDED, grid, heads, (int) q.dim(3));
                AttentionPlan.BlockSparse plan = (AttentionPlan.BlockSparse) m.plan(ctx, q, k, null);
                Tensor want = r.tensor("mask_" + tag); // [1, H, N, N] u8
                int n = (int) want.dim(2);
                for (int h = 0; h < heads; h++) {
                    HeadBlocks hb = plan.heads().get(h);
                    for (int i = 0; i < n; i++) {
                        boolean[] got = new boolean[n];
                        for (int a = hb.start(i); a < hb.end(i); a++) {
                            got[hb.col(a)] = true;
                        }
                        for (int j = 0; j < n; j++) {
                            assertEquals(want.getDouble(0, h, i, j) != 0, got[j], file.getFileName() + " " + tag + " head " + h
                                    + " block (" + i + ", " + j + ")");
                        }
                    }
                }
                assertEquals(variants.getAsJsonObject(tag).get("density").getAsDouble(), plan.density(), 1e-6, tag + " density (the reference stores it in float32)");
                if (r.entry("out_" + tag).isPresent()) {
                    Tensor v = headsToTokens(r.tensor("v_tiled"), ws);
                    Tensor out = ws.allocate(DType.F32, q.shape());
                    cpu.backend().attention().attend(q, k, v, plan, (float) (1 / Math.sqrt(q.dim(3))), out);
                    assertClose(headsToTokens(r.tensor("out_" + tag), ws), out, 1e-5, tag + " attention");
                }
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> wholeWanForwardsWithTheMethodInside() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : files("nabla_wan_e2e")) {
            try (SafetensorsReader r = SafetensorsReader.open(file)) {
                JsonObject variants = JsonParser.parseString(r.metadata().get("variants")).getAsJsonObject();
                for (String tag : variants.keySet()) {
                    String algo = variants.getAsJsonObject(tag).get("algo").getAsString();
                    tests.add(DynamicTest.dynamicTest(file.getFileName() + " " + tag, () -> checkForward(file, tag, spec(algo, true))));
                }
                tests.add(DynamicTest.dynamicTest(file.getFileName() + " dense", () -> checkForward(file, "dense", "dense")));
            }
        }
        assertTrue(tests.size() >= 4);
        return tests.stream();
    }

    private static void checkForward(Path file, String tag, String spec) {
        try (SafetensorsReader r = SafetensorsReader.open(file);
             SafetensorsReader w = SafetensorsReader.open(ROOT.resolve(r.metadata().get("weights")));
             CpuBackend cpu = CpuBackend.create(2, true); Workspace ws = new Workspace();
             WanModel model = WanModel.load(w, WanConfig.fromJson(r.metadata().get("config")), DType.F32)) {
            Backend be = cpu.backend();
            double[] t = r.tensor("t").toDoubleArray();
            Tensor text = model.embedText(r.tensor("context"), be, ws).unsqueeze(0);
            AttentionMethod method = AttentionMethods.create(spec);
            Tensor out = model.forward(r.tensor("x").unsqueeze(0), t, text,
                    new AttentionStep(method, 0, 1, t[0], GuidanceBranch.UNGUIDED), be, ws);
            assertClose(r.tensor("out_" + tag).unsqueeze(0), out, 1e-5, spec);
        }
    }

    /** |want − got| <= tol · max(1, max|want|), the golden README's rule for these outputs. */
    private static void assertClose(Tensor want, Tensor got, double tol, String what) {
        assertEquals(want.shape(), got.shape(), what);
        double scale = 1;
        for (long i = 0; i < want.numel(); i++) {
            scale = Math.max(scale, Math.abs(want.getDoubleAt(i)));
        }
        for (long i = 0; i < want.numel(); i++) {
            double d = Math.abs(want.getDoubleAt(i) - got.getDoubleAt(i));
            assertTrue(d <= tol * scale, what + " element " + i + ": " + got.getDoubleAt(i) + " vs " + want.getDoubleAt(i));
        }
    }
}
