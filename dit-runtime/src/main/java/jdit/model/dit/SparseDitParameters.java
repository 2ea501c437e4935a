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
            String b = prefix + ".";
            switch (SparseDitModules.kind(prefix)) {
                case POOLING -> {
                    DitParameters.linear(m, b + "attn.v", d, d);
                    DitParameters.common(m, b, d);
                }
                case MERGE -> {
                    DitParameters.linear(m, b + "attn.q", d, d);
                    DitParameters.linear(m, b + "attn.kv", 2 * d, d);
                    DitParameters.common(m, b, d);
                }
                case RECOVER -> {
                    DitParameters.linear(m, b + "attn.q", d, d);
                    DitParameters.linear(m, b + "attn.kv", 2 * d, d);
                    DitParameters.common(m, b, d);
                    DitParameters.linear(m, b + "merged_layer1", d, d);
                    DitParameters.linear(m, b + "merged_layer2", d, d);
                }
                case DENSE -> DitParameters.block(m, b, d);
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
