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
            block(m, "blocks." + i + ".", d);
        }
        m.put("final_layer.linear.weight", Shape.of(p * p * c.outChannels(), d));
        m.put("final_layer.linear.bias", Shape.of(p * p * c.outChannels()));
        m.put("final_layer.adaLN_modulation.1.weight", Shape.of(2 * d, d));
        m.put("final_layer.adaLN_modulation.1.bias", Shape.of(2 * d));
        return m;
    }

    /** One DiT block's parameters under {@code b} (ending in a dot): qkv, proj, the MLP and the adaLN projection. */
    static void block(Map<String, Shape> m, String b, long d) {
        linear(m, b + "attn.qkv", 3 * d, d);
        common(m, b, d);
    }

    /** What every adaLN-Zero block has besides its attention inputs: proj, the MLP and the adaLN projection. */
    static void common(Map<String, Shape> m, String b, long d) {
        linear(m, b + "attn.proj", d, d);
        linear(m, b + "mlp.fc1", 4 * d, d);
        linear(m, b + "mlp.fc2", d, 4 * d);
        linear(m, b + "adaLN_modulation.1", 6 * d, d);
    }

    /** A Linear layer's weight [out, in] and bias [out]. */
    static void linear(Map<String, Shape> m, String name, long out, long in) {
        m.put(name + ".weight", Shape.of(out, in));
        m.put(name + ".bias", Shape.of(out));
    }
}
