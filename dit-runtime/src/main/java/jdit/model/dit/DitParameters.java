package jdit.model.dit;

import java.util.LinkedHashMap;
import java.util.Map;
import jdit.tensor.Shape;

/** The parameter names and shapes of a DiT in the original (facebookresearch) layout, as models.py creates them. */
public final class DitParameters {
    private DitParameters() {
    }

    public static Map<String, Shape> originalLayout(DitConfig c) {
        long d = c.hiddenSize();
        long p = c.patchSize();
        Map<String, Shape> m = new LinkedHashMap<>();
        m.put("pos_embed", Shape.of(1, c.tokens(), d));
        m.put("x_embedder.proj.weight", Shape.of(d, c.inChannels(), p, p));
        m.put("x_embedder.proj.bias", Shape.of(d));
        m.put("t_embedder.mlp.0.weight", Shape.of(d, 256));
        m.put("t_embedder.mlp.0.bias", Shape.of(d));
        m.put("t_embedder.mlp.2.weight", Shape.of(d, d));
        m.put("t_embedder.mlp.2.bias", Shape.of(d));
        if (c.numClasses() > 0) { // 0 classes: no label embedder (Latte's unconditional models)
            m.put("y_embedder.embedding_table.weight", Shape.of(c.numClasses() + 1L, d));
        }
        for (int i = 0; i < c.depth(); i++) {
            String b = "blocks." + i + ".";
            m.put(b + "attn.qkv.weight", Shape.of(3 * d, d));
            m.put(b + "attn.qkv.bias", Shape.of(3 * d));
            m.put(b + "attn.proj.weight", Shape.of(d, d));
            m.put(b + "attn.proj.bias", Shape.of(d));
            m.put(b + "mlp.fc1.weight", Shape.of(4 * d, d));
            m.put(b + "mlp.fc1.bias", Shape.of(4 * d));
            m.put(b + "mlp.fc2.weight", Shape.of(d, 4 * d));
            m.put(b + "mlp.fc2.bias", Shape.of(d));
            m.put(b + "adaLN_modulation.1.weight", Shape.of(6 * d, d));
            m.put(b + "adaLN_modulation.1.bias", Shape.of(6 * d));
        }
        m.put("final_layer.linear.weight", Shape.of(p * p * c.outChannels(), d));
        m.put("final_layer.linear.bias", Shape.of(p * p * c.outChannels()));
        m.put("final_layer.adaLN_modulation.1.weight", Shape.of(2 * d, d));
        m.put("final_layer.adaLN_modulation.1.bias", Shape.of(2 * d));
        return m;
    }
}
