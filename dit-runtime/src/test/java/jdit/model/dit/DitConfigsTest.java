package jdit.model.dit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jdit.io.CheckpointException;
import jdit.io.CheckpointFormat;
import jdit.io.Checkpoints;
import jdit.io.StoredDType;
import jdit.io.TensorEntry;
import jdit.io.WeightStore;
import jdit.tensor.Shape;
import jdit.tensor.Tensor;
import jdit.testing.TestData;
import org.junit.jupiter.api.Test;

/** The three sources of a DiT config agree, and the published checkpoints' shapes give the paper's configs. */
class DitConfigsTest {
    /** Entries with shapes only: enough for config inference, which never reads data. */
    private record ShapesOnly(List<TensorEntry> entries) implements WeightStore {
        @Override
        public Path source() {
            return Path.of("shapes-only");
        }

        @Override
        public CheckpointFormat format() {
            return CheckpointFormat.values()[0];
        }

        @Override
        public Tensor tensor(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<String, String> metadata() {
            return Map.of();
        }

        @Override
        public Optional<JsonObject> config() {
            return Optional.empty();
        }

        @Override
        public void close() {
        }
    }

    /** The key shapes of a published original-layout checkpoint of {@code c}, as models.py would save it. */
    private static ShapesOnly publishedShapes(DitConfig c) {
        List<TensorEntry> e = new ArrayList<>();
        int d = c.hiddenSize();
        int p = c.patchSize();
        e.add(entry("x_embedder.proj.weight", d, c.inChannels(), p, p));
        e.add(entry("pos_embed", 1, c.tokens(), d));
        e.add(entry("y_embedder.embedding_table.weight", c.numClasses() + 1, d));
        e.add(entry("final_layer.linear.weight", (long) p * p * c.outChannels(), d));
        for (int i = 0; i < c.depth(); i++) {
            e.add(entry("blocks." + i + ".attn.qkv.weight", 3L * d, d));
            e.add(entry("blocks." + i + ".mlp.fc1.weight", 4L * d, d));
        }
        return new ShapesOnly(e);
    }

    private static TensorEntry entry(String name, long... shape) {
        return new TensorEntry(name, StoredDType.F32, Shape.of(shape), Shape.of(shape).numel() * 4, Path.of("x"));
    }

    @Test
    void everyPublishedConfigIsRecoveredFromShapes() {
        for (String size : new String[] {"S", "B", "L", "XL"}) {
            for (int patch : new int[] {2, 4, 8}) {
                for (int px : new int[] {256, 512}) {
                    DitConfig c = DitConfigs.preset("DiT-" + size + "/" + patch, px);
                    assertEquals(c, DitConfigs.fromShapes(publishedShapes(c)), c.toString());
                }
            }
        }
        DitConfig xl = DitConfigs.preset("DiT-XL/2", 256);
        assertEquals(new DitConfig(32, 2, 4, 1152, 28, 16, 1000, true), xl);
        assertEquals(256, xl.tokens());
    }

    @Test
    void metadataAndDiffusersConfigAgree() {
        try (WeightStore original = Checkpoints.open(TestData.golden().resolve("dit/dit_tiny.safetensors"));
             WeightStore diffusers = Checkpoints.open(TestData.testdata().resolve("diffusers/dit_tiny_transformer"))) {
            DitConfig fromMeta = DitConfigs.of(original);
            assertEquals(new DitConfig(8, 2, 4, 64, 2, 4, 10, true), fromMeta);
            assertEquals(fromMeta, DitConfigs.of(diffusers));
        }
    }

    @Test
    void unknownHiddenSizesAndNamesAreExplained() {
        DitConfig odd = new DitConfig(8, 2, 4, 64, 2, 4, 10, true);
        CheckpointException e = assertThrows(CheckpointException.class, () -> DitConfigs.fromShapes(publishedShapes(odd)));
        assertTrue(e.getMessage().contains("hidden size 64"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DitConfigs.preset("DiT-XXL/2", 256));
        assertThrows(IllegalArgumentException.class, () -> DitConfigs.preset("DiT-XL/2", 384));
    }
}
