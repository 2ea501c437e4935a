package jdit.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jdit.attention.AttentionContext;
import jdit.attention.AttentionPlan;
import jdit.attention.GuidanceBranch;
import jdit.attention.HeadBlocks;
import jdit.attention.TokenGrid;
import jdit.backend.cpu.CpuBackend;
import jdit.io.safetensors.SafetensorsReader;
import jdit.attention.TextSegment;
import jdit.sparse.svg.SvgLayout;
import jdit.sparse.svg.SvgMasks;
import jdit.sparse.svg.SvgTextMasks;
import jdit.sparse.svg.SvgMethod;
import jdit.sparse.svg.SvgParams;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Sparse VideoGen (SVG1) against the official Wan code (golden sparse/svg/svg_wan_*, found by name prefix): the
 * band width, the profiling and band masks element by element, the 128-tile classes, the placement indices, and
 * call by call the dense gate, the profiling errors, the head classes and the attention output, with the fixture's
 * profiled rows (drawn by torch's generator) injected.
 */
class SvgGoldenTest {
    private static final Path ROOT = Path.of(System.getProperty("jdit.golden", "../testdata/golden"));

    @TestFactory
    Stream<DynamicTest> everyWanFixture() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> s = Files.list(ROOT.resolve("sparse/svg"))) {
            for (Path f : s.filter(p -> p.getFileName().toString().startsWith("svg_wan_")).sorted().toList()) {
                tests.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
            }
        }
        assertTrue(tests.size() >= 2);
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> everyTextLayoutFixture() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> s = Files.list(ROOT.resolve("sparse/svg"))) {
            for (Path f : s.filter(p -> p.getFileName().toString().contains("_text_")).sorted().toList()) {
                tests.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> checkText(f)));
            }
        }
        assertTrue(tests.size() >= 2);
        return tests.stream();
    }

    /** Masks, band, tile classes and placement of the CogVideoX (text first) and HunyuanVideo (text last) layouts. */
    private static void checkText(Path file) {
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            var m = r.metadata();
            int frames = Integer.parseInt(m.get("F"));
            int perFrame = Integer.parseInt(m.get("P"));
            int ctxLen = Integer.parseInt(m.get("context_length"));
            TextSegment text = new TextSegment(m.get("text_position").equals("prefix") ? TextSegment.Position.PREFIX
                    : TextSegment.Position.SUFFIX, ctxLen, Integer.parseInt(m.get("prompt_length")));
            double mul = SvgLayout.multiplierFrames(Double.parseDouble(m.get("sparsity")), ctxLen, frames, perFrame);
            assertEquals(Double.parseDouble(m.get("multiplier_frames")), mul, 1e-12, "band half-width in frames");
            SvgTextMasks masks = new SvgTextMasks(text, frames, perFrame, mul);
            int s = masks.tokens();
            Tensor spatial = r.tensor("mask_spatial");
            Tensor temporal = r.tensor("mask_temporal");
            Tensor band = r.tensor("band_mask");
            for (int i = 0; i < s; i++) {
                assertEquals(r.tensor("token_major_store_index").getDouble(i), masks.placed(i), "placement of " + i);
                for (int j = 0; j < s; j++) {
                    assertEquals(spatial.getDouble(i, j) != 0, masks.spatial(i, j), "spatial (" + i + ", " + j + ")");
                    assertEquals(temporal.getDouble(i, j) != 0, masks.temporal(i, j), "temporal (" + i + ", " + j + ")");
                    assertEquals(band.getDouble(i, j) != 0, masks.band().allowed(i, j), "band (" + i + ", " + j + ")");
                }
            }
            Tensor tiles = r.tensor("band_block128");
            HeadBlocks hb = SvgMethod.bandBlocks(masks, s);
            for (int i = 0; i < tiles.dim(0); i++) {
                int[] kind = new int[(int) tiles.dim(1)];
                for (int a = hb.start(i); a < hb.end(i); a++) {
                    kind[hb.col(a)] = hb.partial(a) ? 1 : 2;
                }
                for (int j = 0; j < kind.length; j++) {
                    assertEquals((int) tiles.getDouble(i, j), kind[j], "tile class (" + i + ", " + j + ")");
                }
            }
            Tensor x = r.tensor("x");
            Tensor placed = r.tensor("x_placed");
            Tensor best = r.tensor("best_mask_idx");
            int[] order = masks.tokenMajorOrder();
            for (int h = 0; h < x.dim(1); h++) {
                boolean temporalHead = best.getDouble(0, h) == 1;
                for (int pos = 0; pos < s; pos++) {
                    int token = temporalHead ? order[pos] : pos;
                    for (int c = 0; c < x.dim(3); c++) {
                        assertEquals(placed.getDouble(0, h, pos, c), x.getDouble(0, h, token, c), 0, "placed head " + h + " position " + pos);
                    }
                }
            }
        }
    }

    private static Tensor tokensMajor(Tensor t, Workspace ws) { // [B, H, S, D] -> [B, S, H, D]
        return ws.copy(t.transpose(1, 2));
    }

    private static void check(Path file) {
        try (SafetensorsReader r = SafetensorsReader.open(file); Workspace ws = new Workspace();
             CpuBackend cpu = CpuBackend.create(2, true)) {
            var m = r.metadata();
            int frames = Integer.parseInt(m.get("F"));
            int perFrame = Integer.parseInt(m.get("P"));
            JsonArray hw = JsonParser.parseString(m.get("H_W_latent_patches")).getAsJsonArray();
            TokenGrid grid = new TokenGrid(frames, hw.get(0).getAsInt(), hw.get(1).getAsInt());
            int s = frames * perFrame;
            // dense gate as the fixture states it: layers < 2 dense (2 of 10 = 0.2), timestep > 850 dense (step 0 of 10)
            SvgParams params = new SvgParams(Double.parseDouble(m.get("sparsity")), 0.5, 0.2,
                    Integer.parseInt(m.get("num_sampled_rows")), Integer.parseInt(m.get("sample_mse_max_row")), 0);
            double mul = params.multiplierFrames(frames, perFrame);
            assertEquals(Double.parseDouble(m.get("multiplier_frames")), mul, 1e-12, "band half-width in frames");
            SvgMasks masks = new SvgMasks(frames, perFrame, mul);
            Tensor spatial = r.tensor("mask_spatial");
            Tensor temporal = r.tensor("mask_temporal");
            Tensor band = r.tensor("band_mask");
            for (int i = 0; i < spatial.dim(0); i++) {
                for (int j = 0; j < s; j++) {
                    assertEquals(spatial.getDouble(i, j) != 0, masks.spatial(i, j), "spatial (" + i + ", " + j + ")");
                    assertEquals(temporal.getDouble(i, j) != 0, masks.temporal(i, j), "temporal (" + i + ", " + j + ")");
                }
            }
            for (int i = 0; i < s; i++) {
                assertEquals(r.tensor("token_major_store_index").getDouble(i), masks.tokenMajor(i), "token-major index " + i);
                assertEquals(r.tensor("frame_major_store_index").getDouble(i), masks.frameMajor(i), "frame-major index " + i);
                for (int j = 0; j < s; j++) {
                    assertEquals(band.getDouble(i, j) != 0, masks.band().allowed(i, j), "band (" + i + ", " + j + ")");
                }
            }
            Tensor q = tokensMajor(r.tensor("q"), ws);
            Tensor k = tokensMajor(r.tensor("k"), ws);
            Tensor v = tokensMajor(r.tensor("v"), ws);
            JsonArray calls = JsonParser.parseString(m.get("calls")).getAsJsonArray();
            for (int c = 0; c < calls.size(); c++) {
                JsonObject call = calls.get(c).getAsJsonObject();
                int call0 = c;
                SvgMethod svg = new SvgMethod(params, (maxRow, count, ctx) -> {
                    assertEquals(Integer.parseInt(m.get("sample_mse_max_row")), maxRow);
                    return java.util.Arrays.stream(r.tensor("call" + call0 + "_sampled_rows").toLongArray()).mapToInt(x -> (int) x).toArray();
                });
                int step = call.get("timestep").getAsInt() > 850 ? 0 : 9;
                AttentionContext ctx = new AttentionContext(step, 10, call.get("timestep").getAsInt(), call.get("layer_idx").getAsInt(),
                        10, GuidanceBranch.BATCHED, grid, (int) q.dim(2), (int) q.dim(3));
                AttentionPlan plan = svg.plan(ctx, q, k, v);
                assertEquals(call.get("dense").getAsBoolean(), plan instanceof AttentionPlan.Dense, "call " + c + " dense gate");
                // the same call with q, k, v on a device: profiled there with backend ops, the same classes
                SvgMethod onDevice = new SvgMethod(params, (maxRow, count, ctx2) ->
                        java.util.Arrays.stream(r.tensor("call" + call0 + "_sampled_rows").toLongArray()).mapToInt(x -> (int) x).toArray());
                jdit.backend.Backend dev = jdit.testing.StrictDevice.over(cpu.backend());
                try (Workspace dws = dev.memory().workspace()) {
                    onDevice.plan(ctx.on(dev, dws), jdit.backend.Transfers.upload(q, dev.memory(), dws),
                            jdit.backend.Transfers.upload(k, dev.memory(), dws), jdit.backend.Transfers.upload(v, dev.memory(), dws));
                }
                if (svg.lastClasses() != null) {
                    for (int b = 0; b < q.dim(0); b++) {
                        assertArrayEquals(svg.lastClasses()[b], onDevice.lastClasses()[b], "call " + c + " classes on the device");
                        for (int h = 0; h < q.dim(2); h++) {
                            for (int mask = 0; mask < 2; mask++) {
                                double want = svg.lastMses()[b][h][mask];
                                assertEquals(want, onDevice.lastMses()[b][h][mask], 1e-4 * Math.abs(want), "call " + c + " mse on the device");
                            }
                        }
                    }
                }
                if (plan instanceof AttentionPlan.BlockSparse sparse) {
                    Tensor mses = r.tensor("call" + c + "_mses"); // [2, B, H]
                    Tensor best = r.tensor("call" + c + "_best_mask_idx");
                    double scale = 0;
                    for (long i = 0; i < mses.numel(); i++) {
                        scale = Math.max(scale, Math.abs(mses.getDoubleAt(i)));
                    }
                    for (int b = 0; b < q.dim(0); b++) {
                        for (int h = 0; h < q.dim(2); h++) {
                            for (int mask = 0; mask < 2; mask++) {
                                assertEquals(mses.getDouble(mask, b, h), svg.lastMses()[b][h][mask], 1e-4 * scale, "call " + c + " mse");
                            }
                            assertEquals((int) best.getDouble(b, h), svg.lastClasses()[b][h], "call " + c + " class of (" + b + ", " + h + ")");
                        }
                    }
                    Tensor tiles = r.tensor("band_block128");
                    HeadBlocks hb = sparse.heads().get(0);
                    for (int i = 0; i < tiles.dim(0); i++) {
                        int[] kind = new int[(int) tiles.dim(1)];
                        for (int a = hb.start(i); a < hb.end(i); a++) {
                            kind[hb.col(a)] = hb.partial(a) ? 1 : 2;
                        }
                        for (int j = 0; j < kind.length; j++) {
                            assertEquals((int) tiles.getDouble(i, j), kind[j], "tile class (" + i + ", " + j + ")");
                        }
                    }
                } else {
                    assertNull(svg.lastClasses());
                }
                Tensor out = ws.allocate(DType.F32, q.shape());
                cpu.backend().attention().attend(q, k, v, plan, 0.25f, out);
                Tensor want = tokensMajor(r.tensor("call" + c + "_out"), ws);
                for (long i = 0; i < want.numel(); i++) {
                    double w = want.getDoubleAt(i);
                    assertTrue(Math.abs(w - out.getDoubleAt(i)) <= 1e-5 * Math.max(1, Math.abs(w)), "call " + c + " out " + i);
                }
            }
        }
    }
}
