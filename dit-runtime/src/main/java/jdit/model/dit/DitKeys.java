package jdit.model.dit;

import java.util.List;
import jdit.io.CheckpointException;
import jdit.io.WeightStore;

/**
 * The published DiT key layouts. Canonical names are the original (facebookresearch) ones; the diffusers layout
 * (scripts/convert_dit_to_diffusers.py) renames them, splits qkv into to_q/to_k/to_v, copies the timestep and label
 * embedders into every block (block 0's copy is read) and drops the fixed position table.
 */
public enum DitKeys {
    ORIGINAL,
    DIFFUSERS;

    /** Which layout {@code store} uses. */
    public static DitKeys detect(WeightStore store) {
        if (store.entry("x_embedder.proj.weight").isPresent()) {
            return ORIGINAL;
        }
        if (store.entry("pos_embed.proj.weight").isPresent()) {
            return DIFFUSERS;
        }
        throw new CheckpointException(store.source(), "not a DiT checkpoint: neither 'x_embedder.proj.weight' (original)"
                + " nor 'pos_embed.proj.weight' (diffusers) is present");
    }

    /** The stored key(s) of a canonical parameter; several keys are stacked along the first dimension. */
    public List<String> stored(String canonical) {
        if (this == ORIGINAL) {
            return List.of(canonical);
        }
        String emb = "transformer_blocks.0.norm1.emb.";
        return switch (canonical) {
            case "x_embedder.proj.weight", "x_embedder.proj.bias" -> List.of(canonical.replace("x_embedder", "pos_embed"));
            case "t_embedder.mlp.0.weight", "t_embedder.mlp.0.bias", "t_embedder.mlp.2.weight", "t_embedder.mlp.2.bias" ->
                    List.of(emb + "timestep_embedder.linear_" + (canonical.contains(".0.") ? "1" : "2")
                            + canonical.substring(canonical.lastIndexOf('.')));
            case "y_embedder.embedding_table.weight" -> List.of(emb + "class_embedder.embedding_table.weight");
            case "final_layer.adaLN_modulation.1.weight", "final_layer.adaLN_modulation.1.bias" ->
                    List.of("proj_out_1" + canonical.substring(canonical.lastIndexOf('.')));
            case "final_layer.linear.weight", "final_layer.linear.bias" ->
                    List.of("proj_out_2" + canonical.substring(canonical.lastIndexOf('.')));
            default -> blockKeys(canonical);
        };
    }

    private static List<String> blockKeys(String canonical) {
        if (!canonical.startsWith("blocks.")) {
            throw new IllegalArgumentException("no diffusers name for '" + canonical + "'");
        }
        int dot = canonical.indexOf('.', 7);
        String b = "transformer_blocks." + canonical.substring(7, dot) + ".";
        String rest = canonical.substring(dot + 1);
        String suffix = rest.substring(rest.lastIndexOf('.'));
        return switch (rest.substring(0, rest.lastIndexOf('.'))) {
            case "adaLN_modulation.1" -> List.of(b + "norm1.linear" + suffix);
            case "attn.qkv" -> List.of(b + "attn1.to_q" + suffix, b + "attn1.to_k" + suffix, b + "attn1.to_v" + suffix);
            case "attn.proj" -> List.of(b + "attn1.to_out.0" + suffix);
            case "mlp.fc1" -> List.of(b + "ff.net.0.proj" + suffix);
            case "mlp.fc2" -> List.of(b + "ff.net.2" + suffix);
            default -> throw new IllegalArgumentException("no diffusers name for '" + canonical + "'");
        };
    }
}
