package jdit.vae.sd;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdit.io.CheckpointException;
import jdit.io.WeightStore;

/**
 * An AutoencoderKL's configuration as diffusers names it: channels per resolution level, resnets per level, group
 * norm groups, latent channels and the latent scaling factor (0.18215 for the SD 1.x/2.x VAEs that DiT uses).
 */
public record SdVaeConfig(List<Integer> blockOutChannels, int layersPerBlock, int normGroups, int latentChannels,
                          float scalingFactor) {
    /** The scaling factor of the VAEs of Stable Diffusion 1.x and 2.x, which DiT was trained with. */
    public static final float SD_SCALING_FACTOR = 0.18215f;
    private static final Pattern UP_BLOCK = Pattern.compile("^decoder\\.up_blocks\\.(\\d+)\\.");
    private static final Pattern UP_RESNET = Pattern.compile("^decoder\\.up_blocks\\.0\\.resnets\\.(\\d+)\\.");

    public SdVaeConfig {
        blockOutChannels = List.copyOf(blockOutChannels);
        if (blockOutChannels.isEmpty() || layersPerBlock < 1 || normGroups < 1 || latentChannels < 1 || !(scalingFactor > 0)) {
            throw new IllegalArgumentException("invalid SD VAE config: block_out_channels " + blockOutChannels
                    + ", layers_per_block " + layersPerBlock + ", norm_num_groups " + normGroups + ", latent_channels "
                    + latentChannels + ", scaling_factor " + scalingFactor);
        }
    }

    /** Image side / latent side: 2 per resolution level but the last. */
    public int downscale() {
        return 1 << (blockOutChannels.size() - 1);
    }

    /** From config.json (a diffusers folder), the safetensors metadata's {@code config}, or else the tensor shapes. */
    public static SdVaeConfig of(WeightStore store) {
        Optional<JsonObject> json = store.config();
        if (json.isEmpty() && store.metadata().containsKey("config")) {
            json = Optional.of(JsonParser.parseString(store.metadata().get("config")).getAsJsonObject());
        }
        return json.map(o -> fromJson(o, store)).orElseGet(() -> fromShapes(store));
    }

    static SdVaeConfig fromJson(JsonObject o, WeightStore store) {
        if (!o.has("block_out_channels") || !o.has("layers_per_block")) {
            throw new CheckpointException(store.source(), "VAE config has no block_out_channels or layers_per_block");
        }
        List<Integer> blocks = o.getAsJsonArray("block_out_channels").asList().stream().map(JsonElement::getAsInt).toList();
        return new SdVaeConfig(blocks, o.get("layers_per_block").getAsInt(), intOr(o, "norm_num_groups", 32),
                intOr(o, "latent_channels", 4), o.has("scaling_factor") ? o.get("scaling_factor").getAsFloat() : SD_SCALING_FACTOR);
    }

    /**
     * Read off the decoder: level b of the encoder has the channels of decoder up block (levels - 1 - b). Group count
     * 32 and scaling factor 0.18215 are the SD VAEs' and cannot be read from shapes.
     */
    static SdVaeConfig fromShapes(WeightStore store) {
        int levels = (int) store.entries().stream().map(e -> UP_BLOCK.matcher(e.name())).filter(Matcher::find)
                .map(m -> m.group(1)).distinct().count();
        int resnets = (int) store.entries().stream().map(e -> UP_RESNET.matcher(e.name())).filter(Matcher::find)
                .map(m -> m.group(1)).distinct().count();
        if (levels == 0 || resnets < 2 || store.entry("decoder.conv_in.weight").isEmpty()) {
            throw new CheckpointException(store.source(), "not a diffusers AutoencoderKL: no decoder.up_blocks.N.resnets "
                    + "or decoder.conv_in.weight (an original LDM-layout VAE must be converted to diffusers names first)");
        }
        Integer[] blocks = new Integer[levels];
        for (int b = 0; b < levels; b++) {
            String key = "decoder.up_blocks." + (levels - 1 - b) + ".resnets.0.conv2.weight";
            blocks[b] = (int) store.entry(key).orElseThrow(() -> new CheckpointException(store.source(),
                    "missing key '" + key + "'")).shape().dim(0);
        }
        int latent = (int) store.entry("decoder.conv_in.weight").orElseThrow().shape().dim(1);
        return new SdVaeConfig(List.of(blocks), resnets - 1, 32, latent, SD_SCALING_FACTOR);
    }

    private static int intOr(JsonObject o, String key, int fallback) {
        return o.has(key) ? o.get(key).getAsInt() : fallback;
    }
}
