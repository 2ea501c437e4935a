package jdit.model.dit;

import jdit.attention.AttentionContext;
import jdit.attention.AttentionMethod;
import jdit.attention.AttentionStep;
import jdit.attention.LayerProbe;
import jdit.attention.TokenGrid;
import jdit.backend.Backend;
import jdit.backend.BinaryOp;
import jdit.backend.Conv2dSpec;
import jdit.backend.Epilogue;
import jdit.backend.UnaryOp;
import jdit.io.WeightStore;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * A DiT (Peebles and Xie 2023) as facebookresearch/DiT {@code models.py} runs it: patch embedding plus the stored
 * sin-cos position table, timestep and label embeddings summed into c, adaLN-Zero blocks, the final layer and
 * unpatchify. Immutable after load; activations come from the caller's {@link Workspace}.
 */
public final class DitModel implements ClassImageModel, AutoCloseable {
    private final DitConfig config;
    private final DitKeys layout;
    private final DitWeights w;
    private final Workspace weightMemory;

    DitModel(DitConfig config, DitKeys layout, DitWeights w, Workspace weightMemory) {
        this.config = config;
        this.layout = layout;
        this.w = w;
        this.weightMemory = weightMemory;
    }

    /** Loads either published layout from {@code store}, checking every key and shape against {@code config}. */
    public static DitModel load(WeightStore store, DitConfig config) {
        return load(store, config, DType.F32);
    }

    /**
     * The same keeping the block matrices in {@code weightDType} (F32, BF16 or F16): BF16/F16 halve the weight memory;
     * compute stays F32.
     */
    public static DitModel load(WeightStore store, DitConfig config, DType weightDType) {
        return load(store, config, weightDType, new jdit.backend.cpu.CpuMemory());
    }

    /** The same with the parameters uploaded once to {@code memory}'s device, where the forward then runs. */
    public static DitModel load(WeightStore store, DitConfig config, DType weightDType, jdit.backend.Memory memory) {
        Workspace mem = memory.workspace();
        try {
            DitKeys keys = DitKeys.detect(store);
            return new DitModel(config, keys, DitWeights.load(store, config, mem, keys, weightDType, memory), mem);
        } catch (RuntimeException e) {
            mem.close();
            throw e;
        }
    }

    /** Bytes of parameter memory held. */
    public long weightBytes() {
        return weightMemory.peakBytes();
    }

    public DitConfig config() {
        return config;
    }

    @Override
    public DitConfig ditConfig() {
        return config;
    }

    /** The key layout the checkpoint was found in. */
    public DitKeys layout() {
        return layout;
    }

    /** The model output [N, outC, H, W] for latents x [N, C, H, W] at timesteps t with labels y, dense attention. */
    public Tensor forward(Tensor x, double[] t, long[] y, Backend be, Workspace ws) {
        return forward(x, t, y, AttentionStep.dense(t.length == 0 ? 0 : t[0]), be, ws);
    }

