package jdit.model.dit;

import com.google.gson.JsonObject;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdit.io.CheckpointException;
import jdit.io.TensorEntry;
import jdit.io.WeightStore;

/**
 * Where a DiT's configuration comes from: a diffusers {@code config.json}, the constructor arguments stored in a
 * safetensors {@code __metadata__.config}, or, for the published original checkpoints (plain state dicts), the
 * tensor shapes plus the paper's head count for the hidden size. Also the paper's named configurations.
 */
public final class DitConfigs {
    private static final Pattern BLOCK = Pattern.compile("^blocks\\.(\\d+)\\.");
    private static final Pattern NAME = Pattern.compile("DiT-(S|B|L|XL)/(2|4|8)");

    private DitConfigs() {
    }

    /** The configuration of the DiT in {@code store}, from the first of the sources above that it has. */
    public static DitConfig of(WeightStore store) {
        Optional<JsonObject> diffusers = store.config();
        if (diffusers.isPresent()) {
            return fromDiffusers(diffusers.get(), store);
        }
        String stored = store.metadata().get("config");
        if (stored != null) {
            return DitConfig.fromJson(stored);
        }
        if (DitKeys.detect(store) == DitKeys.DIFFUSERS) {
            throw new CheckpointException(store.source(), "a diffusers-layout DiT without its config.json: give the "
                    + "model folder (with transformer/config.json), not the weights file alone");
        }
        return fromShapes(store);
    }

    /** diffusers {@code DiTTransformer2DModel} config: sample_size is the latent side, num_embeds_ada_norm the classes. */
    static DitConfig fromDiffusers(JsonObject o, WeightStore store) {
        for (String key : new String[] {"sample_size", "patch_size", "in_channels", "num_attention_heads",
                "attention_head_dim", "num_layers", "num_embeds_ada_norm"}) {
            if (!o.has(key)) {
                throw new CheckpointException(store.source(), "config.json has no '" + key + "'");
            }
        }
        int in = o.get("in_channels").getAsInt();
        int out = o.has("out_channels") && !o.get("out_channels").isJsonNull() ? o.get("out_channels").getAsInt() : in;
        int heads = o.get("num_attention_heads").getAsInt();
        return new DitConfig(o.get("sample_size").getAsInt(), o.get("patch_size").getAsInt(), in,
                heads * o.get("attention_head_dim").getAsInt(), o.get("num_layers").getAsInt(), heads,
                o.get("num_embeds_ada_norm").getAsInt(), out == 2 * in);
    }

    /** From an original-layout state dict's shapes; the head count follows the paper's table (S 6, B 12, L and XL 16). */
    static DitConfig fromShapes(WeightStore store) {
        int depth = (int) store.entries().stream().map(e -> BLOCK.matcher(e.name())).filter(Matcher::find)
                .map(m -> m.group(1)).distinct().count();
        return fromShapes(store, depth);
    }

    /** The same with the depth given (SparseDiT names its blocks by kind). */
    static DitConfig fromShapes(WeightStore store, int depth) {
        TensorEntry x = need(store, "x_embedder.proj.weight"); // [D, C, p, p]
        TensorEntry pos = need(store, "pos_embed"); // [1, T, D]
        TensorEntry table = need(store, "y_embedder.embedding_table.weight"); // [classes + 1, D]
        TensorEntry fin = need(store, "final_layer.linear.weight"); // [p·p·outC, D]
        int d = (int) x.shape().dim(0);
        int c = (int) x.shape().dim(1);
        int p = (int) x.shape().dim(2);
        int grid = (int) Math.round(Math.sqrt(pos.shape().dim(1)));
        if (grid * grid != pos.shape().dim(1)) {
            throw new CheckpointException(store.source(), "pos_embed " + pos.shape() + " is not a square token grid");
        }
        int heads = switch (d) {
            case 384 -> 6;
            case 768 -> 12;
            case 1024, 1152 -> 16;
            default -> throw new CheckpointException(store.source(), "hidden size " + d + " is none of the paper's DiT "
                    + "sizes (384, 768, 1024, 1152), so the head count is unknown: store the config in the safetensors "
                    + "metadata (see 'jdit convert') or use a diffusers folder with config.json");
        };
        long outC = fin.shape().dim(0) / ((long) p * p);
        return new DitConfig(grid * p, p, c, d, depth, heads, (int) table.shape().dim(0) - 1, outC == 2L * c);
    }

    private static TensorEntry need(WeightStore store, String key) {
        return store.entry(key).orElseThrow(() -> new CheckpointException(store.source(), "missing key '" + key + "'"));
    }

    /**
     * The paper's configurations, for example {@code DiT-XL/2} at 256 px: 1000 classes, 4 latent channels, learned
     * sigma, latent side = image side / 8 (the SD VAE).
     */
    public static DitConfig preset(String name, int imageSize) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException("unknown DiT configuration '" + name + "'; known: DiT-{S,B,L,XL}/{2,4,8}");
        }
        if (imageSize != 256 && imageSize != 512) {
            throw new IllegalArgumentException("DiT was published at 256 and 512 px, not " + imageSize);
        }
        int[] dhd = switch (m.group(1)) { // hidden, heads, depth
            case "S" -> new int[] {384, 6, 12};
            case "B" -> new int[] {768, 12, 12};
            case "L" -> new int[] {1024, 16, 24};
            default -> new int[] {1152, 16, 28};
        };
        return new DitConfig(imageSize / 8, Integer.parseInt(m.group(2)), 4, dhd[0], dhd[2], dhd[1], 1000, true);
    }
}
