package jdit.model.wan;

import jdit.attention.AttentionContext;
import jdit.attention.AttentionMethod;
import jdit.backend.Backend;
import jdit.backend.BinaryOp;
import jdit.backend.Epilogue;
import jdit.backend.UnaryOp;
import jdit.nn.AxialRope;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * One Wan2.1 block. Its six modulation vectors are the block's {@code modulation} plus the projected time embedding
 * e0, in the order shift, scale, gate (self-attention) then shift, scale, gate (feed-forward):
 * {@code x += gate·SelfAttn(LN(x)·(1+scale)+shift)}, {@code x += CrossAttn(LN_affine(x), text)},
 * {@code x += gate·FFN(LN(x)·(1+scale)+shift)} with a GELU-tanh feed-forward; every LayerNorm in F32, eps from the config.
 */
final class WanBlock {
    private WanBlock() {
    }

    /** x [B, S, D], e0 [B, 6, D], text [B, L, D]; returns the new x (from {@code ws}). */
    static Tensor forward(WanWeights.Block w, WanConfig c, Tensor x, Tensor e0, Tensor text, AxialRope.Tables rope,
                          AttentionContext ctx, AttentionMethod method, Backend be, Workspace ws) {
        long b = x.dim(0);
        int d = c.dim();
        float eps = (float) c.eps();
        Tensor mod = ws.allocate(DType.F32, b, 6, d);
        be.pointwise().binary(BinaryOp.ADD, e0, w.modulation(), mod);
        Tensor[] m = new Tensor[6]; // shift_sa, scale_sa, gate_sa, shift_ffn, scale_ffn, gate_ffn
        for (int k = 0; k < 6; k++) {
            m[k] = ws.copy(mod.select(1, k));
        }
        Tensor out = ws.allocate(DType.F32, x.shape());
        be.memory().copy(x, out);
        Tensor h = ws.allocate(DType.F32, x.shape());

        be.norms().layerNorm(out, null, null, eps, h);
        be.pointwise().modulate(h, m[0], m[1], h);
        Tensor y = WanAttention.self(w.self(), c, h, rope, ctx, method, be, ws);
        be.pointwise().gatedAdd(out, y, m[2], out);
        ws.release(y);

        be.norms().layerNorm(out, w.norm3Weight(), w.norm3Bias(), eps, h);
        y = WanAttention.cross(w.cross(), c, h, text, be, ws);
        be.pointwise().binary(BinaryOp.ADD, out, y, out);
        ws.release(y);

        be.norms().layerNorm(out, null, null, eps, h);
        be.pointwise().modulate(h, m[3], m[4], h);
        Tensor hidden = ws.allocate(DType.F32, b, x.dim(1), c.ffnDim());
        be.gemm().matmul(h, w.ffn0().weight(), hidden, Epilogue.linear(w.ffn0().bias()).withActivation(UnaryOp.GELU_TANH));
        y = ws.allocate(DType.F32, x.shape());
        be.gemm().matmul(hidden, w.ffn2().weight(), y, Epilogue.linear(w.ffn2().bias()));
        ws.release(hidden);
        be.pointwise().gatedAdd(out, y, m[5], out);
        ws.release(y);
        ws.release(h);
        for (Tensor t : m) {
            ws.release(t);
        }
        ws.release(mod);
        return out;
    }
}