    /**
     * The same with every self-attention planned by {@code step}'s method. The result comes from {@code ws}; the
     * intermediates go back to it as the forward proceeds.
     */
    @Override
    public Tensor forward(Tensor x, double[] t, long[] y, AttentionStep step, Backend be, Workspace ws) {
        Tensor c = conditioning(t, y, be, ws); // [N, D]
        Tensor sc = ws.allocate(DType.F32, c.shape());
        be.pointwise().unary(UnaryOp.SILU, c, sc);
        ws.release(c);
        Tensor h = tokens(x, be, ws);
        int g = config.inputSize() / config.patchSize();
        TokenGrid grid = TokenGrid.image(g, g);
        int[] order = step.method().tokenOrder(grid).orElse(null);
        if (order != null) { // the method's order for every self-attention of this forward (position table already added)
            Tensor ordered = ws.allocate(DType.F32, h.shape());
            jdit.attention.TokenOrders.gather(h, order, ordered, be.memory(), ws);
            ws.release(h);
            h = ordered;
        }
        jdit.density.PoolSpan span = step.span(config.depth(), grid).orElse(null);
        if (span != null && order != null) {
            throw new IllegalArgumentException("token density cannot be combined with an attention method that reorders "
                    + "tokens (nabla, sta)");
        }
        jdit.density.PooledStream pooled = null;
        for (int i = 0; i < config.depth(); i++) {
            step.probe().enter(i);
            if (span != null && i == span.first()) {
                pooled = jdit.density.PooledStream.enter(h, grid, span, be, ws);
                h = pooled.tokens(ws);
            }
            TokenGrid blockGrid = pooled != null ? pooled.grid() : grid;
            AttentionContext ctx = step.at(i, config.depth(), blockGrid, config.numHeads(), config.hiddenSize() / config.numHeads())
                    .on(be, ws);
            Tensor next = DitBlock.forward(w.blocks().get(i), config, h, sc, ctx, step.method(), be, ws);
            ws.release(h);
            h = next;
            if (pooled != null && i == span.end() - 1) {
                h = pooled.leave(h, be, ws);
                pooled = null;
            }
        }
        step.probe().enter(LayerProbe.OUTSIDE_BLOCKS);
        if (order != null) {
            Tensor natural = ws.allocate(DType.F32, h.shape());
            jdit.attention.TokenOrders.scatter(h, order, natural, be.memory(), ws);
            ws.release(h);
            h = natural;
        }
        Tensor f = finalLayer(h, sc, be, ws);
        ws.release(h);
        ws.release(sc);
        Tensor out = unpatchify(f, be, ws);
        ws.release(f);
        return out;
    }

    /**
     * One block: x [N, T, D] with sc = SiLU(c) [G, D], G dividing N, each conditioning row covering N/G consecutive
     * sequences (Latte attends over frames or positions but conditions per video). Returns a fresh x from {@code ws}.
     */
    public Tensor block(int index, Tensor x, Tensor sc, AttentionContext ctx, AttentionMethod method, Backend be, Workspace ws) {
        return DitBlock.forward(w.blocks().get(index), config, x, sc, ctx, method, be, ws);
    }

    /** c = t_emb + y_emb [N, D]; t_emb alone when the model has no label embedder (0 classes, y null). */
    public Tensor conditioning(double[] t, long[] y, Backend be, Workspace ws) {
        Tensor tFreq = jdit.backend.Transfers.upload(DitEmbeddings.timestepFrequencies(java.lang.foreign.Arena.ofAuto(), t),
                be.memory(), ws);
        Tensor c = timestepEmbedding(tFreq, be, ws);
        ws.release(tFreq);
        if (config.numClasses() == 0) {
            if (y != null) {
                throw new IllegalArgumentException("the model has no label embedder, but labels were given");
            }
            return c;
        }
        if (y == null || y.length != t.length) {
            throw new IllegalArgumentException("need one label per timestep (" + t.length + "), got "
                    + (y == null ? "none" : y.length));
        }
        Tensor yEmb = labelEmbedding(y, be, ws);
        be.pointwise().binary(BinaryOp.ADD, c, yEmb, c);
        ws.release(yEmb);
        return c;
    }

    /** Linear(256, D), SiLU, Linear(D, D) on the frequencies [N, 256]. */
    public Tensor timestepEmbedding(Tensor tFreq, Backend be, Workspace ws) {
        long n = tFreq.dim(0);
        Tensor h = ws.allocate(DType.F32, n, config.hiddenSize());
        be.gemm().matmul(tFreq, w.tMlp0Weight(), h, Epilogue.linear(w.tMlp0Bias()).withActivation(UnaryOp.SILU));
        Tensor out = ws.allocate(DType.F32, n, config.hiddenSize());
        be.gemm().matmul(h, w.tMlp2Weight(), out, Epilogue.linear(w.tMlp2Bias()));
        ws.release(h);
        return out;
    }

