package jdit.model.dit;

import java.util.LinkedHashMap;
import java.util.Map;
import jdit.tensor.Shape;

/** The parameter names and shapes of a SparseDiT in its published layout, as {@code models.py} creates them. */
public final class SparseDitParameters {
    private SparseDitParameters() {
    }

    /** The stem and head (DiT's, without {@code blocks.*}), then every block in module order. */
    public static Map<String, Shape> layout(SparseDitConfig c) {
        Map<String, Shape> m = new LinkedHashMap<>();
        DitParameters.originalLayout(stem(c)).forEach(m::put);
        long d = c.base().hiddenSize();
        for (String prefix : SparseDitModules.names(c)) {
            SparseDitModules.Kind kind = SparseDitModules.kind(prefix);
            String b = prefix + ".";
            m.put(b + "adaLN_modulation.1.weight", Shape.of(6 * d, d));
            m.put(b + "adaLN_modulation.1.bias", Shape.of(6 * d));
            switch (kind) {
                case POOLING -> {
                    m.put(b + "attn.v.weight", Shape.of(d, d));
                    m.put(b + "attn.v.bias", Shape.of(d));
                }
                case MERGE, RECOVER -> {
                    m.put(b + "attn.q.weight", Shape.of(d, d));
                    m.put(b + "attn.q.bias", Shape.of(d));
                    m.put(b + "attn.kv.weight", Shape.of(2 * d, d));
                    m.put(b + "attn.kv.bias", Shape.of(2 * d));
                }
                case DENSE -> {
                    m.put(b + "attn.qkv.weight", Shape.of(3 * d, d));
                    m.put(b + "attn.qkv.bias", Shape.of(3 * d));
                }
            }
            m.put(b + "attn.proj.weight", Shape.of(d, d));
            m.put(b + "attn.proj.bias", Shape.of(d));
            m.put(b + "mlp.fc1.weight", Shape.of(4 * d, d));
            m.put(b + "mlp.fc1.bias", Shape.of(4 * d));
            m.put(b + "mlp.fc2.weight", Shape.of(d, 4 * d));
            m.put(b + "mlp.fc2.bias", Shape.of(d));
            if (kind == SparseDitModules.Kind.RECOVER) {
                m.put(b + "merged_layer1.weight", Shape.of(d, d));
                m.put(b + "merged_layer1.bias", Shape.of(d));
                m.put(b + "merged_layer2.weight", Shape.of(d, d));
                m.put(b + "merged_layer2.bias", Shape.of(d));
            }
        }
        return m;
    }

    /** The DiT whose stem and head a SparseDiT shares: depth 0, so its layout has no {@code blocks.*}. */
    static DitConfig stem(SparseDitConfig c) {
        DitConfig b = c.base();
        return new DitConfig(b.inputSize(), b.patchSize(), b.inChannels(), b.hiddenSize(), 0, b.numHeads(), b.numClasses(),
                b.learnSigma());
    }
}
