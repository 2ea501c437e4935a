package jdit.model.dit;

import java.util.Optional;
import jdit.attention.AttentionContext;
import jdit.attention.AttentionStep;
import jdit.attention.LayerProbe;
import jdit.attention.TokenGrid;
import jdit.backend.Backend;
import jdit.backend.UnaryOp;
import jdit.density.DensityContext;
import jdit.io.WeightStore;
import jdit.nn.GridPooling;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * A SparseDiT / FlexDiT as changsn/SparseDiT {@code models.py} runs it: DiT's patch embedding, position table,
 * timestep and label embeddings; Poolingformer blocks; per Sparse-Dense Token Module the dense tokens pooled to an
 * S x S grid of sparse tokens (adaptive average pooling), token-merge blocks (sparse attends to dense), semantic DiT
 * blocks on the sparse tokens, recovery blocks (back to dense) and dense DiT blocks; the top dense blocks; DiT's final
 * layer. S is the trained {@code semantic_size} unless the step's token-density method says otherwise per step (the
 * paper's timestep-wise schedule, which the public code leaves out): pooling and upsampling have no parameters, so
 * any S runs with the same weights. The published code reads an unset {@code longshortcut} in {@code forward}; that
 * branch stored skips it never used, so it is left out here.
 */
public final class SparseDitModel implements ClassImageModel, AutoCloseable {
    private final SparseDitConfig config;
    private final SparseDitWeights w;
    private final DitModel stem;
    private final Workspace weightMemory;

    private SparseDitModel(SparseDitConfig config, SparseDitWeights w, Workspace weightMemory) {
        this.config = config;
        this.w = w;
        this.weightMemory = weightMemory;
        this.stem = new DitModel(SparseDitParameters.stem(config), DitKeys.ORIGINAL, w.stem(), weightMemory);
    }

    /** Loads the published layout from {@code store}, every key and shape checked against {@code config}. */
    public static SparseDitModel load(WeightStore store, SparseDitConfig config, DType matrixDType) {
        return load(store, config, matrixDType, new jdit.backend.cpu.CpuMemory());
    }

    /** The same with the parameters uploaded once to {@code memory}'s device, where the forward then runs. */
    public static SparseDitModel load(WeightStore store, SparseDitConfig config, DType matrixDType, jdit.backend.Memory memory) {
        Workspace mem = memory.workspace();
        try {
            return new SparseDitModel(config, SparseDitWeights.load(store, config, mem, matrixDType, memory), mem);
        } catch (RuntimeException e) {
            mem.close();
            throw e;
        }
    }

    public SparseDitConfig config() {
        return config;
    }

    @Override
    public DitConfig ditConfig() {
        return config.base();
    }

    public long weightBytes() {
        return weightMemory.peakBytes();
    }

    /** The model output [N, outC, H, W] for latents x [N, C, H, W] at timesteps t with labels y. */
    @Override
    public Tensor forward(Tensor x, double[] t, long[] y, AttentionStep step, Backend be, Workspace ws) {
        DitConfig base = config.base();
        int d = base.hiddenSize();
        Tensor c = stem.conditioning(t, y, be, ws);
        Tensor sc = ws.allocate(DType.F32, c.shape());
        be.pointwise().unary(UnaryOp.SILU, c, sc);
        ws.release(c);
        Tensor h = stem.tokens(x, be, ws);
        TokenGrid dense = TokenGrid.image(config.grid(), config.grid());
        int layers = base.depth();
        int side = step.density().semanticSize(new DensityContext(step.step(), step.steps(), layers, dense), config.semanticSize());
        if (side < 1 || side > config.grid()) {
            throw new IllegalArgumentException("a sparse token grid of " + side + " x " + side + " does not fit the "
                    + config.grid() + " x " + config.grid() + " dense grid");
        }
        TokenGrid sparse = TokenGrid.image(side, side);
        Tensor skip = null; // the dense tokens a module's sparse blocks started from
        TokenGrid grid = dense;
        int module = -1;
        for (int i = 0; i < w.blocks().size(); i++) {
            SparseDitWeights.Block b = w.blocks().get(i);
            step.probe().enter(i);
            int m = SparseDitModules.module(b.name());
            if (m != module && skip != null) { // leaving a module
                ws.release(skip);
                skip = null;
            }
            module = m;
            if (m >= 0 && skip == null) { // entering a Sparse-Dense Token Module: the dense tokens pooled to S x S
                skip = h;
                h = ws.allocate(DType.F32, skip.dim(0), sparse.tokens(), d);
                GridPooling.pool(skip, dense, sparse, h, be.memory(), ws);
                grid = sparse;
            }
            Tensor next = switch (b.kind()) {
                case POOLING -> SparseDitBlocks.pooling(b, d, h, sc, be, ws);
                case MERGE -> SparseDitBlocks.merge(b, base, h, skip, sc, be, ws);
                case RECOVER -> { // every recovery block merges with the module's dense skip, as the published code
                    Tensor out = SparseDitBlocks.recover(b, base, h, grid, skip, dense, sc, be, ws);
                    grid = dense;
                    yield out;
                }
                case DENSE -> {
                    AttentionContext ctx = step.at(i, layers, grid, base.numHeads(), d / base.numHeads()).on(be, ws);
                    yield DitBlock.forward(b.dit(), base, h, sc, ctx, step.method(), be, ws);
                }
            };
            ws.release(h);
            h = next;
        }
        if (skip != null) {
            ws.release(skip);
        }
        step.probe().enter(LayerProbe.OUTSIDE_BLOCKS);
        Tensor f = stem.finalLayer(h, sc, be, ws);
        ws.release(h);
        ws.release(sc);
        Tensor out = stem.unpatchify(f, be, ws);
        ws.release(f);
        return out;
    }

    /** The sparse-token side this model was trained with. */
    public int semanticSize() {
        return config.semanticSize();
    }

    /** Which checkpoint kinds jdit loads as SparseDiT: present when the store has the SparseDiT block names. */
    public static Optional<String> signature(WeightStore store) {
        return store.entry("dumbbell_blocks.0.token_merge_blocks.0.attn.q.weight").map(e -> "SparseDiT");
    }

    @Override
    public void close() {
        weightMemory.close();
    }
}
