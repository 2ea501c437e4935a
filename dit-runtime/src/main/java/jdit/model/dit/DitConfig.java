package jdit.model.dit;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * A DiT's constructor arguments, named as in facebookresearch/DiT {@code models.py} (camelCased): latent size and
 * channels, patch size, hidden size, depth, heads, classes, and whether sigma is learned (doubling the output).
 * {@code numClasses} 0 means no label embedder: DiT itself always has one, Latte's unconditional models do not.
 */
public record DitConfig(int inputSize, int patchSize, int inChannels, int hiddenSize, int depth, int numHeads,
                        int numClasses, boolean learnSigma) {
    public DitConfig {
        if (hiddenSize % numHeads != 0 || inputSize % patchSize != 0 || numClasses < 0) {
            throw new IllegalArgumentException("invalid DiT config " + this);
        }
    }

    /** Output channels: eps, plus the variance interpolation v when sigma is learned. */
    public int outChannels() {
        return learnSigma ? 2 * inChannels : inChannels;
    }

    /** Tokens per image: (inputSize / patchSize)². */
    public int tokens() {
        int g = inputSize / patchSize;
        return g * g;
    }

    /** From the JSON the golden fixtures carry in {@code __metadata__.config} (the constructor's keyword arguments). */
    public static DitConfig fromJson(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        return new DitConfig(o.get("input_size").getAsInt(), o.get("patch_size").getAsInt(), o.get("in_channels").getAsInt(),
                o.get("hidden_size").getAsInt(), o.get("depth").getAsInt(), o.get("num_heads").getAsInt(),
                o.get("num_classes").getAsInt(), o.get("learn_sigma").getAsBoolean());
    }
}
