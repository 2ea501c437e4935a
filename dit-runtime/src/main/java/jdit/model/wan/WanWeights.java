package jdit.model.wan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdit.io.CheckpointException;
import jdit.io.TensorEntry;
import jdit.io.WeightStore;
import jdit.tensor.DType;
import jdit.tensor.Shape;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * Wan2.1's parameters under their original names, each checked against the shape the config implies (a wrong
 * checkpoint fails naming the key and both shapes) and converted once: the large block matrices to the requested
 * dtype (F32, BF16 or F16), everything else to F32.
 */
record WanWeights(Tensor patchWeight, Tensor patchBias, Linear text0, Linear text2, Linear time0, Linear time2,
                  Linear timeProjection, List<Block> blocks, Linear head, Tensor headModulation) {
    /** A Linear layer: weight [out, in], bias [out]. */
    record Linear(Tensor weight, Tensor bias) {
    }

    /** Query, key, value and output projections with the RMS norms of q and k across heads. */
    record Attention(Linear q, Linear k, Linear v, Linear o, Tensor normQ, Tensor normK) {
    }

    record Block(Attention self, Attention cross, Tensor norm3Weight, Tensor norm3Bias, Linear ffn0, Linear ffn2,
                 Tensor modulation) {
    }

    static WanWeights load(WeightStore store, WanConfig c, WanKeys keys, DType matrixDType, Workspace ws,
                           jdit.backend.Memory memory) {
        if (matrixDType != DType.F32 && matrixDType != DType.BF16 && matrixDType != DType.F16) {
            throw new IllegalArgumentException("weights can be kept in F32, BF16 or F16, not " + matrixDType);
        }
        Map<String, Tensor> t = new HashMap<>();
        for (Map.Entry<String, Shape> e : WanParameters.originalLayout(c).entrySet()) {
            String name = e.getKey();
            String stored = keys.stored(name);
            TensorEntry entry = store.entry(stored).orElseThrow(() -> new CheckpointException(store.source(),
                    "missing key '" + stored + "'"));
            if (!entry.shape().equals(e.getValue())) {
                throw new CheckpointException(store.source(), "key '" + stored + "' has shape " + entry.shape()
                        + ", the config expects " + e.getValue());
            }
            boolean matrix = name.startsWith("blocks.") && e.getValue().rank() == 2;
            Tensor param = ws.allocate(matrix ? matrixDType : DType.F32, e.getValue());
            memory.upload(store.tensor(stored), param);
            t.put(name, param);
        }
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String b = "blocks." + i + ".";
            blocks.add(new Block(attention(t, b + "self_attn."), attention(t, b + "cross_attn."), t.get(b + "norm3.weight"),
                    t.get(b + "norm3.bias"), linear(t, b + "ffn.0"), linear(t, b + "ffn.2"), t.get(b + "modulation")));
        }
        return new WanWeights(t.get("patch_embedding.weight"), t.get("patch_embedding.bias"), linear(t, "text_embedding.0"),
                linear(t, "text_embedding.2"), linear(t, "time_embedding.0"), linear(t, "time_embedding.2"),
                linear(t, "time_projection.1"), blocks, linear(t, "head.head"), t.get("head.modulation"));
    }

    private static Linear linear(Map<String, Tensor> t, String prefix) {
        return new Linear(t.get(prefix + ".weight"), t.get(prefix + ".bias"));
    }

    private static Attention attention(Map<String, Tensor> t, String prefix) {
        return new Attention(linear(t, prefix + "q"), linear(t, prefix + "k"), linear(t, prefix + "v"), linear(t, prefix + "o"),
                t.get(prefix + "norm_q.weight"), t.get(prefix + "norm_k.weight"));
    }
}