    /** Rows of the label table [N, D]; label {@code numClasses} is the null (unconditional) class. */
    public Tensor labelEmbedding(long[] y, Backend be, Workspace ws) {
        if (w.yTable() == null) {
            throw new IllegalStateException("the model has no label embedder (0 classes)");
        }
        int[] rows = new int[y.length];
        for (int n = 0; n < y.length; n++) {
            if (y[n] < 0 || y[n] > config.numClasses()) {
                throw new IllegalArgumentException("class " + y[n] + " outside [0, " + config.numClasses() + "]");
            }
            rows[n] = (int) y[n];
        }
        Tensor out = ws.allocate(DType.F32, y.length, config.hiddenSize());
        Tensor index = jdit.backend.Transfers.index(rows, be.memory(), ws);
        be.memory().gatherRows(w.yTable().unsqueeze(0), index, out.unsqueeze(0));
        ws.release(index);
        return out;
    }

    /** Patch embedding plus the position table: x [N, C, H, W] -> tokens [N, T, D], token = row·(W/p) + column. */
    public Tensor tokens(Tensor x, Backend be, Workspace ws) {
        int p = config.patchSize();
        long n = x.dim(0);
        long g = x.dim(2) / p;
        Tensor conv = ws.allocate(DType.F32, n, config.hiddenSize(), g, g);
        be.conv().conv2d(x, w.xEmbedderWeight(), w.xEmbedderBias(), Conv2dSpec.of(p, 0), conv);
        Tensor tok = ws.allocate(DType.F32, n, g * g, config.hiddenSize());
        be.memory().copy(conv.reshape(n, config.hiddenSize(), g * g).transpose(1, 2), tok); // [N, D, T] -> [N, T, D]
        ws.release(conv);
        be.pointwise().binary(BinaryOp.ADD, tok, w.posEmbed(), tok);
        return tok;
    }

    /** adaLN modulation (shift, scale), LayerNorm without affine, Linear to p·p·outC: [N, T, p²·outC]. */
    public Tensor finalLayer(Tensor x, Tensor sc, Backend be, Workspace ws) {
        int d = config.hiddenSize();
        Tensor mod = ws.allocate(DType.F32, x.dim(0), 2L * d);
        be.gemm().matmul(sc, w.finalAdaWeight(), mod, Epilogue.linear(w.finalAdaBias()));
        Tensor shift = ws.copy(mod.narrow(1, 0, d));
        Tensor scale = ws.copy(mod.narrow(1, d, d));
        Tensor h = ws.allocate(DType.F32, x.shape());
        be.norms().layerNorm(x, null, null, 1e-6f, h);
        be.pointwise().modulate(h, shift, scale, h);
        Tensor out = ws.allocate(DType.F32, x.dim(0), x.dim(1), w.finalLinearBias().dim(0));
        be.gemm().matmul(h, w.finalLinearWeight(), out, Epilogue.linear(w.finalLinearBias()));
        for (Tensor tmp : new Tensor[] {h, scale, shift, mod}) {
            ws.release(tmp);
        }
        return out;
    }

    /** [N, T, p·p·c] -> [N, c, H, W]: linear channel (pi·p + qi)·c + ch lands at (ch, hi·p + pi, wi·p + qi). */
    public Tensor unpatchify(Tensor f, Backend be, Workspace ws) {
        int p = config.patchSize();
        int c = config.outChannels();
        long n = f.dim(0);
        long g = Math.round(Math.sqrt(f.dim(1)));
        Tensor out = ws.allocate(DType.F32, n, c, g * p, g * p);
        // [N, h, w, p, q, c] -> [N, c, h, p, w, q]
        be.memory().copy(f.reshape(n, g, g, p, p, c).permute(0, 5, 1, 3, 2, 4), out.reshape(n, c, g, p, g, p));
        return out;
    }

    @Override
    public void close() {
        weightMemory.close();
    }
}
