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
 * DiT's parameters under their original (facebookresearch) names, converted once at load (to F32, or the block matrices to BF16/F16 on request) and each checked
 * against the shape the config implies (a wrong checkpoint fails naming the key and both shapes). The diffusers
 * layout is read through {@link DitKeys}: renamed keys, q/k/v concatenated, and the position table, which diffusers
 * does not store, computed. A config with 0 classes has no label table ({@code yTable} null): Latte's unconditional
 * models are DiT blocks without a y_embedder.
 */
record DitWeights(Tensor xEmbedderWeight, Tensor xEmbedderBias, Tensor posEmbed, Tensor tMlp0Weight, Tensor tMlp0Bias,
                  Tensor tMlp2Weight, Tensor tMlp2Bias, Tensor yTable, List<Block> blocks, Tensor finalAdaWeight,
                  Tensor finalAdaBias, Tensor finalLinearWeight, Tensor finalLinearBias) {

    /** One DiT block's parameters. */
    record Block(Tensor adaWeight, Tensor adaBias, Tensor qkvWeight, Tensor qkvBias, Tensor projWeight, Tensor projBias,
                 Tensor fc1Weight, Tensor fc1Bias, Tensor fc2Weight, Tensor fc2Bias) {
    }

    static DitWeights load(WeightStore store, DitConfig c, Workspace ws) {
        return load(store, c, ws, DitKeys.detect(store), DType.F32, new jdit.backend.cpu.CpuMemory());
    }

    /**
     * The block matrices (qkv, proj, fc1, fc2, adaLN; 98% of the parameters) are kept in {@code matrixDType} (F32,
     * BF16 or F16; the gemm widens them to F32 per call); every other parameter is F32.
     */
    static DitWeights load(WeightStore store, DitConfig c, Workspace ws, DitKeys keys, DType matrixDType,
                           jdit.backend.Memory memory) {
        if (matrixDType != DType.F32 && matrixDType != DType.BF16 && matrixDType != DType.F16) {
            throw new IllegalArgumentException("weights can be kept in F32, BF16 or F16, not " + matrixDType);
        }
        int d = c.hiddenSize();
        int p = c.patchSize();
        Loader l = new Loader(store, ws, keys, c, DType.F32, memory);
        Loader m = new Loader(store, ws, keys, c, matrixDType, memory);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < c.depth(); i++) {
            String b = "blocks." + i + ".";
            blocks.add(new Block(m.get(b + "adaLN_modulation.1.weight", 6 * d, d), l.get(b + "adaLN_modulation.1.bias", 6 * d),
                    m.get(b + "attn.qkv.weight", 3 * d, d), l.get(b + "attn.qkv.bias", 3 * d),
                    m.get(b + "attn.proj.weight", d, d), l.get(b + "attn.proj.bias", d),
                    m.get(b + "mlp.fc1.weight", 4 * d, d), l.get(b + "mlp.fc1.bias", 4 * d),
                    m.get(b + "mlp.fc2.weight", d, 4 * d), l.get(b + "mlp.fc2.bias", d)));
        }
        return new DitWeights(l.get("x_embedder.proj.weight", d, c.inChannels(), p, p), l.get("x_embedder.proj.bias", d),
                l.get("pos_embed", 1, c.tokens(), d), l.get("t_embedder.mlp.0.weight", d, 256), l.get("t_embedder.mlp.0.bias", d),
                l.get("t_embedder.mlp.2.weight", d, d), l.get("t_embedder.mlp.2.bias", d),
                c.numClasses() == 0 ? null : l.get("y_embedder.embedding_table.weight", c.numClasses() + 1, d), blocks,
                l.get("final_layer.adaLN_modulation.1.weight", 2 * d, d), l.get("final_layer.adaLN_modulation.1.bias", 2 * d),
                l.get("final_layer.linear.weight", p * p * c.outChannels(), d),
                l.get("final_layer.linear.bias", p * p * c.outChannels()));
    }

    /** Reads parameters from the store and uploads them to {@code memory}'s device (a host copy on the CPU). */
    private record Loader(WeightStore store, Workspace ws, DitKeys keys, DitConfig config, DType dtype, jdit.backend.Memory memory) {
        /** The parameter named {@code canonical} in the original layout, however the checkpoint stores it. */
        Tensor get(String canonical, long... shape) {
            if (canonical.equals("pos_embed") && keys == DitKeys.DIFFUSERS) {
                int grid = config.inputSize() / config.patchSize();
                Tensor t = SinCosPositions.table(java.lang.foreign.Arena.ofAuto(), grid, config.hiddenSize());
                Tensor out = ws.allocate(DType.F32, t.shape());
                memory.upload(t, out);
                return out;
            }
            java.util.List<String> parts = keys.stored(canonical);
            long rows = shape[0] / parts.size();
            long[] partShape = shape.clone();
            partShape[0] = rows;
            Tensor out = ws.allocate(dtype, Shape.of(shape));
            for (int i = 0; i < parts.size(); i++) {
                String key = parts.get(i);
                var entry = store.entry(key).orElseThrow(() -> new CheckpointException(store.source(), "missing key '" + key + "'"));
                if (!entry.shape().equals(Shape.of(partShape))) {
                    throw new CheckpointException(store.source(), "key '" + key + "' has shape " + entry.shape()
                            + ", the config expects " + Shape.of(partShape));
                }
                memory.upload(store.tensor(key), out.narrow(0, i * rows, rows)); // q, k, v stacked as the original's qkv rows
            }
            return out;
        }
    }
}
