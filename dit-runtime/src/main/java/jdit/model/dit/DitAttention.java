package jdit.model.dit;

import jdit.backend.Backend;
import jdit.backend.Epilogue;
import jdit.backend.UnaryOp;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * timm's Attention as DiT uses it: qkv = Linear(D, 3D) with rows [q; k; v], each head-major; dense softmax attention
 * per head with scale Dh^-1/2; then proj. Dense for now: the attention extension point replaces the inner loop.
 */
final class DitAttention {
    private DitAttention() {
    }

    /** h [N, T, D] -> [N, T, D]. */
    static Tensor forward(DitWeights.Block b, DitConfig cfg, Tensor h, Backend be, Workspace ws) {
        int d = cfg.hiddenSize();
        int heads = cfg.numHeads();
        int dh = d / heads;
        long n = h.dim(0);
        long t = h.dim(1);
        Tensor qkv = ws.allocate(DType.F32, n, t, 3L * d);
        be.gemm().matmul(h, b.qkvWeight(), qkv, Epilogue.linear(b.qkvBias()));
        Tensor split = qkv.reshape(n, t, 3, heads, dh); // [N, T, 3, H, Dh]
        Tensor mixed = ws.allocate(DType.F32, n, t, d);
        Tensor scores = ws.allocate(DType.F32, t, t);
        Tensor o = ws.allocate(DType.F32, t, dh);
        float scale = (float) (1 / Math.sqrt(dh));
        for (long i = 0; i < n; i++) {
            for (int hd = 0; hd < heads; hd++) {
                Tensor q = split.select(0, i).select(1, 0).select(1, hd).contiguous(ws); // [T, Dh]
                Tensor k = split.select(0, i).select(1, 1).select(1, hd).contiguous(ws);
                Tensor v = split.select(0, i).select(1, 2).select(1, hd).contiguous(ws);
                be.gemm().matmul(q, k, scores, new Epilogue(null, UnaryOp.IDENTITY, null, scale, true)); // q·kᵀ·scale
                be.pointwise().softmax(scores, 1f, scores);
                be.gemm().matmul(scores, v, o, Epilogue.NONE);
                o.copyTo(mixed.select(0, i).narrow(1, (long) hd * dh, dh));
                ws.release(q);
                ws.release(k);
                ws.release(v);
            }
        }
        Tensor out = ws.allocate(DType.F32, n, t, d);
        be.gemm().matmul(mixed, b.projWeight(), out, Epilogue.linear(b.projBias()));
        return out;
    }
}
