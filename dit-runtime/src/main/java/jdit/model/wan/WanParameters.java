package jdit.model.wan;

import java.util.LinkedHashMap;
import java.util.Map;
import jdit.tensor.Shape;

/** Every parameter of a Wan2.1 T2V transformer in the original layout, with its shape, as {@code WanModel} creates them. */
public final class WanParameters {
    private WanParameters() {
    }

    public static Map<String, Shape> originalLayout(WanConfig c) {
        long d = c.dim();
        Map<String, Shape> m = new LinkedHashMap<>();
        m.put("patch_embedding.weight", Shape.of(d, c.inDim(), c.patchT(), c.patchH(), c.patchW()));
        m.put("patch_embedding.bias", Shape.of(d));
        linear(m, "text_embedding.0", d, c.textDim());
        linear(m, "text_embedding.2", d, d);
        linear(m, "time_embedding.0", d, c.freqDim());
        linear(m, "time_embedding.2", d, d);
        linear(m, "time_projection.1", 6 * d, d);
        for (int i = 0; i < c.numLayers(); i++) {
            String b = "blocks." + i + ".";
            for (String attn : new String[] {"self_attn.", "cross_attn."}) {
                for (String p : new String[] {"q", "k", "v", "o"}) {
                    linear(m, b + attn + p, d, d);
                }
                m.put(b + attn + "norm_q.weight", Shape.of(d));
                m.put(b + attn + "norm_k.weight", Shape.of(d));
            }
            m.put(b + "norm3.weight", Shape.of(d));
            m.put(b + "norm3.bias", Shape.of(d));
            linear(m, b + "ffn.0", c.ffnDim(), d);
            linear(m, b + "ffn.2", d, c.ffnDim());
            m.put(b + "modulation", Shape.of(1, 6, d));
        }
        linear(m, "head.head", c.headOut(), d);
        m.put("head.modulation", Shape.of(1, 2, d));
        return m;
    }

    private static void linear(Map<String, Shape> m, String prefix, long out, long in) {
        m.put(prefix + ".weight", Shape.of(out, in));
        m.put(prefix + ".bias", Shape.of(out));
    }
}
