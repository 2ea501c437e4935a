package jdit.model.latte;

import jdit.attention.AttentionStep;
import jdit.attention.LayerProbe;
import jdit.attention.TokenGrid;
import jdit.backend.Backend;
import jdit.backend.BinaryOp;
import jdit.backend.UnaryOp;
import jdit.io.WeightStore;
import jdit.model.dit.DitModel;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * Latte (Ma et al. 2024), the video DiT of Vchitect/Latte {@code models/latte.py} in its original layout ("variant
 * 1": alternating blocks). Its blocks are DiT blocks, so the DiT parts (patch embedding with the stored 2-D sin-cos
 * table, timestep and label embeddings, blocks, final layer, unpatchify) are a {@link DitModel} on the same
 * checkpoint; this class adds the frame layout and the stored frame table {@code temp_embed}.
 *
 * <p>Frames come before channels: x [B, F, C, H, W] is embedded as B·F images. Block i is spatial for even i
 * (attention over the h·w tokens of each frame) and temporal for odd i (tokens regrouped so that each of the B·h·w
 * spatial positions attends over its F frames); {@code temp_embed} is added once, before block 1. The conditioning
 * c = t_emb (+ y_emb) is one row per video: the official code repeats it per frame and per position, which gives
 * the same modulation, so the blocks take c's B rows directly (see {@link DitModel#block}).
 *
 * <p>Attention contexts: spatial blocks see the grid 1 x h x w (one frame per sequence), temporal blocks the grid
 * F x 1 x 1 (one spatial position per sequence), so a method sees the tokens of the sequence it plans for.
 *
 * <p>Guidance note: the official {@code forward_with_cfg} guides all C eps channels ({@code out[:, :, :C]}, split
 * on dim 2), unlike DiT's 3; the learned-variance channels are kept per half. The published unconditional models
 * (FaceForensics, SkyTimelapse, Taichi-HD) sample with cfg 1.0; UCF101 (101 classes, null label 101) with 7.0.
 */
public final class LatteModel implements AutoCloseable {
    private final LatteConfig config;
    private final DitModel dit;
    private final Tensor tempEmbed; // [1, F, D]
    private final Workspace weightMemory;

    private LatteModel(LatteConfig config, DitModel dit, Tensor tempEmbed, Workspace weightMemory) {
        this.config = config;
        this.dit = dit;
        this.tempEmbed = tempEmbed;
        this.weightMemory = weightMemory;
    }

    /** Loads the original layout from {@code store}, which must hold exactly {@code config}'s parameters. */
    public static LatteModel load(WeightStore store, LatteConfig config) {
        return load(store, config, DType.F32);
    }

    /** The same keeping the block matrices in {@code weightDType} (F32, BF16 or F16); compute stays F32. */
    public static LatteModel load(WeightStore store, LatteConfig config, DType weightDType) {
        return load(store, config, weightDType, new jdit.backend.cpu.CpuMemory());
    }

    /** The same with the parameters uploaded once to {@code memory}'s device, where the forward then runs. */
    public static LatteModel load(WeightStore store, LatteConfig config, DType weightDType, jdit.backend.Memory memory) {
        LatteParameters.check(store, config);
        Workspace mem = memory.workspace();
        DitModel dit = null;
        try {
            Tensor stored = store.tensor("temp_embed");
            Tensor temp = mem.allocate(DType.F32, stored.shape());
            memory.upload(stored, temp);
            dit = DitModel.load(store, config.toDit(), weightDType, memory);
            return new LatteModel(config, dit, temp, mem);
        } catch (RuntimeException e) {
            if (dit != null) {
                dit.close();
            }
            mem.close();
            throw e;
        }
    }

    public LatteConfig config() {
        return config;
    }

    /** Bytes of parameter memory held. */
    public long weightBytes() {
        return dit.weightBytes() + weightMemory.peakBytes();
    }

    /** The model output [B, F, outC, H, W] for latents x [B, F, C, H, W], dense attention; y null if unconditional. */
    public Tensor forward(Tensor x, double[] t, long[] y, Backend be, Workspace ws) {
        return forward(x, t, y, AttentionStep.dense(t.length == 0 ? 0 : t[0]), be, ws);
    }

