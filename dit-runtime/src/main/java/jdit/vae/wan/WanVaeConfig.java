package jdit.vae.wan;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import jdit.io.CheckpointException;
import jdit.io.WeightStore;

/**
 * The Wan2.1 VAE's constructor arguments as {@code WanVAE_} names them (diffusers calls {@code dim} {@code base_dim}),
 * plus the per-channel latent statistics that turn the encoder's mean into the diffusion model's normalised latent:
 * {@code z_norm = (mu - mean) / std}. Attention scales are always empty in the published VAE and are not supported.
 *
 * @param dim                 base channel count (96 for Wan2.1)
 * @param zDim                latent channels (16)
 * @param dimMult             channel multiplier per resolution level ([1, 2, 4, 4])
 * @param numResBlocks        residual blocks per encoder level; the decoder has one more per level
 * @param temperalDownsample  per encoder downsampling (levels - 1 entries): whether it also halves time; the
 *                            decoder upsamples time where the reversed list says so (the spelling is the original's)
 * @param latentsMean         zDim per-channel means
 * @param latentsStd          zDim per-channel standard deviations
 */
public record WanVaeConfig(int dim, int zDim, List<Integer> dimMult, int numResBlocks, List<Boolean> temperalDownsample,
                           List<Double> latentsMean, List<Double> latentsStd) {
    /** The published 16 channel means of Wan2.1's VAE ({@code WanVAE.mean}, diffusers {@code latents_mean}). */
    public static final List<Double> WAN21_MEAN = List.of(-0.7571, -0.7089, -0.9113, 0.1075, -0.1745, 0.9653, -0.1517,
            1.5508, 0.4134, -0.0715, 0.5517, -0.3632, -0.1922, -0.9497, 0.2503, -0.2921);
    /** The published 16 channel standard deviations ({@code WanVAE.std}, diffusers {@code latents_std}). */
    public static final List<Double> WAN21_STD = List.of(2.8184, 1.4541, 2.3275, 2.6558, 1.2196, 1.7708, 2.6052, 2.0743,
            3.2687, 2.1526, 2.8652, 1.5579, 1.6382, 1.1253, 2.8251, 1.9160);

    public WanVaeConfig {
        dimMult = List.copyOf(dimMult);
        temperalDownsample = List.copyOf(temperalDownsample);
        latentsMean = List.copyOf(latentsMean);
        latentsStd = List.copyOf(latentsStd);
        if (dim < 1 || zDim < 1 || dimMult.size() < 2 || numResBlocks < 1 || temperalDownsample.size() != dimMult.size() - 1
                || latentsMean.size() != zDim || latentsStd.size() != zDim || latentsStd.stream().anyMatch(s -> !(s > 0))
                || dimMult.stream().anyMatch(m -> m < 1)) {
            throw new IllegalArgumentException("invalid Wan VAE config: dim " + dim + ", z_dim " + zDim + ", dim_mult "
                    + dimMult + ", num_res_blocks " + numResBlocks + ", temperal_downsample " + temperalDownsample
                    + ", " + latentsMean.size() + " means and " + latentsStd.size() + " stds (need z_dim of each, std > 0)");
        }
    }

    /** Wan2.1's VAE ({@code Wan2.1_VAE.pth}): dim 96, z_dim 16, dim_mult [1, 2, 4, 4], 2 res blocks, time halved twice. */
    public static WanVaeConfig wan21() {
        return new WanVaeConfig(96, 16, List.of(1, 2, 4, 4), 2, List.of(false, true, true), WAN21_MEAN, WAN21_STD);
    }

    /** The same architecture with other latent statistics (a fine-tune, or a test fixture's). */
    public WanVaeConfig withLatents(List<Double> mean, List<Double> std) {
        return new WanVaeConfig(dim, zDim, dimMult, numResBlocks, temperalDownsample, mean, std);
    }

    /** Resolution levels (4). */
    public int levels() {
        return dimMult.size();
    }

    /** Whether decoder level {@code i}'s upsampler also doubles time: the reversed {@code temperalDownsample}. */
    public boolean temporalUpsample(int level) {
        return temperalDownsample.get(temperalDownsample.size() - 1 - level);
    }

    /** Video frames per latent frame after the first (4). */
    public int temporalFactor() {
        return 1 << (int) temperalDownsample.stream().filter(b -> b).count();
    }

    /** Pixels per latent cell along each side (8). */
    public int spatialFactor() {
        return 1 << temperalDownsample.size();
    }

    /**
     * From the diffusers {@code config.json}, else the original constructor arguments in the safetensors metadata
     * {@code config}, else the tensor shapes. Latent statistics missing from the source are the published ones for
     * z_dim 16 and the identity (mean 0, std 1) otherwise.
     */
    public static WanVaeConfig of(WeightStore store) {
        Optional<JsonObject> json = store.config();
        if (json.isEmpty() && store.metadata().containsKey("config")) {
            json = Optional.of(JsonParser.parseString(store.metadata().get("config")).getAsJsonObject());
        }
        return json.map(o -> fromJson(o, store.source())).orElseGet(() -> WanVaeShapes.config(store));
    }

    /** From diffusers' {@code AutoencoderKLWan} config or {@code WanVAE_}'s keyword arguments (both spellings). */
    public static WanVaeConfig fromJson(JsonObject o, Path source) {
        String dimKey = o.has("base_dim") ? "base_dim" : "dim";
        for (String key : new String[] {dimKey, "z_dim"}) {
            if (!o.has(key)) {
                throw new CheckpointException(source, "Wan VAE config has no '" + key + "'");
            }
        }
        if (o.has("attn_scales") && !o.getAsJsonArray("attn_scales").isEmpty()) {
            throw new CheckpointException(source, "Wan VAE attn_scales " + o.get("attn_scales") + " are not supported (only [])");
        }
        if (o.has("is_residual") && o.get("is_residual").getAsBoolean()
                || o.has("patch_size") && !o.get("patch_size").isJsonNull() && o.get("patch_size").getAsInt() > 1) {
            throw new CheckpointException(source, "a Wan2.2-style VAE (is_residual or patch_size > 1) is not supported");
        }
        int dim = o.get(dimKey).getAsInt();
        if (o.has("decoder_base_dim") && !o.get("decoder_base_dim").isJsonNull() && o.get("decoder_base_dim").getAsInt() != dim) {
            throw new CheckpointException(source, "decoder_base_dim " + o.get("decoder_base_dim") + " != base_dim " + dim
                    + " is not supported");
        }
        int z = o.get("z_dim").getAsInt();
        List<Integer> mult = o.has("dim_mult") ? ints(o.getAsJsonArray("dim_mult")) : List.of(1, 2, 4, 4);
        int res = o.has("num_res_blocks") ? o.get("num_res_blocks").getAsInt() : 2;
        List<Boolean> down = o.has("temperal_downsample")
                ? o.getAsJsonArray("temperal_downsample").asList().stream().map(JsonElement::getAsBoolean).toList()
                : List.of(false, true, true);
        List<Double> mean = o.has("latents_mean") ? doubles(o.getAsJsonArray("latents_mean")) : defaultMean(z);
        List<Double> std = o.has("latents_std") ? doubles(o.getAsJsonArray("latents_std")) : defaultStd(z);
        return new WanVaeConfig(dim, z, mult, res, down, mean, std);
    }

    /** The published means for z_dim 16, zeros otherwise. */
    static List<Double> defaultMean(int zDim) {
        return zDim == 16 ? WAN21_MEAN : Collections.nCopies(zDim, 0.0);
    }

    /** The published standard deviations for z_dim 16, ones otherwise. */
    static List<Double> defaultStd(int zDim) {
        return zDim == 16 ? WAN21_STD : Collections.nCopies(zDim, 1.0);
    }

    private static List<Integer> ints(JsonArray a) {
        return a.asList().stream().map(JsonElement::getAsInt).toList();
    }

    private static List<Double> doubles(JsonArray a) {
        List<Double> out = new ArrayList<>();
        a.forEach(e -> out.add(e.getAsDouble()));
        return out;
    }
}
