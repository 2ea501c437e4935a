package jdit.model.latte;

import static jdit.testing.Tensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdit.attention.AttentionContext;
import jdit.attention.AttentionMethod;
import jdit.attention.AttentionPlan;
import jdit.attention.AttentionStep;
import jdit.attention.GuidanceBranch;
import jdit.attention.TokenGrid;
import jdit.backend.cpu.CpuBackend;
import jdit.io.CheckpointException;
import jdit.io.TensorEntry;
import jdit.io.safetensors.SafetensorsReader;
import jdit.tensor.Shape;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import jdit.testing.TestData;
import org.junit.jupiter.api.Test;

/**
 * The Latte forward against Vchitect/Latte's own outputs (golden latte/: depth 4, 4 frames, class-conditional and
 * unconditional) within 1e-5 of max |ref| on the CPU backend, plus the config, key and parameter-list checks.
 */
class LatteGoldenTest {
    private static SafetensorsReader open(String name) {
        return SafetensorsReader.open(TestData.golden().resolve("latte/" + name));
    }

    private static void checkForward(String name, boolean classes) {
        try (SafetensorsReader weights = open(name + ".safetensors"); SafetensorsReader io = open(name + "_io.safetensors");
             CpuBackend cpu = CpuBackend.create(2, true); Workspace ws = new Workspace()) {
            LatteConfig cfg = LatteConfig.fromJson(weights.metadata().get("config"));
            assertEquals(classes, cfg.classConditional());
            try (LatteModel model = LatteModel.load(weights, cfg)) {
                long[] y = classes ? io.tensor("y").toLongArray() : null;
                Tensor out = model.forward(io.tensor("x"), io.tensor("t").toDoubleArray(), y, cpu.backend(), ws);
                assertClose(io.tensor("out"), out, 1e-5, 1e-5, name + " out");
            }
        }
    }

    @Test
    void classConditionalOutputMatchesTheOfficialModel() {
        checkForward("latte_tiny_classcond", true);
    }

    @Test
    void unconditionalOutputMatchesTheOfficialModel() {
        checkForward("latte_tiny_uncond", false);
    }

    @Test
    void spatialBlocksSeeOneFrameAndTemporalBlocksOnePosition() {
        List<AttentionContext> seen = new ArrayList<>();
        AttentionMethod recording = new AttentionMethod() {
            @Override
            public String description() {
                return "recording";
            }

            @Override
            public AttentionPlan plan(AttentionContext ctx, Tensor q, Tensor k, Tensor v) {
                seen.add(ctx);
                assertEquals(ctx.grid().tokens(), q.dim(1), "sequence length vs grid at layer " + ctx.layer());
                return AttentionPlan.DENSE;
            }
        };
        try (SafetensorsReader weights = open("latte_tiny_uncond.safetensors");
             SafetensorsReader io = open("latte_tiny_uncond_io.safetensors");
             CpuBackend cpu = CpuBackend.create(2, true); Workspace ws = new Workspace();
             LatteModel model = LatteModel.load(weights, LatteConfig.fromJson(weights.metadata().get("config")))) {
            double[] t = io.tensor("t").toDoubleArray();
            AttentionStep step = new AttentionStep(recording, 0, 1, t[0], GuidanceBranch.UNGUIDED);
            Tensor out = model.forward(io.tensor("x"), t, null, step, cpu.backend(), ws);
            assertClose(io.tensor("out"), out, 1e-5, 1e-5, "out through a method");
        }
        assertEquals(4, seen.size());
        for (AttentionContext ctx : seen) {
            TokenGrid want = ctx.layer() % 2 == 0 ? TokenGrid.image(4, 4) : new TokenGrid(4, 1, 1);
            assertEquals(want, ctx.grid(), "layer " + ctx.layer());
            assertEquals(4, ctx.layers());
        }
    }

    @Test
    void theConfigFromShapesIsTheStoredOne() {
        for (String name : new String[] {"latte_tiny_classcond", "latte_tiny_uncond"}) {
            try (SafetensorsReader weights = open(name + ".safetensors")) {
                LatteConfig stored = LatteConfig.fromJson(weights.metadata().get("config"));
                // hidden 64 is not in the paper's table, so the heads come from the stored config: shapes cannot tell
                assertEquals(stored, LatteConfig.fromShapes(weights, stored.numHeads()), name);
                assertThrows(CheckpointException.class, () -> LatteConfig.fromShapes(weights), name);
            }
        }
        LatteConfig xl = LatteConfig.latteXl2(16, 101);
        assertEquals(LatteConfig.latteXl2(16, 101), xl);
        assertEquals(8, xl.outChannels());
        assertEquals(256, xl.tokensPerFrame());
    }

    @Test
    void theParameterListIsTheCheckpointsKeySetWithItsShapes() {
        for (String name : new String[] {"latte_tiny_classcond", "latte_tiny_uncond"}) {
            try (SafetensorsReader weights = open(name + ".safetensors")) {
                Map<String, Shape> stored = new LinkedHashMap<>();
                for (TensorEntry e : weights.entries()) {
                    stored.put(e.name(), e.shape());
                }
                assertEquals(stored, LatteParameters.originalLayout(LatteConfig.fromJson(weights.metadata().get("config"))),
                        name);
            }
        }
        long xl = LatteParameters.originalLayout(LatteConfig.latteXl2(16, 101)).values().stream().mapToLong(Shape::numel).sum();
        assertTrue(xl > 670_000_000L && xl < 680_000_000L, "Latte-XL/2 parameters " + xl);
    }

    @Test
    void aMisshapedKeyIsNamedWithBothShapes() {
        try (SafetensorsReader weights = open("latte_tiny_classcond.safetensors")) {
            LatteConfig cfg = LatteConfig.fromJson(weights.metadata().get("config"));
            LatteConfig frames = new LatteConfig(8, 2, 4, 64, 4, 4, 5, cfg.numClasses(), true);
            CheckpointException e = assertThrows(CheckpointException.class, () -> LatteModel.load(weights, frames));
            assertTrue(e.getMessage().contains("'temp_embed'") && e.getMessage().contains("[1, 4, 64]")
                    && e.getMessage().contains("[1, 5, 64]"), e.getMessage());
            LatteConfig classes = new LatteConfig(8, 2, 4, 64, 4, 4, 4, 11, true);
            e = assertThrows(CheckpointException.class, () -> LatteModel.load(weights, classes));
            assertTrue(e.getMessage().contains("y_embedder.embedding_table.weight") && e.getMessage().contains("[6, 64]")
                    && e.getMessage().contains("[12, 64]"), e.getMessage());
            LatteConfig unconditional = new LatteConfig(8, 2, 4, 64, 4, 4, 4, 0, true);
            e = assertThrows(CheckpointException.class, () -> LatteModel.load(weights, unconditional));
            assertTrue(e.getMessage().contains("y_embedder.embedding_table.weight"), e.getMessage());
        }
    }
}
