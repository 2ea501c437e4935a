package jdit.vae.wan;

import jdit.attention.AttentionPlan;
import jdit.backend.Backend;
import jdit.backend.BinaryOp;
import jdit.backend.Conv3dSpec;
import jdit.backend.Epilogue;
import jdit.backend.UnaryOp;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * The Wan VAE's building blocks over one chunk of frames, activations [B, C, T, H, W]: RMS_norm, causal 3-D
 * convolutions that take their history from the {@link FrameCache}, the residual block and the per-frame attention.
 * Every method returns a new tensor from the workspace and leaves its input to the caller, who releases it.
 */
final class WanLayers {
    /** Causal history of a kernel-3 time axis: {@code CausalConv3d} pads 2 frames in front. */
    static final int HISTORY = 2;

    final WanVaeWeights w;
    final Backend be;
    final Workspace ws;
    final FrameCache cache;

    WanLayers(WanVaeWeights w, Backend be, Workspace ws, FrameCache cache) {
        this.w = w;
        this.be = be;
        this.ws = ws;
        this.cache = cache;
    }

    /** Releases {@code done} and returns {@code result}: activations live one layer at a time. */
    Tensor next(Tensor done, Tensor result) {
        ws.release(done);
        return result;
    }

    /**
     * RMS_norm over channels, {@code F.normalize(x, dim=1)·sqrt(C)·gamma}, optionally followed by SiLU, with the
     * result channels-last: x [B, C, *S] gives [B, *S, C]. The backend's row RMS norm {@code x / sqrt(mean(x²) + eps)}
     * is the same quantity; eps stands in for normalize's floor of 1e-12 on the norm.
     */
    Tensor rmsNormChannelsLast(Tensor x, String gamma, boolean silu) {
        int r = x.rank();
        int[] toLast = new int[r];
        long[] dims = new long[r];
        toLast[0] = 0;
        dims[0] = x.dim(0);
        for (int i = 1; i < r; i++) { // [B, *S, C]
            toLast[i] = i == r - 1 ? 1 : i + 1;
            dims[i] = x.dim(toLast[i]);
        }
        Tensor out = ws.allocate(DType.F32, dims);
        be.memory().copy(x.permute(toLast), out);
        float eps = (float) (1e-24 / x.dim(1));
        be.norms().rmsNorm(out, w.vector(gamma), eps, out);
        if (silu) {
            be.pointwise().unary(UnaryOp.SILU, out, out);
        }
        return out;
    }

    /** RMS_norm (and SiLU) of x [B, C, *S] written into {@code out} [B, C, *S], which may be a view. */
    void rmsNorm(Tensor x, String gamma, boolean silu, Tensor out) {
        Tensor last = rmsNormChannelsLast(x, gamma, silu);
        be.memory().copy(channelsFirst(last), out);
        ws.release(last);
    }

    /** The view [B, C, *S] of a channels-last [B, *S, C]. */
    static Tensor channelsFirst(Tensor last) {
        int r = last.rank();
        int[] order = new int[r];
        order[0] = 0;
        order[1] = r - 1;
        for (int i = 2; i < r; i++) {
            order[i] = i - 1;
        }
        return last.permute(order);
    }

    /** Causal conv (kernel time 3, spatial padding kernel/2) of x [B, C, T, H, W] after the remembered frames. */
    Tensor causalConv(Tensor x, String prefix) {
        Tensor buf = cache.withHistory(prefix, HISTORY, x);
        be.memory().copy(x, buf.narrow(2, HISTORY, x.dim(2)));
        return convHistory(buf, prefix);
    }

    /** RMS_norm, SiLU and causal conv: the norm is written straight into the conv's history buffer. */
    Tensor normSiluConv(Tensor x, String gamma, String prefix) {
        Tensor buf = cache.withHistory(prefix, HISTORY, x);
        rmsNorm(x, gamma, true, buf.narrow(2, HISTORY, x.dim(2)));
        return convHistory(buf, prefix);
    }

