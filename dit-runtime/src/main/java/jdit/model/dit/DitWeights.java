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
 * DiT's parameters in the original facebookresearch layout, converted to F32 once at load, each checked against
 * the shape the config implies (a wrong checkpoint fails naming the key and both shapes).
 */
record DitWeights(Tensor xEmbedderWeight, Tensor xEmbedderBias, Tensor posEmbed, Tensor tMlp0Weight, Tensor tMlp0Bias,
                  Tensor tMlp2Weight, Tensor tMlp2Bias, Tensor yTable, List<Block> blocks, Tensor finalAdaWeight,
                  Tensor finalAdaBias, Tensor finalLinearWeight, Tensor finalLinearBias) {

    /** One DiT block's parameters. */
    record Block(Tensor adaWeight, Tensor adaBias, Tensor qkvWeight, Tensor qkvBias, Tensor projWeight, Tensor projBias,
                 Tensor fc1Weight, Tensor fc1Bias, Tensor fc2Weight, Tensor fc2Bias) {
    }

    static DitWeights load(WeightStore store, DitConfig c, Workspace ws) {
        int d = c.hiddenSize();
        int p = c.patchSize();
        Loader l = new Loader(store, ws);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < c.depth(); i++) {
            String b = "blocks." + i + ".";
            blocks.add(new Block(l.get(b + "adaLN_modulation.1.weight", 6 * d, d), l.get(b + "adaLN_modulation.1.bias", 6 * d),
                    l.get(b + "attn.qkv.weight", 3 * d, d), l.get(b + "attn.qkv.bias", 3 * d),
                    l.get(b + "attn.proj.weight", d, d), l.get(b + "attn.proj.bias", d),
                    l.get(b + "mlp.fc1.weight", 4 * d, d), l.get(b + "mlp.fc1.bias", 4 * d),
                    l.get(b + "mlp.fc2.weight", d, 4 * d), l.get(b + "mlp.fc2.bias", d)));
        }
        return new DitWeights(l.get("x_embedder.proj.weight", d, c.inChannels(), p, p), l.get("x_embedder.proj.bias", d),
                l.get("pos_embed", 1, c.tokens(), d), l.get("t_embedder.mlp.0.weight", d, 256), l.get("t_embedder.mlp.0.bias", d),
                l.get("t_embedder.mlp.2.weight", d, d), l.get("t_embedder.mlp.2.bias", d),
                l.get("y_embedder.embedding_table.weight", c.numClasses() + 1, d), blocks,
                l.get("final_layer.adaLN_modulation.1.weight", 2 * d, d), l.get("final_layer.adaLN_modulation.1.bias", 2 * d),
                l.get("final_layer.linear.weight", p * p * c.outChannels(), d),
                l.get("final_layer.linear.bias", p * p * c.outChannels()));
    }

    private record Loader(WeightStore store, Workspace ws) {
        Tensor get(String key, long... shape) {
            var entry = store.entry(key).orElseThrow(() -> new CheckpointException(store.source(), "missing key '" + key + "'"));
            if (!entry.shape().equals(Shape.of(shape))) {
                throw new CheckpointException(store.source(), "key '" + key + "' has shape " + entry.shape()
                        + ", the config expects " + Shape.of(shape));
            }
            return store.tensorAs(key, DType.F32, ws);
        }
    }
}
