package jdit.model.wan;

import static jdit.testing.Tensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import jdit.attention.AttentionStep;
import jdit.backend.Backend;
import jdit.backend.cpu.CpuBackend;
import jdit.io.CheckpointException;
import jdit.io.safetensors.SafetensorsReader;
import jdit.tensor.DType;
import jdit.tensor.Shape;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import jdit.testing.TestData;
import org.junit.jupiter.api.Test;

/**
 * The tiny Wan2.1 transformer (golden wan/) against the official WanModel: the time embedding and its projection,
 * and the output with the prompt and with the null prompt, from both the original and the diffusers layout.
 */
class WanGoldenTest {
    private static SafetensorsReader open(String name) {
        return SafetensorsReader.open(TestData.golden().resolve("wan/" + name));
    }

    @Test
    void bothLayoutsMatchTheOfficialModel() {
        try (SafetensorsReader orig = open("wan_tiny.safetensors"); SafetensorsReader io = open("wan_tiny_io.safetensors");
             SafetensorsReader diff = open("wan_tiny_diffusers.safetensors"); CpuBackend cpu = CpuBackend.create(2, true);
             Workspace ws = new Workspace()) {
            WanConfig cfg = WanConfig.fromJson(orig.metadata().get("config"));
            Backend be = cpu.backend();
            for (SafetensorsReader weights : new SafetensorsReader[] {orig, diff}) {
                try (WanModel model = WanModel.load(weights, cfg, DType.F32)) {
                    assertEquals(weights == orig ? WanKeys.ORIGINAL : WanKeys.DIFFUSERS, model.layout());
                    double[] t = io.tensor("t").toDoubleArray();
                    Tensor e = model.timeEmbedding(t, be, ws);
                    assertClose(io.tensor("time_e"), e, 1e-5, 1e-5, "time_e");
                    assertClose(io.tensor("time_e0"), model.timeProjection(e, be, ws), 1e-5, 1e-5, "time_e0");
                    Tensor x = io.tensor("x").unsqueeze(0); // [1, C, F, H, W]
                    for (String[] c : new String[][] {{"context", "out"}, {"context_null", "out_null"}}) {
                        Tensor text = model.embedText(io.tensor(c[0]), be, ws);
                        Tensor out = model.forward(x, t, text.unsqueeze(0), AttentionStep.dense(t[0]), be, ws);
                        assertClose(io.tensor(c[1]).unsqueeze(0), out, 1e-5, 1e-5, model.layout() + " " + c[1]);
                    }
                }
            }
        }
    }

    @Test
    void parameterTableIsTheGoldenKeySetAndMisshapesAreNamed() {
        try (SafetensorsReader orig = open("wan_tiny.safetensors")) {
            WanConfig cfg = WanConfig.fromJson(orig.metadata().get("config"));
            Map<String, Shape> table = WanParameters.originalLayout(cfg);
            assertEquals(orig.entries().size(), table.size());
            orig.entries().forEach(e -> assertEquals(e.shape(), table.get(e.name()), e.name()));
            WanConfig wrong = new WanConfig(1, 2, 2, 16, 16, 64, 96, 32, 24, 16, 4, 2, 1e-6); // ffn 96, not 128
            CheckpointException ex = assertThrows(CheckpointException.class, () -> WanModel.load(orig, wrong, DType.F32));
            assertTrue(ex.getMessage().contains("blocks.0.ffn.0.weight") && ex.getMessage().contains("[128, 64]")
                    && ex.getMessage().contains("[96, 64]"), ex.getMessage());
        }
    }

    @Test
    void configFromMetadataAndFromThePublishedShapes() {
        try (SafetensorsReader orig = open("wan_tiny.safetensors")) {
            assertEquals(WanConfig.fromJson(orig.metadata().get("config")), WanConfig.of(orig));
        }
        // the published 1.3B checkpoint carries no config: its shapes (and head size 128) give it back
        var shapes = WanParameters.originalLayout(WanConfig.t2v13b());
        try (jdit.io.SeededWeights s = new jdit.io.SeededWeights(shapes, 1)) {
            assertEquals(WanConfig.t2v13b(), WanConfig.of(s));
        }
    }

    @Test
    void thePublishedOriginalConfigJsonReads() {
        // Wan-AI/Wan2.1-T2V-1.3B/config.json as published: WanModel's arguments, defaults left out
        String published = "{\"_class_name\": \"WanModel\", \"_diffusers_version\": \"0.30.0\", \"dim\": 1536, "
                + "\"eps\": 1e-06, \"ffn_dim\": 8960, \"freq_dim\": 256, \"in_dim\": 16, \"model_type\": \"t2v\", "
                + "\"num_heads\": 12, \"num_layers\": 30, \"out_dim\": 16, \"text_len\": 512}";
        assertEquals(WanConfig.t2v13b(), WanConfig.fromJson(published));
        assertThrows(IllegalArgumentException.class, () -> WanConfig.fromJson(published.replace("t2v", "i2v")));
    }

    @Test
    void publishedConfigsHaveTheDocumentedShapes() {
        WanConfig small = WanConfig.t2v13b();
        assertEquals(128, small.headDim());
        long params = WanParameters.originalLayout(small).values().stream().mapToLong(Shape::numel).sum();
        assertEquals(1_418_996_800L, params, "1.3B: 1,419.0M parameters (models.md 3.1)");
        assertEquals(825, WanParameters.originalLayout(small).size());
        assertEquals(128, WanConfig.t2v14b().headDim());
    }
}
