package jdit.vae.wan;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdit.io.CheckpointException;
import jdit.io.TensorEntry;
import jdit.io.WeightStore;

/**
 * Reads a Wan VAE's config off its decoder's tensor shapes, for files that carry no config (a bare
 * {@code Wan2.1_VAE.pth} or a diffusers safetensors file without its config.json). Assumes dimMult[0] = 1, as in
 * every published Wan VAE, since only ratios of channel counts are visible; latent statistics are the defaults.
 */
final class WanVaeShapes {
    private static final Pattern ORIGINAL_RESAMPLE = Pattern.compile("^decoder\\.upsamples\\.(\\d+)\\.resample\\.1\\.weight$");
    private static final Pattern DIFFUSERS_LEVEL = Pattern.compile("^decoder\\.up_blocks\\.(\\d+)\\.");
    private static final Pattern DIFFUSERS_RESNET = Pattern.compile("^decoder\\.up_blocks\\.0\\.resnets\\.(\\d+)\\.");

    private WanVaeShapes() {
    }

    static WanVaeConfig config(WeightStore store) {
        boolean diffusers = WanVaeKeys.isDiffusersLayout(store);
        int levels;
        int resBlocks;
        if (diffusers) {
            levels = distinct(store, DIFFUSERS_LEVEL).size();
            resBlocks = distinct(store, DIFFUSERS_RESNET).size() - 1;
        } else {
            List<Integer> resamples = distinct(store, ORIGINAL_RESAMPLE);
            levels = resamples.size() + 1;
            resBlocks = resamples.isEmpty() ? 0 : resamples.stream().min(Integer::compare).orElseThrow() - 1;
        }
        if (levels < 2 || resBlocks < 1) {
            throw new CheckpointException(store.source(), "cannot read the Wan VAE's levels and residual blocks off the "
                    + "decoder keys (found " + levels + " levels, " + resBlocks + " residual blocks per encoder level)");
        }
        WanVaeKeys keys = new WanVaeKeys(diffusers, resBlocks);
        int zDim = (int) dim(store, keys, "decoder.conv1.weight", 1);
        int dim = (int) dim(store, keys, "decoder.head.0.gamma", 0);
        Integer[] mult = new Integer[levels];
        List<Boolean> up = new ArrayList<>();
        for (int i = 0; i < levels; i++) {
            int start = i * (resBlocks + 2);
            long out = dim(store, keys, "decoder.upsamples." + start + ".residual.2.weight", 0);
            if (out % dim != 0) {
                throw new CheckpointException(store.source(), "decoder level " + i + " has " + out
                        + " channels, not a multiple of the base width " + dim);
            }
            mult[levels - 1 - i] = (int) (out / dim);
            if (i < levels - 1) {
                up.add(store.entry(keys.stored("decoder.upsamples." + (start + resBlocks + 1) + ".time_conv.weight")).isPresent());
            }
        }
        List<Boolean> down = new ArrayList<>(up.reversed());
        return new WanVaeConfig(dim, zDim, List.of(mult), resBlocks, down, WanVaeConfig.defaultMean(zDim),
                WanVaeConfig.defaultStd(zDim));
    }

    private static long dim(WeightStore store, WanVaeKeys keys, String canonical, int axis) {
        String key = keys.stored(canonical);
        TensorEntry e = store.entry(key).orElseThrow(() -> new CheckpointException(store.source(), "missing key '" + key + "'"));
        return e.shape().dim(axis);
    }

    private static List<Integer> distinct(WeightStore store, Pattern p) {
        return store.entries().stream().map(e -> p.matcher(e.name())).filter(Matcher::find)
                .map(m -> Integer.parseInt(m.group(1))).distinct().toList();
    }
}
