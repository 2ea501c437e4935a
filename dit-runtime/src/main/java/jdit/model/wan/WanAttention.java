package jdit.model.wan;

import jdit.attention.AttentionContext;
import jdit.attention.AttentionMethod;
import jdit.attention.AttentionPlan;
import jdit.backend.Backend;
import jdit.backend.Epilogue;
import jdit.backend.RopeStyle;
import jdit.nn.AxialRope;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * Wan2.1's attention layers. Both project q, k, v, o with biases and RMS-normalise q and k over the whole hidden
 * size (across heads, before the head split). Self-attention then rotates q and k with the 3-D RoPE (interleaved
 * pairs) and runs under the attention method's plan; cross-attention attends to the embedded text densely, with
 * no RoPE and no mask (the zero-padded text rows take part, as in the official code).
 */
final class WanAttention {
    private WanAttention() {
    }

    /** x [B, S, D] -> [B, S, D]. */
    static Tensor self(WanWeights.Attention w, WanConfig c, Tensor x, AxialRope.Tables rope, AttentionContext ctx,
                       AttentionMethod method, Backend be, Workspace ws) {
        long b = x.dim(0);
        long s = x.dim(1);
        int heads = c.numHeads();
        int hd = c.headDim();
        Tensor q = projectNormed(x, w.q(), w.normQ(), c, be, ws).reshape(b, s, heads, hd);
        Tensor k = projectNormed(x, w.k(), w.normK(), c, be, ws).reshape(b, s, heads, hd);
        Tensor v = linear(x, w.v(), be, ws).reshape(b, s, heads, hd);
        be.pointwise().rope(q, rope.cos(), rope.sin(), RopeStyle.INTERLEAVED, q);
        be.pointwise().rope(k, rope.cos(), rope.sin(), RopeStyle.INTERLEAVED, k);
        AttentionPlan plan = method.plan(ctx, q, k, v);
        Tensor mixed = ws.allocate(DType.F32, b, s, heads, hd);
        be.attention().attend(q, k, v, plan, (float) (1 / Math.sqrt(hd)), mixed);
        release(ws, q, k, v);
        Tensor out = linear(mixed.reshape(b, s, c.dim()), w.o(), be, ws);
        ws.release(mixed);
        return out;
    }

    /** x [B, S, D] attending to the embedded text [B, L, D] -> [B, S, D]. */
    static Tensor cross(WanWeights.Attention w, WanConfig c, Tensor x, Tensor text, Backend be, Workspace ws) {
        long b = x.dim(0);
        long s = x.dim(1);
        long l = text.dim(1);
        int heads = c.numHeads();
        int hd = c.headDim();
        Tensor q = projectNormed(x, w.q(), w.normQ(), c, be, ws).reshape(b, s, heads, hd);
        Tensor k = projectNormed(text, w.k(), w.normK(), c, be, ws).reshape(b, l, heads, hd);
        Tensor v = linear(text, w.v(), be, ws).reshape(b, l, heads, hd);
        Tensor mixed = ws.allocate(DType.F32, b, s, heads, hd);
        be.attention().attend(q, k, v, AttentionPlan.DENSE, (float) (1 / Math.sqrt(hd)), mixed);
        release(ws, q, k, v);
        Tensor out = linear(mixed.reshape(b, s, c.dim()), w.o(), be, ws);
        ws.release(mixed);
        return out;
    }

    static Tensor linear(Tensor x, WanWeights.Linear w, Backend be, Workspace ws) {
        Tensor out = ws.allocate(DType.F32, x.dim(0), x.dim(1), w.weight().dim(0));
        be.gemm().matmul(x, w.weight(), out, Epilogue.linear(w.bias()));
        return out;
    }

    private static Tensor projectNormed(Tensor x, WanWeights.Linear w, Tensor norm, WanConfig c, Backend be, Workspace ws) {
        Tensor p = linear(x, w, be, ws);
        be.norms().rmsNorm(p, norm, (float) c.eps(), p);
        return p;
    }

    private static void release(Workspace ws, Tensor... ts) {
        for (Tensor t : ts) {
            ws.release(t);
        }
    }
}
