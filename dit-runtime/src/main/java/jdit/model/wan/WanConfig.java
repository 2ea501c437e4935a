package jdit.model.wan;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * A Wan2.1 text-to-video transformer's constructor arguments, named as in Wan-Video/Wan2.1 {@code WanModel}
 * (camelCased): patch (frames, height, width), text length, latent channels in and out, hidden size, feed-forward
 * size, timestep frequency size, text embedding size, heads, layers, and the norms' epsilon. qk_norm and
 * cross_attn_norm are on in every published T2V model and are required.
 */
public record WanConfig(int patchT, int patchH, int patchW, int textLen, int inDim, int dim, int ffnDim, int freqDim,
                        int textDim, int outDim, int numHeads, int numLayers, double eps) {
    public WanConfig {
        if (dim % numHeads != 0 || (dim / numHeads) % 2 != 0 || freqDim % 2 != 0 || patchT < 1 || patchH < 1 || patchW < 1) {
            throw new IllegalArgumentException("invalid Wan2.1 config " + this);
        }
    }

    public int headDim() {
        return dim / numHeads;
    }

    /** Output channels of the head: one value per latent channel per cell of a patch. */
    public int headOut() {
        return patchT * patchH * patchW * outDim;
    }

    /** Wan2.1-T2V-1.3B ({@code wan/configs/wan_t2v_1_3B.py}). */
    public static WanConfig t2v13b() {
        return new WanConfig(1, 2, 2, 512, 16, 1536, 8960, 256, 4096, 16, 12, 30, 1e-6);
    }

    /** Wan2.1-T2V-14B. */
    public static WanConfig t2v14b() {
        return new WanConfig(1, 2, 2, 512, 16, 5120, 13824, 256, 4096, 16, 40, 40, 1e-6);
    }

    /**
     * The original constructor arguments as JSON: what the golden fixtures store in {@code __metadata__.config}, and
     * the {@code config.json} of the published original repositories ({@code "_class_name": "WanModel"}), which
     * leaves out arguments at their defaults (patch (1, 2, 2), text 512 x 4096, 256 frequencies, 16 channels).
     */
    public static WanConfig fromJson(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        requireTrue(o, "qk_norm");
        requireTrue(o, "cross_attn_norm");
        if (o.has("model_type") && !o.get("model_type").getAsString().equals("t2v")) {
            throw new IllegalArgumentException("only Wan2.1 text-to-video models are supported, got model_type "
                    + o.get("model_type").getAsString());
        }
        JsonArray p = o.has("patch_size") ? o.getAsJsonArray("patch_size") : JsonParser.parseString("[1, 2, 2]").getAsJsonArray();
        int in = intOr(o, "in_dim", 16);
        return new WanConfig(p.get(0).getAsInt(), p.get(1).getAsInt(), p.get(2).getAsInt(), intOr(o, "text_len", 512), in,
                o.get("dim").getAsInt(), o.get("ffn_dim").getAsInt(), intOr(o, "freq_dim", 256), intOr(o, "text_dim", 4096),
                intOr(o, "out_dim", in), o.get("num_heads").getAsInt(), o.get("num_layers").getAsInt(),
                o.has("eps") ? o.get("eps").getAsDouble() : 1e-6);
    }

    private static int intOr(JsonObject o, String key, int fallback) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsInt() : fallback;
    }

    /** diffusers {@code WanTransformer3DModel} config.json. */
    public static WanConfig fromDiffusers(JsonObject o) {
        if (o.has("qk_norm") && !o.get("qk_norm").isJsonNull()
                && !o.get("qk_norm").getAsString().equals("rms_norm_across_heads")) {
            throw new IllegalArgumentException("unsupported qk_norm " + o.get("qk_norm") + " (Wan2.1 uses rms_norm_across_heads)");
        }
        if (o.has("image_dim") && !o.get("image_dim").isJsonNull()) {
            throw new IllegalArgumentException("an image-to-video Wan model (image_dim set); only text-to-video is supported");
        }
        JsonArray p = o.getAsJsonArray("patch_size");
        int heads = o.get("num_attention_heads").getAsInt();
        int in = o.get("in_channels").getAsInt();
        return new WanConfig(p.get(0).getAsInt(), p.get(1).getAsInt(), p.get(2).getAsInt(), 512, in,
                heads * o.get("attention_head_dim").getAsInt(), o.get("ffn_dim").getAsInt(), o.get("freq_dim").getAsInt(),
                o.get("text_dim").getAsInt(), o.has("out_channels") ? o.get("out_channels").getAsInt() : in, heads,
                o.get("num_layers").getAsInt(), o.has("eps") ? o.get("eps").getAsDouble() : 1e-6);
    }

    /**
     * The config of the transformer in {@code store}: its diffusers config.json, the constructor arguments in the
     * safetensors metadata, or (the published original {@code diffusion_pytorch_model.safetensors} carries neither)
     * the tensor shapes with the published head size of 128 and text length of 512.
     */
    public static WanConfig of(jdit.io.WeightStore store) {
        if (store.config().isPresent()) {
            JsonObject o = store.config().get();
            // the original repositories ship a config.json of WanModel's own arguments ("dim", "num_heads", ...)
            return o.has("dim") ? fromJson(o.toString()) : fromDiffusers(o);
        }
        String meta = store.metadata().get("config");
        if (meta != null && meta.contains("\"dim\"")) {
            return fromJson(meta);
        }
        if (WanKeys.detect(store) == WanKeys.DIFFUSERS) {
            throw new jdit.io.CheckpointException(store.source(), "a diffusers-layout Wan2.1 transformer without its "
                    + "config.json: give the transformer folder, not the weights file alone");
        }
        jdit.tensor.Shape patch = shape(store, "patch_embedding.weight"); // [dim, in, pt, ph, pw]
        int dim = (int) patch.dim(0);
        if (dim % 128 != 0) {
            throw new jdit.io.CheckpointException(store.source(), "hidden size " + dim + " is not a multiple of the "
                    + "published head size 128: store the config in the safetensors metadata");
        }
        int layers = (int) store.entries().stream().map(e -> e.name()).filter(n -> n.matches("blocks\\.\\d+\\.modulation")).count();
        return new WanConfig((int) patch.dim(2), (int) patch.dim(3), (int) patch.dim(4), 512, (int) patch.dim(1), dim,
                (int) shape(store, "blocks.0.ffn.0.weight").dim(0), (int) shape(store, "time_embedding.0.weight").dim(1),
                (int) shape(store, "text_embedding.0.weight").dim(1),
                (int) (shape(store, "head.head.weight").dim(0) / (patch.dim(2) * patch.dim(3) * patch.dim(4))), dim / 128,
                layers, 1e-6);
    }

    private static jdit.tensor.Shape shape(jdit.io.WeightStore store, String key) {
        return store.entry(key).orElseThrow(() -> new jdit.io.CheckpointException(store.source(), "missing key '" + key + "'"))
                .shape();
    }

    private static void requireTrue(JsonObject o, String key) {
        if (o.has(key) && !o.get(key).getAsBoolean()) {
            throw new IllegalArgumentException("Wan2.1 with " + key + "=false is not supported");
        }
    }
}