    /**
     * The same with every self-attention planned by {@code step}'s method (layer i of depth, grids as in the class
     * comment). The result comes from {@code ws}; the intermediates go back to it as the forward proceeds.
     */
    public Tensor forward(Tensor x, double[] t, long[] y, AttentionStep step, Backend be, Workspace ws) {
        checkInput(x, t);
        int b = (int) x.dim(0);
        int f = config.numFrames();
        int g = config.inputSize() / config.patchSize();
        int tokens = g * g;
        int d = config.hiddenSize();
        int heads = config.numHeads();
        Tensor c = dit.conditioning(t, y, be, ws); // [B, D]
        Tensor sc = ws.allocate(DType.F32, c.shape());
        be.pointwise().unary(UnaryOp.SILU, c, sc);
        ws.release(c);
        Tensor xc = x.contiguous(ws);
        Tensor h = dit.tokens(xc.reshape((long) b * f, x.dim(2), x.dim(3), x.dim(4)), be, ws); // [(B F), T, D]
        if (xc != x) {
            ws.release(xc);
        }
        TokenGrid spatial = TokenGrid.image(g, g);
        TokenGrid temporal = new TokenGrid(f, 1, 1);
        for (int i = 0; i < config.depth(); i++) {
            step.probe().enter(i);
            if (i % 2 == 0) {
                Tensor next = dit.block(i, h, sc, step.at(i, config.depth(), spatial, heads, d / heads).on(be, ws), step.method(), be, ws);
                ws.release(h);
                h = next;
                continue;
            }
            Tensor byPosition = regroup(h, b, f, tokens, be, ws); // (b f) t d -> (b t) f d
            ws.release(h);
            if (i == 1) {
                be.pointwise().binary(BinaryOp.ADD, byPosition, tempEmbed, byPosition);
            }
            Tensor next = dit.block(i, byPosition, sc, step.at(i, config.depth(), temporal, heads, d / heads).on(be, ws),
                    step.method(), be, ws);
            ws.release(byPosition);
            h = regroup(next, b, tokens, f, be, ws); // (b t) f d -> (b f) t d
            ws.release(next);
        }
        step.probe().enter(LayerProbe.OUTSIDE_BLOCKS);
        Tensor fin = dit.finalLayer(h.reshape(b, (long) f * tokens, d), sc, be, ws); // one c row per video
        ws.release(h);
        ws.release(sc);
        Tensor out = dit.unpatchify(fin.reshape((long) b * f, tokens, fin.dim(2)), be, ws); // [(B F), outC, H, W]
        ws.release(fin);
        return out.reshape(b, f, config.outChannels(), x.dim(3), x.dim(4));
    }

    /** [(B m), n, D] -> [(B n), m, D]: swaps the two middle axes of [B, m, n, D] into a fresh tensor. */
    private static Tensor regroup(Tensor h, long b, long m, long n, Backend be, Workspace ws) {
        long d = h.dim(2);
        Tensor out = ws.allocate(DType.F32, b * n, m, d);
        be.memory().copy(h.reshape(b, m, n, d).permute(0, 2, 1, 3), out.reshape(b, n, m, d));
        return out;
    }

    private void checkInput(Tensor x, double[] t) {
        if (x.rank() != 5 || x.dim(1) != config.numFrames() || x.dim(2) != config.inChannels()
                || x.dim(3) != config.inputSize() || x.dim(4) != config.inputSize()) {
            throw new IllegalArgumentException("Latte input must be [B, " + config.numFrames() + ", " + config.inChannels()
                    + ", " + config.inputSize() + ", " + config.inputSize() + "] (frames before channels), got " + x.shape());
        }
        if (t.length != x.dim(0)) {
            throw new IllegalArgumentException(t.length + " timesteps for a batch of " + x.dim(0));
        }
    }

    @Override
    public void close() {
        dit.close();
        weightMemory.close();
    }
}
