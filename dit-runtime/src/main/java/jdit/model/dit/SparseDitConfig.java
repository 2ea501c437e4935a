package jdit.model.dit;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdit.io.CheckpointException;
import jdit.io.WeightStore;

/**
 * A SparseDiT / FlexDiT (changsn/SparseDiT {@code models.py}): the DiT stem and head of {@code base}, then
 * {@code poolingformer} Poolingformer blocks, {@code dumbbells} Sparse-Dense Token Modules of {@code merge} token-merge,
 * {@code semantic} semantic, {@code recover} recovery and {@code dense} normal blocks, and {@code normal} top dense
 * blocks; {@code base.depth()} is their total. The sparse tokens form a {@code semanticSize} x {@code semanticSize}
 * grid (the code's defaults: 2 + 4·(1+3+1+1) + 2 = 28 blocks, 8 x 8 sparse tokens).
 */
public record SparseDitConfig(DitConfig base, int poolingformer, int dumbbells, int merge, int semantic, int recover,
                              int dense, int normal, int semanticSize) {
    private static final Pattern BLOCK = Pattern.compile("^(poolingformer_blocks|dumbbell_blocks|normal_blocks)\\.(\\d+)\\.");
    private static final Pattern GROUP = Pattern.compile(
            "^dumbbell_blocks\\.0\\.(token_merge_blocks|semantic_blocks|token_recover_blocks|normal_blocks)\\.(\\d+)\\.");

    public SparseDitConfig {
        if (poolingformer < 0 || dumbbells < 0 || merge < 0 || semantic < 0 || recover < 0 || dense < 0 || normal < 0
                || semanticSize < 1) {
            throw new IllegalArgumentException("invalid SparseDiT config " + this);
        }
        if (dumbbells > 0 && recover < 1) {
            throw new IllegalArgumentException("a Sparse-Dense Token Module needs a recovery block to return to the dense tokens");
        }
        if (poolingformer + dumbbells * (merge + semantic + recover + dense) + normal != base.depth()) {
            throw new IllegalArgumentException("SparseDiT blocks " + poolingformer + " + " + dumbbells + " x (" + merge + " + "
                    + semantic + " + " + recover + " + " + dense + ") + " + normal + " do not add up to depth " + base.depth());
        }
    }

    /** The published code's layout for a DiT configuration: 2 Poolingformer, 4 x [1, 3, 1, 1], 2 dense, 8 x 8 sparse. */
    public static SparseDitConfig published(DitConfig base) {
        return new SparseDitConfig(base, 2, 4, 1, 3, 1, 1, 2, 8);
    }

    /**
     * From an original-layout state dict: the block counts from the key names; the rest from {@code __metadata__.config}
     * (the constructor's keyword arguments, {@code semantic_size} included) when present, else from the stem's shapes
     * as for a DiT, with the code's default of 8 sparse tokens a side (no weight shows it).
     */
    public static SparseDitConfig of(WeightStore store) {
        int[] counts = new int[3];
        int[] group = new int[4];
        String[] top = {"poolingformer_blocks", "dumbbell_blocks", "normal_blocks"};
        String[] parts = {"token_merge_blocks", "semantic_blocks", "token_recover_blocks", "normal_blocks"};
        store.entries().forEach(e -> {
            Matcher m = BLOCK.matcher(e.name());
            if (m.find()) {
                int i = java.util.Arrays.asList(top).indexOf(m.group(1));
                counts[i] = Math.max(counts[i], Integer.parseInt(m.group(2)) + 1);
            }
            Matcher g = GROUP.matcher(e.name());
            if (g.find()) {
                int i = java.util.Arrays.asList(parts).indexOf(g.group(1));
                group[i] = Math.max(group[i], Integer.parseInt(g.group(2)) + 1);
            }
        });
        int depth = counts[0] + counts[1] * (group[0] + group[1] + group[2] + group[3]) + counts[2];
        int semantic = 8;
        DitConfig stem;
        String meta = store.metadata().get("config");
        if (meta != null) { // the constructor's keyword arguments, as jdit's writer and 'jdit convert' store them
            var o = com.google.gson.JsonParser.parseString(meta).getAsJsonObject();
            if (!o.has("depth")) {
                o.addProperty("depth", depth);
            }
            stem = DitConfig.fromJson(o.toString());
            if (o.has("semantic_size")) {
                semantic = o.get("semantic_size").getAsInt();
            }
        } else {
            stem = DitConfigs.fromShapes(store, depth);
        }
        if (counts[1] > 0 && group[2] == 0) {
            throw new CheckpointException(store.source(), "dumbbell_blocks have no token_recover_blocks");
        }
        return new SparseDitConfig(stem, counts[0], counts[1], group[0], group[1], group[2], group[3], counts[2], semantic);
    }

    /** The constructor's keyword arguments as JSON, for {@code __metadata__.config} (what {@link #of} reads back). */
    public String metadataJson() {
        DitConfig b = base;
        return String.format("{\"input_size\": %d, \"patch_size\": %d, \"in_channels\": %d, \"hidden_size\": %d, "
                + "\"depth\": %d, \"num_heads\": %d, \"num_classes\": %d, \"learn_sigma\": %b, \"num_poolingformer\": %d, "
                + "\"num_dumbbell\": %d, \"dumbbell_group\": [%d, %d, %d, %d], \"num_normal_block\": %d, \"semantic_size\": %d}",
                b.inputSize(), b.patchSize(), b.inChannels(), b.hiddenSize(), b.depth(), b.numHeads(), b.numClasses(),
                b.learnSigma(), poolingformer, dumbbells, merge, semantic, recover, dense, normal, semanticSize);
    }

    /** The grid side of the dense tokens. */
    public int grid() {
        return base.inputSize() / base.patchSize();
    }
}
