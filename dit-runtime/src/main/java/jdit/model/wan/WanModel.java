package jdit.model.wan;

import java.lang.foreign.Arena;
import jdit.attention.AttentionContext;
import jdit.attention.AttentionStep;
import jdit.attention.LayerProbe;
import jdit.attention.TokenGrid;
import jdit.attention.TokenOrders;
import jdit.backend.Backend;
import jdit.backend.BinaryOp;
import jdit.backend.Conv3dSpec;
import jdit.backend.Epilogue;
import jdit.backend.Transfers;
import jdit.backend.UnaryOp;
import jdit.io.WeightStore;
import jdit.nn.AxialRope;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * The Wan2.1 text-to-video transformer as Wan-Video/Wan2.1 {@code WanModel} runs it: 3-D patch embedding, the
 * timestep embedding and its 6-way projection, the text embedding, the blocks, the head with its own modulation,
 * unpatchify. Text is embedded once per generation ({@link #embedText}); a forward takes the embedded text.
 * Immutable after load; activations come from the caller's {@link Workspace}.
 */
public final class WanModel implements AutoCloseable {
    private final WanConfig config;
    private final WanKeys layout;
    private final WanWeights w;
    private final Workspace weightMemory;
    private final AxialRope rope;

    private WanModel(WanConfig config, WanKeys layout, WanWeights w, Workspace weightMemory) {
        this.config = config;
        this.layout = layout;
        this.w = w;
        this.weightMemory = weightMemory;
        this.rope = AxialRope.wan(config.headDim());
    }

    /** Loads either published layout, every key and shape checked against {@code config}; block matrices in {@code dtype}. */
    public static WanModel load(WeightStore store, WanConfig config, DType matrixDType) {
        return load(store, config, matrixDType, new jdit.backend.cpu.CpuMemory());
    }

    /** The same with the parameters uploaded once to {@code memory}'s device, where the forward then runs. */
    public static WanModel load(WeightStore store, WanConfig config, DType matrixDType, jdit.backend.Memory memory) {
        Workspace mem = memory.workspace();
        try {
            WanKeys keys = WanKeys.detect(store);
            return new WanModel(config, keys, WanWeights.load(store, config, keys, matrixDType, mem, memory), mem);
        } catch (RuntimeException e) {
            mem.close();
            throw e;
        }
    }

    public WanConfig config() {
        return config;
    }

    public WanKeys layout() {
        return layout;
    }

    public long weightBytes() {
        return weightMemory.peakBytes();
    }

    /** The token grid of a latent [B, C, F, H, W]: F/pt x H/ph x W/pw, each side checked to divide. */
    public TokenGrid grid(Tensor x) {
        if (x.rank() != 5 || x.dim(1) != config.inDim() || x.dim(2) % config.patchT() != 0 || x.dim(3) % config.patchH() != 0
                || x.dim(4) % config.patchW() != 0) {
            throw new IllegalArgumentException("Wan2.1 takes latents [B, " + config.inDim() + ", F, H, W] with F, H, W "
                    + "divisible by the patch " + config.patchT() + "x" + config.patchH() + "x" + config.patchW() + ", got " + x.shape());
        }
        return new TokenGrid((int) (x.dim(2) / config.patchT()), (int) (x.dim(3) / config.patchH()),
                (int) (x.dim(4) / config.patchW()));
    }

    /** Text encoder output [L, textDim] (L <= textLen), zero-padded to textLen rows, through the text MLP: [textLen, D]. */
    public Tensor embedText(Tensor context, Backend be, Workspace ws) {
        if (context.rank() != 2 || context.dim(1) != config.textDim() || context.dim(0) > config.textLen()) {
            throw new IllegalArgumentException("text embeddings must be [L, " + config.textDim() + "] with L <= "
                    + config.textLen() + ", got " + context.shape());
        }
        Tensor padded = ws.allocateZeroed(DType.F32, config.textLen(), config.textDim());
        be.memory().copy(context, padded.narrow(0, 0, context.dim(0)));
        Tensor h = ws.allocate(DType.F32, config.textLen(), config.dim());
        be.gemm().matmul(padded, w.text0().weight(), h, Epilogue.linear(w.text0().bias()).withActivation(UnaryOp.GELU_TANH));
        Tensor out = ws.allocate(DType.F32, config.textLen(), config.dim());
        be.gemm().matmul(h, w.text2().weight(), out, Epilogue.linear(w.text2().bias()));
        ws.release(padded);
        ws.release(h);
        return out;
    }

    /** The time embedding e [B, D] (Linear, SiLU, Linear on the frequencies). */
    public Tensor timeEmbedding(double[] t, Backend be, Workspace ws) {
        Tensor freq = Transfers.upload(WanEmbeddings.timestepFrequencies(Arena.ofAuto(), t, config.freqDim()), be.memory(), ws);
        Tensor h = ws.allocate(DType.F32, t.length, config.dim());
        be.gemm().matmul(freq, w.time0().weight(), h, Epilogue.linear(w.time0().bias()).withActivation(UnaryOp.SILU));
        Tensor e = ws.allocate(DType.F32, t.length, config.dim());
        be.gemm().matmul(h, w.time2().weight(), e, Epilogue.linear(w.time2().bias()));
        ws.release(h);
        ws.release(freq);
        return e;
    }

    /** e0 = Linear(SiLU(e)) as [B, 6, D]. */
    public Tensor timeProjection(Tensor e, Backend be, Workspace ws) {
        Tensor se = ws.allocate(DType.F32, e.shape());
        be.pointwise().unary(UnaryOp.SILU, e, se);
        Tensor e0 = ws.allocate(DType.F32, e.dim(0), 6L * config.dim());
        be.gemm().matmul(se, w.timeProjection().weight(), e0, Epilogue.linear(w.timeProjection().bias()));
        ws.release(se);
        return e0.reshape(e.dim(0), 6, config.dim());
    }

    /** The velocity [B, outDim, F, H, W] for latents x [B, inDim, F, H, W] at timesteps t, given embedded text [B, L, D]. */
    public Tensor forward(Tensor x, double[] t, Tensor text, AttentionStep step, Backend be, Workspace ws) {
        TokenGrid grid = grid(x);
        long b = x.dim(0);
        if (t.length != b || text.rank() != 3 || text.dim(0) != b || text.dim(2) != config.dim()) {
            throw new IllegalArgumentException("batch of " + b + " latents needs " + b + " timesteps and text [" + b
                    + ", L, " + config.dim() + "], got " + t.length + " and " + text.shape());
        }
        Tensor e = timeEmbedding(t, be, ws);
        Tensor e0 = timeProjection(e, be, ws);
        Tensor h = patchEmbed(x, grid, be, ws);
        int[] order = step.method().tokenOrder(grid).orElse(null);
        if (order != null) { // the method's order for every self-attention of this forward (NABLA's tiles)
            Tensor ordered = ws.allocate(DType.F32, h.shape());
            TokenOrders.gather(h, order, ordered, be.memory(), ws);
            ws.release(h);
            h = ordered;
        }
        AxialRope.Tables tables = upload(rope.tables(Arena.ofAuto(), grid.frames(), grid.height(), grid.width(),
                order == null ? null : java.util.Arrays.stream(order).asLongStream().toArray()), be, ws);
        jdit.density.PoolSpan span = step.span(config.numLayers(), grid).orElse(null);
        if (span != null && order != null) {
            throw new IllegalArgumentException("token density cannot be combined with an attention method that reorders "
                    + "tokens (nabla, sta)");
        }
        jdit.density.PooledStream pooled = null;
        AxialRope.Tables pooledTables = span == null ? null : upload(rope.pooledTables(Arena.ofAuto(), span.pooled(grid), grid), be, ws);
        for (int i = 0; i < config.numLayers(); i++) {
            step.probe().enter(i);
            if (span != null && i == span.first()) {
                pooled = jdit.density.PooledStream.enter(h, grid, span, be, ws);
                h = pooled.tokens(ws);
            }
            TokenGrid g = pooled != null ? pooled.grid() : grid;
            AttentionContext ctx = step.at(i, config.numLayers(), g, config.numHeads(), config.headDim()).on(be, ws);
            Tensor next = WanBlock.forward(w.blocks().get(i), config, h, e0, text, pooled != null ? pooledTables : tables, ctx,
                    step.method(), be, ws);
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
            TokenOrders.scatter(h, order, natural, be.memory(), ws);
            ws.release(h);
            h = natural;
        }
        Tensor f = head(h, e, be, ws);
        ws.release(h);
        ws.release(e0);
        ws.release(e);
        for (AxialRope.Tables r : new AxialRope.Tables[] {tables, pooledTables}) {
            if (r != null) {
                ws.release(r.cos());
                ws.release(r.sin());
            }
        }
        Tensor out = unpatchify(f, grid, be, ws);
        ws.release(f);
        return out;
    }

    private Tensor patchEmbed(Tensor x, TokenGrid g, Backend be, Workspace ws) {
        long b = x.dim(0);
        int d = config.dim();
        Tensor conv = ws.allocate(DType.F32, b, d, g.frames(), g.height(), g.width());
        be.conv().conv3d(x, w.patchWeight(), w.patchBias(), new Conv3dSpec(config.patchT(), config.patchH(), config.patchW(),
                0, 0, 0, 0), conv);
        Tensor tokens = ws.allocate(DType.F32, b, g.tokens(), d);
        be.memory().copy(conv.reshape(b, d, g.tokens()).transpose(1, 2), tokens);
        ws.release(conv);
        return tokens;
    }

    /** LayerNorm, modulation by (head.modulation + e) as (shift, scale), Linear to pt·ph·pw·outDim. */
    private Tensor head(Tensor x, Tensor e, Backend be, Workspace ws) {
        long b = x.dim(0);
        int d = config.dim();
        Tensor mod = ws.allocate(DType.F32, b, 2, d);
        be.pointwise().binary(BinaryOp.ADD, e.reshape(b, 1, d), w.headModulation().reshape(2, d), mod);
        Tensor shift = ws.copy(mod.select(1, 0));
        Tensor scale = ws.copy(mod.select(1, 1));
        Tensor h = ws.allocate(DType.F32, x.shape());
        be.norms().layerNorm(x, null, null, (float) config.eps(), h);
        be.pointwise().modulate(h, shift, scale, h);
        Tensor out = ws.allocate(DType.F32, b, x.dim(1), config.headOut());
        be.gemm().matmul(h, w.head().weight(), out, Epilogue.linear(w.head().bias()));
        for (Tensor t : new Tensor[] {h, scale, shift, mod}) {
            ws.release(t);
        }
        return out;
    }

    /** [B, S, pt·ph·pw·c] -> [B, c, F·pt, H·ph, W·pw]; head channel ((a·ph + p)·pw + q)·c + ch. */
    /** Rotary tables computed on the host, uploaded for the forward's device (released at its end). */
    private static AxialRope.Tables upload(AxialRope.Tables host, Backend be, Workspace ws) {
        return new AxialRope.Tables(Transfers.upload(host.cos(), be.memory(), ws), Transfers.upload(host.sin(), be.memory(), ws));
    }

    private Tensor unpatchify(Tensor f, TokenGrid g, Backend be, Workspace ws) {
        long b = f.dim(0);
        int c = config.outDim();
        int pt = config.patchT();
        int ph = config.patchH();
        int pw = config.patchW();
        Tensor out = ws.allocate(DType.F32, b, c, (long) g.frames() * pt, (long) g.height() * ph, (long) g.width() * pw);
        // [B, F, H, W, pt, ph, pw, c] -> [B, c, F, pt, H, ph, W, pw]
        be.memory().copy(f.reshape(b, g.frames(), g.height(), g.width(), pt, ph, pw, c).permute(0, 7, 1, 4, 2, 5, 3, 6),
                out.reshape(b, c, g.frames(), pt, g.height(), ph, g.width(), pw));
        return out;
    }

    @Override
    public void close() {
        weightMemory.close();
    }
}
