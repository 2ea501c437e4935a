package jdit.model.wan;

import jdit.io.CheckpointException;
import jdit.io.WeightStore;

/**
 * The published Wan2.1 key layouts. Canonical names are the original ones; the diffusers layout
 * ({@code scripts/convert_wan_to_diffusers.py}) renames by substring and swaps two norms: the original
 * {@code norm3} (the affine norm before cross-attention) is diffusers' {@code norm2}.
 */
public enum WanKeys {
    ORIGINAL,
    DIFFUSERS;

    public static WanKeys detect(WeightStore store) {
        if (store.entry("time_projection.1.weight").isPresent()) {
            return ORIGINAL;
        }
        if (store.entry("condition_embedder.time_proj.weight").isPresent()) {
            return DIFFUSERS;
        }
        throw new CheckpointException(store.source(), "not a Wan2.1 transformer: neither 'time_projection.1.weight' "
                + "(original) nor 'condition_embedder.time_proj.weight' (diffusers) is present");
    }

    /** The stored name of the canonical (original) parameter {@code name}. */
    public String stored(String name) {
        if (this == ORIGINAL) {
            return name;
        }
        if (name.startsWith("blocks.")) {
            int dot = name.indexOf('.', 7);
            String block = name.substring(0, dot + 1);
            String rest = name.substring(dot + 1);
            return block + blockPart(rest);
        }
        return switch (name) {
            case "time_embedding.0.weight", "time_embedding.0.bias" -> "condition_embedder.time_embedder.linear_1" + suffix(name);
            case "time_embedding.2.weight", "time_embedding.2.bias" -> "condition_embedder.time_embedder.linear_2" + suffix(name);
            case "text_embedding.0.weight", "text_embedding.0.bias" -> "condition_embedder.text_embedder.linear_1" + suffix(name);
            case "text_embedding.2.weight", "text_embedding.2.bias" -> "condition_embedder.text_embedder.linear_2" + suffix(name);
            case "time_projection.1.weight", "time_projection.1.bias" -> "condition_embedder.time_proj" + suffix(name);
            case "head.modulation" -> "scale_shift_table";
            case "head.head.weight", "head.head.bias" -> "proj_out" + suffix(name);
            default -> name; // patch_embedding
        };
    }

    private static String suffix(String name) {
        return name.substring(name.lastIndexOf('.'));
    }

    private static String blockPart(String rest) {
        if (rest.equals("modulation")) {
            return "scale_shift_table";
        }
        if (rest.startsWith("norm3.")) {
            return "norm2." + rest.substring(6);
        }
        if (rest.startsWith("ffn.0.")) {
            return "ffn.net.0.proj." + rest.substring(6);
        }
        if (rest.startsWith("ffn.2.")) {
            return "ffn.net.2." + rest.substring(6);
        }
        String attn = rest.startsWith("self_attn.") ? "attn1." : rest.startsWith("cross_attn.") ? "attn2." : null;
        if (attn == null) {
            throw new IllegalArgumentException("no diffusers name for block parameter '" + rest + "'");
        }
        String p = rest.substring(rest.indexOf('.') + 1); // q.weight, norm_q.weight, ...
        String layer = p.substring(0, p.indexOf('.'));
        String mapped = switch (layer) {
            case "q" -> "to_q";
            case "k" -> "to_k";
            case "v" -> "to_v";
            case "o" -> "to_out.0";
            default -> layer; // norm_q, norm_k
        };
        return attn + mapped + p.substring(p.indexOf('.'));
    }
}