    /** Convolves a history buffer without time padding, remembers its last frames and releases it. */
    private Tensor convHistory(Tensor buf, String prefix) {
        Tensor wt = w.get(prefix + ".weight");
        int ph = (int) wt.dim(3) / 2;
        int pw = (int) wt.dim(4) / 2;
        long t = buf.dim(2) - (wt.dim(2) - 1);
        Tensor out = ws.allocate(DType.F32, buf.dim(0), wt.dim(0), t, buf.dim(3), buf.dim(4));
        be.conv().conv3d(buf, wt, w.get(prefix + ".bias"), new Conv3dSpec(1, 1, 1, 0, 0, ph, pw), out);
        cache.remember(prefix, buf, HISTORY);
        ws.release(buf);
        return out;
    }

    /** A 1x1x1 conv (a per-position linear map over channels; no history). */
    Tensor pointConv(Tensor x, String prefix) {
        Tensor wt = w.get(prefix + ".weight");
        Tensor out = ws.allocate(DType.F32, x.dim(0), wt.dim(0), x.dim(2), x.dim(3), x.dim(4));
        be.conv().conv3d(x, wt, w.get(prefix + ".bias"), Conv3dSpec.symmetric(1, 0, 0, 0), out);
        return out;
    }

    /** ResidualBlock: RMS→SiLU→conv 3³→RMS→SiLU→conv 3³, plus x (through a 1³ conv when channels change). */
    Tensor residual(Tensor x, String p) {
        boolean projected = w.exists(p + ".shortcut.weight");
        Tensor shortcut = projected ? pointConv(x, p + ".shortcut") : x;
        Tensor h = normSiluConv(x, p + ".residual.0.gamma", p + ".residual.2");
        h = next(h, normSiluConv(h, p + ".residual.3.gamma", p + ".residual.6"));
        be.pointwise().binary(BinaryOp.ADD, h, shortcut, h);
        if (projected) {
            ws.release(shortcut);
        }
        return h;
    }

    /**
     * AttentionBlock: per frame, single-head self-attention over the H·W positions of the RMS-normalised map (1x1
     * conv to q, k, v; scale C^-1/2; 1x1 conv out), plus x.
     */
    Tensor attention(Tensor x, String p) {
        long b = x.dim(0);
        long c = x.dim(1);
        long frames = b * x.dim(2);
        long hw = x.dim(3) * x.dim(4);
        Tensor normed = rmsNormChannelsLast(x, p + ".norm.gamma", false); // [B, T, H, W, C]
        Tensor qkv = ws.allocate(DType.F32, frames, hw, 3 * c);
        be.gemm().matmul(normed.reshape(frames * hw, c), w.matrix(p + ".to_qkv.weight"), qkv.reshape(frames * hw, 3 * c),
                Epilogue.linear(w.get(p + ".to_qkv.bias")));
        ws.release(normed);
        Tensor mixed = ws.allocate(DType.F32, frames, hw, 1, c);
        be.attention().attend(qkv.narrow(2, 0, c).unsqueeze(2), qkv.narrow(2, c, c).unsqueeze(2),
                qkv.narrow(2, 2 * c, c).unsqueeze(2), AttentionPlan.DENSE, (float) (1 / Math.sqrt(c)), mixed);
        ws.release(qkv);
        Tensor proj = ws.allocate(DType.F32, frames * hw, c);
        be.gemm().matmul(mixed.reshape(frames * hw, c), w.matrix(p + ".proj.weight"), proj,
                Epilogue.linear(w.get(p + ".proj.bias")));
        ws.release(mixed);
        Tensor out = ws.allocate(DType.F32, x.shape());
        be.memory().copy(channelsFirst(proj.reshape(b, x.dim(2), x.dim(3), x.dim(4), c)), out);
        ws.release(proj);
        be.pointwise().binary(BinaryOp.ADD, out, x, out);
        return out;
    }
}
