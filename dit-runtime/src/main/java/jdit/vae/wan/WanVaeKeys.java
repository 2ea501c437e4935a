package jdit.vae.wan;

import jdit.io.CheckpointException;
import jdit.io.WeightStore;

/**
 * The two published key layouts of the Wan VAE. Canonical names are the original ones ({@code Wan2.1_VAE.pth}); the
 * diffusers layout ({@code AutoencoderKLWan}, the renames of {@code convert_vae} in diffusers'
 * convert_wan_to_diffusers.py) renames convs and norms and groups the decoder's flat {@code upsamples} list into
 * {@code up_blocks} of (numResBlocks + 1) resnets and an upsampler, which is why the mapping needs numResBlocks.
 *
 * @param diffusers    true for the diffusers layout
 * @param numResBlocks the config's num_res_blocks (the decoder has one more per level)
 */
public record WanVaeKeys(boolean diffusers, int numResBlocks) {
    /** The layout of {@code store}, told by the decoder's first conv. */
    public static boolean isDiffusersLayout(WeightStore store) {
        if (store.entry("decoder.conv1.weight").isPresent()) {
            return false;
        }
        if (store.entry("decoder.conv_in.weight").isPresent()) {
            return true;
        }
        throw new CheckpointException(store.source(), "not a Wan VAE: neither 'decoder.conv1.weight' (original layout) nor "
                + "'decoder.conv_in.weight' (diffusers layout) is present");
    }

    /** The stored name of the canonical (original-layout) parameter {@code canonical}. */
    public String stored(String canonical) {
        if (!diffusers) {
            return canonical;
        }
        return switch (canonical.substring(0, canonical.indexOf('.'))) {
            case "conv1" -> "quant_conv" + canonical.substring(5);
            case "conv2" -> "post_quant_conv" + canonical.substring(5);
            case "encoder", "decoder" -> coder(canonical);
            default -> throw new IllegalArgumentException("no diffusers name for '" + canonical + "'");
        };
    }

    /** {@code encoder.*} and {@code decoder.*}: the part after the coder's name. */
    private String coder(String canonical) {
        int dot = canonical.indexOf('.');
        String coder = canonical.substring(0, dot + 1);
        String[] parts = canonical.substring(dot + 1).split("\\.", 3); // e.g. [upsamples, 4, residual.2.weight]
        String rest = parts.length > 2 ? parts[2] : "";
        return coder + switch (parts[0]) {
            case "conv1" -> "conv_in." + parts[1];
            case "head" -> (parts[1].equals("0") ? "norm_out." : "conv_out.") + rest;
            case "middle" -> switch (parts[1]) {
                case "0" -> "mid_block.resnets.0." + block(rest);
                case "1" -> "mid_block.attentions.0." + rest;
                case "2" -> "mid_block.resnets.1." + block(rest);
                default -> throw new IllegalArgumentException("no diffusers name for '" + canonical + "'");
            };
            case "downsamples" -> "down_blocks." + parts[1] + "." + block(rest);
            case "upsamples" -> upBlock(Integer.parseInt(parts[1])) + block(rest);
            default -> throw new IllegalArgumentException("no diffusers name for '" + canonical + "'");
        };
    }

    /** Decoder {@code upsamples.n}: every level holds numResBlocks + 1 resnets then (but for the last) an upsampler. */
    private String upBlock(int n) {
        int per = numResBlocks + 2;
        int j = n % per;
        return "up_blocks." + n / per + (j <= numResBlocks ? ".resnets." + j + "." : ".upsamplers.0.");
    }

    /** Inside a residual block; a resampler's {@code resample.1} and {@code time_conv} keep their names. */
    private static String block(String rest) {
        if (rest.startsWith("shortcut.")) {
            return "conv_shortcut." + rest.substring(9);
        }
        if (!rest.startsWith("residual.")) {
            return rest;
        }
        String[] p = rest.split("\\.", 3); // [residual, index, param]
        String name = switch (p[1]) {
            case "0" -> "norm1";
            case "2" -> "conv1";
            case "3" -> "norm2";
            case "6" -> "conv2";
            default -> throw new IllegalArgumentException("no diffusers name for residual layer '" + rest + "'");
        };
        return name + "." + p[2];
    }
}
