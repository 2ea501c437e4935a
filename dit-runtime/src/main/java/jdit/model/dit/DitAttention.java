package jdit.model.dit;

import jdit.attention.AttentionContext;
import jdit.attention.AttentionPlan;
import jdit.backend.Backend;
import jdit.backend.Epilogue;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * timm's Attention as DiT uses it: qkv = Linear(D, 3D) with rows [q; k; v], each head-major; softmax attention per
 * head with scale Dh^-1/2, computed by the backend's kernel under the plan the attention method gives; then proj.
 */
final class DitAttention {
    private DitAttention() {
    }

    /** h [N, T, D] -> [N, T, D]. */
    static Tensor forward(DitWeights.Block b, DitConfig cfg, Tensor h, AttentionContext ctx,
                          jdit.attention.AttentionMethod method, Backend be, Workspace ws) {
        int d = cfg.hiddenSize();
        int heads = cfg.numHeads();
        int dh = d / heads;
        long n = h.dim(0);
        long t = h.dim(1);
        Tensor qkv = ws.allocate(DType.F32, n, t, 3L * d);
        be.gemm().matmul(h, b.qkvWeight(), qkv, Epilogue.linear(b.qkvBias()));
        Tensor split = qkv.reshape(n, t, 3, heads, dh); // [N, T, 3, H, Dh]
        Tensor q = split.select(2, 0);
        Tensor k = split.select(2, 1);
        Tensor v = split.select(2, 2);
        AttentionPlan plan = method.plan(ctx, q, k, v);
        Tensor mixed = ws.allocate(DType.F32, n, t, d);
        be.attention().attend(q, k, v, plan, (float) (1 / Math.sqrt(dh)), mixed.reshape(n, t, heads, dh));
        ws.release(qkv);
        Tensor out = ws.allocate(DType.F32, n, t, d);
        be.gemm().matmul(mixed, b.projWeight(), out, Epilogue.linear(b.projBias()));
        ws.release(mixed);
        return out;
    }
}
