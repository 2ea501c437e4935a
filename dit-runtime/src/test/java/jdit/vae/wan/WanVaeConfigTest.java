package jdit.vae.wan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jdit.io.CheckpointException;
import jdit.io.SeededWeights;
import jdit.io.TensorEntry;
import jdit.io.WeightStore;
import jdit.io.safetensors.SafetensorsReader;
import jdit.tensor.Shape;
import jdit.testing.TestData;
import org.junit.jupiter.api.Test;

/** Config from metadata, config.json and shapes; the parameter tree and the key renames against the golden files. */
class WanVaeConfigTest {
    static final WanVaeConfig TINY = new WanVaeConfig(8, 4, List.of(1, 2, 4, 4), 2, List.of(false, true, true),
            Collections.nCopies(4, 0.0), Collections.nCopies(4, 1.0));

    private static SafetensorsReader open(String name) {
        return SafetensorsReader.open(TestData.golden().resolve("wanvae/" + name));
    }

    private static Map<String, Shape> shapes(WeightStore s) {
        Map<String, Shape> m = new TreeMap<>();
        for (TensorEntry e : s.entries()) {
            m.put(e.name(), e.shape());
        }
        return m;
    }

    @Test
    void metadataConfigAndShapesGiveTheTinyConfig() {
        try (SafetensorsReader original = open("wanvae_tiny.safetensors");
             SafetensorsReader diffusers = open("wanvae_tiny_diffusers.safetensors")) {
            assertTrue(original.metadata().containsKey("config"));
            assertEquals(TINY, WanVaeConfig.of(original));
            assertEquals(TINY, WanVaeShapes.config(original));
            assertTrue(diffusers.metadata().isEmpty());
            assertEquals(TINY, WanVaeConfig.of(diffusers)); // from shapes
        }
    }

    @Test
    void diffusersConfigJsonGivesWan21() {
        String json = """
                {"_class_name": "AutoencoderKLWan", "attn_scales": [], "base_dim": 96, "dim_mult": [1, 2, 4, 4],
                 "dropout": 0.0, "latents_mean": [-0.7571, -0.7089, -0.9113, 0.1075, -0.1745, 0.9653, -0.1517, 1.5508,
                 0.4134, -0.0715, 0.5517, -0.3632, -0.1922, -0.9497, 0.2503, -0.2921], "latents_std": [2.8184, 1.4541,
                 2.3275, 2.6558, 1.2196, 1.7708, 2.6052, 2.0743, 3.2687, 2.1526, 2.8652, 1.5579, 1.6382, 1.1253, 2.8251,
                 1.916], "num_res_blocks": 2, "temperal_downsample": [false, true, true], "z_dim": 16}""";
        WanVaeConfig c = WanVaeConfig.fromJson(JsonParser.parseString(json).getAsJsonObject(), Path.of("config.json"));
        assertEquals(WanVaeConfig.wan21(), c);
        assertEquals(4, c.temporalFactor());
        assertEquals(8, c.spatialFactor());
        assertTrue(c.temporalUpsample(0) && c.temporalUpsample(1) && !c.temporalUpsample(2));
        String wan22 = json.replace("\"z_dim\": 16", "\"z_dim\": 16, \"is_residual\": true");
        assertThrows(CheckpointException.class,
                () -> WanVaeConfig.fromJson(JsonParser.parseString(wan22).getAsJsonObject(), Path.of("config.json")));
    }

    @Test
    void wan21ShapesAreThePublishedOnesAndReadBack() {
        Map<String, Shape> m = WanVaeParameters.originalLayout(WanVaeConfig.wan21());
        assertEquals(194, m.size());
        long params = m.values().stream().mapToLong(Shape::numel).sum();
        assertEquals(126.9e6, params, 0.05e6);
        assertEquals(WanVaeConfig.wan21(), WanVaeConfig.of(new SeededWeights(m, 1))); // published mean/std for z 16
    }

    @Test
    void parameterTreeAndKeyRenamesMatchBothGoldenFiles() {
        try (SafetensorsReader original = open("wanvae_tiny.safetensors");
             SafetensorsReader diffusers = open("wanvae_tiny_diffusers.safetensors")) {
            Map<String, Shape> tree = WanVaeParameters.originalLayout(TINY);
            assertEquals(shapes(original), new TreeMap<>(tree));
            WanVaeKeys keys = new WanVaeKeys(true, TINY.numResBlocks());
            Map<String, Shape> renamed = new TreeMap<>();
            tree.forEach((k, v) -> renamed.put(keys.stored(k), v));
            assertEquals(shapes(diffusers), renamed);
            assertFalse(WanVaeKeys.isDiffusersLayout(original));
            assertTrue(WanVaeKeys.isDiffusersLayout(diffusers));
        }
    }
}
