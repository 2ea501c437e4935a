package jdit.model.latte;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdit.io.CheckpointException;
import jdit.io.TensorEntry;
import jdit.io.WeightStore;
import jdit.model.dit.DitConfig;

/**
 * A Latte's constructor arguments (Vchitect/Latte {@code models/latte.py}, camelCased) as far as they shape the
 * model: latent side and channels, patch, hidden size, depth, heads, frames, classes (0 when unconditional, the
 * official {@code extras=1}) and whether sigma is learned (doubling the output channels). The depth is even because
 * the official forward takes the blocks in spatial/temporal pairs.
 */
public record LatteConfig(int inputSize, int patchSize, int inChannels, int hiddenSize, int depth, int numHeads,
                          int numFrames, int numClasses, boolean learnSigma) {
    private static final Pattern BLOCK = Pattern.compile("^blocks\\.(\\d+)\\.");

    public LatteConfig {
        if (hiddenSize % numHeads != 0 || inputSize % patchSize != 0 || depth < 2 || depth % 2 != 0 || numFrames < 1
                || numClasses < 0) {
            throw new IllegalArgumentException("invalid Latte config " + this
                    + " (needs heads dividing hidden, patch dividing input, an even depth, frames >= 1, classes >= 0)");
        }
    }

    /** Latte-XL/2 as all the published sample configs use it: 32x32x4 latents (256 px), learned sigma. */
    public static LatteConfig latteXl2(int numFrames, int numClasses) {
        return new LatteConfig(32, 2, 4, 1152, 28, 16, numFrames, numClasses, true);
    }

    /** Output channels: eps, plus the variance interpolation v when sigma is learned. */
    public int outChannels() {
        return learnSigma ? 2 * inChannels : inChannels;
    }

    /** Tokens per frame: (inputSize / patchSize)². */
    public int tokensPerFrame() {
        int g = inputSize / patchSize;
        return g * g;
    }

    public boolean classConditional() {
        return numClasses > 0;
    }

    /** The same model seen as DiT blocks: the spatial and temporal blocks share DiT's parameters and math. */
    public DitConfig toDit() {
        return new DitConfig(inputSize, patchSize, inChannels, hiddenSize, depth, numHeads, numClasses, learnSigma);
    }

    /**
     * From the JSON the golden fixtures carry in {@code __metadata__.config} (the constructor's keyword arguments).
     * {@code num_classes} counts only with {@code extras == 2}: the official constructor builds no label embedder
     * otherwise, whatever num_classes says. Text conditioning ({@code extras == 78}) and class models without the
     * null label ({@code class_dropout_prob == 0}) are not supported.
     */
    public static LatteConfig fromJson(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        int extras = o.has("extras") ? o.get("extras").getAsInt() : 1;
        if (extras != 1 && extras != 2) {
            throw new IllegalArgumentException("Latte extras=" + extras + " is not supported (1: unconditional, 2: class)");
        }
        if (extras == 2 && o.has("class_dropout_prob") && o.get("class_dropout_prob").getAsDouble() <= 0) {
            throw new IllegalArgumentException("a class-conditional Latte without the null label (class_dropout_prob 0)"
                    + " is not supported");
        }
        return new LatteConfig(o.get("input_size").getAsInt(), o.get("patch_size").getAsInt(),
                o.get("in_channels").getAsInt(), o.get("hidden_size").getAsInt(), o.get("depth").getAsInt(),
                o.get("num_heads").getAsInt(), o.get("num_frames").getAsInt(),
                extras == 2 ? o.get("num_classes").getAsInt() : 0, o.get("learn_sigma").getAsBoolean());
    }

    /** The stored constructor arguments if {@code store} has them, otherwise {@link #fromShapes(WeightStore)}. */
    public static LatteConfig of(WeightStore store) {
        String stored = store.metadata().get("config");
        return stored != null ? fromJson(stored) : fromShapes(store);
    }

    /**
     * From a published checkpoint's shapes (the {@code .pt} files store no config); the head count follows the
     * paper's table, as DiT's (384: 6, 768: 12, 1024 and 1152: 16).
     */
    public static LatteConfig fromShapes(WeightStore store) {
        int d = (int) need(store, "x_embedder.proj.weight").shape().dim(0);
        int heads = switch (d) {
            case 384 -> 6;
            case 768 -> 12;
            case 1024, 1152 -> 16;
            default -> throw new CheckpointException(store.source(), "hidden size " + d + " is none of the paper's Latte "
                    + "sizes (384, 768, 1024, 1152), so the head count is unknown: store the config in the metadata");
        };
        return fromShapes(store, heads);
    }

    /**
     * From the shapes with a known head count (the one thing they cannot give): hidden size, channels and patch from
     * {@code x_embedder}, latent side from {@code pos_embed}, frames from {@code temp_embed}, depth from the block
     * count, classes from the label table (its rows minus the null label; 0 without one), sigma from the final layer.
     */
    public static LatteConfig fromShapes(WeightStore store, int numHeads) {
        TensorEntry x = need(store, "x_embedder.proj.weight"); // [D, C, p, p]
        TensorEntry pos = need(store, "pos_embed"); // [1, T, D]
        TensorEntry temp = need(store, "temp_embed"); // [1, F, D]
        TensorEntry fin = need(store, "final_layer.linear.weight"); // [p·p·outC, D]
        int d = (int) x.shape().dim(0);
        int c = (int) x.shape().dim(1);
        int p = (int) x.shape().dim(2);
        int grid = (int) Math.round(Math.sqrt(pos.shape().dim(1)));
        if ((long) grid * grid != pos.shape().dim(1)) {
            throw new CheckpointException(store.source(), "pos_embed " + pos.shape() + " is not a square token grid");
        }
        int depth = (int) store.entries().stream().map(e -> BLOCK.matcher(e.name())).filter(Matcher::find)
                .map(m -> m.group(1)).distinct().count();
        int classes = store.entry("y_embedder.embedding_table.weight").map(e -> (int) e.shape().dim(0) - 1).orElse(0);
        long outC = fin.shape().dim(0) / ((long) p * p);
        return new LatteConfig(grid * p, p, c, d, depth, numHeads, (int) temp.shape().dim(1), classes, outC == 2L * c);
    }

    private static TensorEntry need(WeightStore store, String key) {
        return store.entry(key).orElseThrow(() -> new CheckpointException(store.source(), "missing key '" + key + "'"));
    }
}
