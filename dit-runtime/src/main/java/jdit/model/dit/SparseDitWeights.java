package jdit.model.dit;

import java.util.ArrayList;
import java.util.List;
import jdit.io.CheckpointException;
import jdit.io.WeightStore;
import jdit.tensor.DType;
import jdit.tensor.Shape;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * A SparseDiT's parameters: the DiT stem and head, and per block in forward order the adaLN-Zero, attention and MLP
 * matrices, each checked against the shape the config implies. Attention weights by kind: Poolingformer {@code v},
 * token merge and recovery {@code q} and {@code kv}, DiT blocks {@code qkv}; recovery blocks add the two merge layers.
 */
record SparseDitWeights(DitWeights stem, List<Block> blocks) {
    /** One block; {@code dit} holds the parts every kind has (its qkv only for DiT blocks), the rest are null if absent. */
    record Block(String name, SparseDitModules.Kind kind, DitWeights.Block dit, Tensor vWeight, Tensor vBias, Tensor qWeight,
                 Tensor qBias, Tensor kvWeight, Tensor kvBias, Tensor merged1Weight, Tensor merged1Bias, Tensor merged2Weight,
                 Tensor merged2Bias) {
    }

    static SparseDitWeights load(WeightStore store, SparseDitConfig c, Workspace ws, DType matrixDType,
                                 jdit.backend.Memory memory) {
        DitWeights stem = DitWeights.load(store, SparseDitParameters.stem(c), ws, DitKeys.ORIGINAL, DType.F32, memory);
        Params l = new Params(store, ws, DType.F32, memory);
        Params m = new Params(store, ws, matrixDType, memory);
        int d = c.base().hiddenSize();
        List<Block> blocks = new ArrayList<>();
        for (String name : SparseDitModules.names(c)) {
            SparseDitModules.Kind kind = SparseDitModules.kind(name);
            String b = name + ".";
            boolean dense = kind == SparseDitModules.Kind.DENSE;
            boolean cross = kind == SparseDitModules.Kind.MERGE || kind == SparseDitModules.Kind.RECOVER;
            boolean recover = kind == SparseDitModules.Kind.RECOVER;
            DitWeights.Block common = new DitWeights.Block(m.get(b + "adaLN_modulation.1.weight", 6 * d, d),
                    l.get(b + "adaLN_modulation.1.bias", 6 * d),
                    dense ? m.get(b + "attn.qkv.weight", 3 * d, d) : null, dense ? l.get(b + "attn.qkv.bias", 3 * d) : null,
                    m.get(b + "attn.proj.weight", d, d), l.get(b + "attn.proj.bias", d),
                    m.get(b + "mlp.fc1.weight", 4 * d, d), l.get(b + "mlp.fc1.bias", 4 * d),
                    m.get(b + "mlp.fc2.weight", d, 4 * d), l.get(b + "mlp.fc2.bias", d));
            boolean pooling = kind == SparseDitModules.Kind.POOLING;
            blocks.add(new Block(name, kind, common,
                    pooling ? m.get(b + "attn.v.weight", d, d) : null, pooling ? l.get(b + "attn.v.bias", d) : null,
                    cross ? m.get(b + "attn.q.weight", d, d) : null, cross ? l.get(b + "attn.q.bias", d) : null,
                    cross ? m.get(b + "attn.kv.weight", 2 * d, d) : null, cross ? l.get(b + "attn.kv.bias", 2 * d) : null,
                    recover ? m.get(b + "merged_layer1.weight", d, d) : null, recover ? l.get(b + "merged_layer1.bias", d) : null,
                    recover ? m.get(b + "merged_layer2.weight", d, d) : null, recover ? l.get(b + "merged_layer2.bias", d) : null));
        }
        return new SparseDitWeights(stem, blocks);
    }

    private record Params(WeightStore store, Workspace ws, DType dtype, jdit.backend.Memory memory) {
        Tensor get(String key, long... shape) {
            var entry = store.entry(key).orElseThrow(() -> new CheckpointException(store.source(), "missing key '" + key + "'"));
            if (!entry.shape().equals(Shape.of(shape))) {
                throw new CheckpointException(store.source(), "key '" + key + "' has shape " + entry.shape()
                        + ", the config expects " + Shape.of(shape));
            }
            Tensor out = ws.allocate(dtype, Shape.of(shape));
            memory.upload(store.tensor(key), out);
            return out;
        }
    }
}
