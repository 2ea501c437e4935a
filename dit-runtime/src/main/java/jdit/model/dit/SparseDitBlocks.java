package jdit.model.dit;

import jdit.attention.AttentionPlan;
import jdit.attention.TokenGrid;
import jdit.backend.Backend;
import jdit.backend.Epilogue;
import jdit.backend.ReduceOp;
import jdit.nn.GridPooling;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * The three block kinds SparseDiT adds to DiT's, each adaLN-Zero with DiT's modulation and MLP ({@link DitBlock}):
 * <ul>
 *   <li>Poolingformer: the attention weights are uniform, so each token's attention output is {@code proj(mean V)};
 *   <li>token merge: sparse tokens x attend to the dense tokens y, both normalised and modulated by the same
 *       shift and scale; the MLP runs on the sparse tokens;
 *   <li>recovery: the sparse tokens are upsampled (nearest) to the dense grid and merged with the dense skip as
 *       {@code merged_layer1(up) + merged_layer2(y)}; the merged tokens attend to the sparse ones; the MLP runs dense.
 * </ul>
 * Cross-attention is dense softmax attention over all heads, as the published {@code CrossAttention}.
 */
final class SparseDitBlocks {
    private SparseDitBlocks() {
    }

    /** x [B, N, D] -> a fresh [B, N, D]. */
    static Tensor pooling(SparseDitWeights.Block w, int d, Tensor x, Tensor sc, Backend be, Workspace ws) {
        long b = x.dim(0);
        Tensor[] m = DitBlock.modulation(w.dit(), d, sc, be, ws);
        Tensor out = ws.copy(x);
        Tensor h = DitBlock.normModulated(out, b, m[0], m[1], be, ws);
        Tensor v = ws.allocate(DType.F32, x.shape());
        be.gemm().matmul(h, w.vWeight(), v, Epilogue.linear(w.vBias()));
        ws.release(h);
        Tensor mean = ws.allocate(DType.F32, b, 1, d);
        be.reductions().reduce(ReduceOp.MEAN, v, 1, mean);
        ws.release(v);
        Tensor a = ws.allocate(DType.F32, b, 1, d);
        be.gemm().matmul(mean, w.dit().projWeight(), a, Epilogue.linear(w.dit().projBias()));
        ws.release(mean);
        Tensor gated = ws.allocate(DType.F32, b, 1, d);
        be.pointwise().binary(jdit.backend.BinaryOp.MUL, a, m[2].reshape(b, 1, d), gated);
        be.pointwise().binary(jdit.backend.BinaryOp.ADD, out, gated, out); // the same row for every token
        ws.release(gated);
        ws.release(a);
        DitBlock.mlpResidual(w.dit(), d, out, b, m, be, ws);
        DitBlock.release(m, ws);
        return out;
    }

    /** Sparse x [B, S, D] attending to dense y [B, N, D] -> a fresh [B, S, D]. */
    static Tensor merge(SparseDitWeights.Block w, DitConfig cfg, Tensor x, Tensor y, Tensor sc, Backend be, Workspace ws) {
        return crossBlock(w, cfg, ws.copy(x), y, sc, be, ws);
    }

    /** Sparse x [B, S, D] on grid {@code sparse} and the dense skip y [B, N, D] on {@code dense} -> a fresh [B, N, D]. */
    static Tensor recover(SparseDitWeights.Block w, DitConfig cfg, Tensor x, TokenGrid sparse, Tensor y, TokenGrid dense,
                          Tensor sc, Backend be, Workspace ws) {
        return crossBlock(w, cfg, merged(w, x, sparse, y, dense, be, ws), x, sc, be, ws);
    }

    /**
     * The adaLN-Zero block both cross kinds share, in place on {@code out}: out += gate·CrossAttn(queries from out,
     * keys and values from {@code kv}, both normalised and modulated alike), then the MLP residual.
     */
    private static Tensor crossBlock(SparseDitWeights.Block w, DitConfig cfg, Tensor out, Tensor kv, Tensor sc, Backend be,
                                     Workspace ws) {
        int d = cfg.hiddenSize();
        long b = out.dim(0);
        Tensor[] m = DitBlock.modulation(w.dit(), d, sc, be, ws);
        Tensor hq = DitBlock.normModulated(out, b, m[0], m[1], be, ws);
        Tensor hk = DitBlock.normModulated(kv, b, m[0], m[1], be, ws);
        Tensor a = crossAttention(w, cfg, hq, hk, be, ws);
        ws.release(hq);
        ws.release(hk);
        DitBlock.addGated(out, a, m[2], be);
        ws.release(a);
        DitBlock.mlpResidual(w.dit(), d, out, b, m, be, ws);
        DitBlock.release(m, ws);
        return out;
    }

    /** {@code merged_layer1(up(x)) + merged_layer2(y)}: the sparse tokens upsampled (nearest) and the dense skip, merged. */
    static Tensor merged(SparseDitWeights.Block w, Tensor x, TokenGrid sparse, Tensor y, TokenGrid dense, Backend be,
                         Workspace ws) {
        Tensor up = ws.allocate(DType.F32, y.shape());
        GridPooling.upsample(x, sparse, dense, up, false, be, ws);
        Tensor out = ws.allocate(DType.F32, y.shape());
        be.gemm().matmul(up, w.merged1Weight(), out, Epilogue.linear(w.merged1Bias()));
        ws.release(up);
        be.gemm().matmul(y, w.merged2Weight(), out, Epilogue.linear(w.merged2Bias()).withResidual(out));
        return out;
    }

    /** q = Linear q(hq), k and v = Linear kv(hk) (rows [k; v], head-major), softmax attention per head, proj. */
    private static Tensor crossAttention(SparseDitWeights.Block w, DitConfig cfg, Tensor hq, Tensor hk, Backend be, Workspace ws) {
        int d = cfg.hiddenSize();
        int heads = cfg.numHeads();
        int dh = d / heads;
        long b = hq.dim(0);
        long nq = hq.dim(1);
        long nk = hk.dim(1);
        Tensor q = ws.allocate(DType.F32, b, nq, d);
        be.gemm().matmul(hq, w.qWeight(), q, Epilogue.linear(w.qBias()));
        Tensor kv = ws.allocate(DType.F32, b, nk, 2L * d);
        be.gemm().matmul(hk, w.kvWeight(), kv, Epilogue.linear(w.kvBias()));
        Tensor split = kv.reshape(b, nk, 2, heads, dh);
        Tensor mixed = ws.allocate(DType.F32, b, nq, d);
        be.attention().attend(q.reshape(b, nq, heads, dh), split.select(2, 0), split.select(2, 1), AttentionPlan.DENSE,
                (float) (1 / Math.sqrt(dh)), mixed.reshape(b, nq, heads, dh));
        ws.release(q);
        ws.release(kv);
        Tensor out = ws.allocate(DType.F32, b, nq, d);
        be.gemm().matmul(mixed, w.dit().projWeight(), out, Epilogue.linear(w.dit().projBias()));
        ws.release(mixed);
        return out;
    }
}
