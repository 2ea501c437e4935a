package jdit.model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdit.io.TensorEntry;
import jdit.tensor.Shape;

/**
 * Recognises a published checkpoint layout from tensor names and shapes alone (no data is read), by the keys
 * that only that layout has; see {@code docs/layouts.md} for the table of signature keys.
 */
public final class LayoutRecognizer {
    private static final Pattern INDEX = Pattern.compile("^([\\w.]*?)\\.(\\d+)\\.");

    private final Map<String, Shape> shapes = new HashMap<>();

    private LayoutRecognizer(List<TensorEntry> entries) {
        for (TensorEntry e : entries) {
            shapes.put(e.name(), e.shape());
        }
    }

    /** The layout of a checkpoint with these tensors, if it is one jdit knows. */
    public static Optional<LayoutMatch> recognise(List<TensorEntry> entries) {
        return new LayoutRecognizer(entries).match();
    }

    private boolean has(String name) {
        return shapes.containsKey(name);
    }

    private long dim(String name, int i) {
        return shapes.get(name).dim(i);
    }

    /** Number of distinct indices {@code i} among keys starting {@code prefix + i + "."}. */
    private long count(String prefix) {
        return shapes.keySet().stream().map(INDEX::matcher).filter(Matcher::find)
                .filter(m -> m.group(1).equals(prefix)).map(m -> m.group(2)).distinct().count();
    }

    private Optional<LayoutMatch> match() {
        if (has("x_embedder.proj.weight") && has("blocks.0.adaLN_modulation.1.weight")) {
            String dims = count("blocks") + " blocks, hidden " + dim("x_embedder.proj.weight", 0) + ", patch "
                    + dim("x_embedder.proj.weight", 2) + ", " + dim("x_embedder.proj.weight", 1) + " input channels";
            if (has("temp_embed")) {
                return found(KnownLayout.LATTE_ORIGINAL, dims + ", " + dim("temp_embed", 1) + " frames"
                        + (has("y_embedder.embedding_table.weight") ? ", class-conditional" : ", unconditional"));
            }
            if (has("y_embedder.embedding_table.weight")) {
                return found(KnownLayout.DIT_ORIGINAL, dims + ", "
                        + (dim("y_embedder.embedding_table.weight", 0) - 1) + " classes");
            }
        }
        if (has("x_embedder.proj.weight") && has("dumbbell_blocks.0.token_merge_blocks.0.attn.q.weight")) {
            return found(KnownLayout.SPARSEDIT_ORIGINAL, count("poolingformer_blocks") + " Poolingformer blocks, "
                    + count("dumbbell_blocks") + " sparse-dense modules, " + count("normal_blocks") + " dense blocks, hidden "
                    + dim("x_embedder.proj.weight", 0) + ", patch " + dim("x_embedder.proj.weight", 2));
        }
        if (has("pos_embed.proj.weight") && has("transformer_blocks.0.norm1.linear.weight")) {
            return found(KnownLayout.DIT_DIFFUSERS, count("transformer_blocks") + " blocks, hidden "
                    + dim("pos_embed.proj.weight", 0) + ", patch " + dim("pos_embed.proj.weight", 2) + ", "
                    + dim("pos_embed.proj.weight", 1) + " input channels");
        }
        if (has("patch_embedding.weight") && shapes.get("patch_embedding.weight").rank() == 5) {
            Shape p = shapes.get("patch_embedding.weight");
            String dims = count("blocks") + " blocks, dim " + p.dim(0) + ", patch " + p.dim(2) + "x" + p.dim(3) + "x" + p.dim(4)
                    + ", " + p.dim(1) + " latent channels";
            if (has("blocks.0.self_attn.q.weight")) {
                return found(KnownLayout.WAN_ORIGINAL, dims + ", ffn " + dim("blocks.0.ffn.0.weight", 0)
                        + ", text dim " + dim("text_embedding.0.weight", 1));
            }
            if (has("blocks.0.attn1.to_q.weight")) {
                return found(KnownLayout.WAN_DIFFUSERS, dims + ", ffn " + dim("blocks.0.ffn.net.0.proj.weight", 0)
                        + ", text dim " + dim("condition_embedder.text_embedder.linear_1.weight", 1));
            }
        }
        if (has("decoder.conv_in.weight") && shapes.get("decoder.conv_in.weight").rank() == 4) {
            String dims = dim("decoder.conv_in.weight", 1) + " latent channels, " + count("decoder.up_blocks")
                    + " up blocks, widest " + dim("decoder.conv_in.weight", 0) + " channels";
            if (has("decoder.mid_block.attentions.0.to_q.weight")) {
                return found(KnownLayout.SD_VAE, dims);
            }
            if (has("decoder.mid_block.attentions.0.query.weight")) {
                return found(KnownLayout.SD_VAE_LEGACY_ATTENTION, dims);
            }
        }
        if (has("decoder.middle.1.to_qkv.weight") && has("conv2.weight")) {
            return found(KnownLayout.WAN_VAE_ORIGINAL, dim("conv2.weight", 0) + " latent channels, base dim "
                    + dim("encoder.conv1.weight", 0));
        }
        if (has("decoder.mid_block.attentions.0.to_qkv.weight") && has("post_quant_conv.weight")
                && shapes.get("post_quant_conv.weight").rank() == 5) {
            return found(KnownLayout.WAN_VAE_DIFFUSERS, dim("post_quant_conv.weight", 0) + " latent channels, base dim "
                    + dim("encoder.conv_in.weight", 0));
        }
        return Optional.empty();
    }

    private static Optional<LayoutMatch> found(KnownLayout layout, String details) {
        return Optional.of(new LayoutMatch(layout, details));
    }
}
