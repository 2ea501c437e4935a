package jdit.model.dit;

import jdit.attention.AttentionContext;
import jdit.attention.AttentionMethod;
import jdit.backend.Backend;
import jdit.backend.Epilogue;
import jdit.backend.UnaryOp;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * One adaLN-Zero block: {@code shift, scale, gate} for attention then for the MLP come from Linear(D, 6D)(SiLU(c))
 * in that order; {@code x += gate·Attn(LN(x)·(1+scale)+shift)}, then the same with the GELU-tanh MLP.
 */
final class DitBlock {
    private DitBlock() {
    }

    /**
     * x [N, T, D], sc = SiLU(c) [G, D] with G dividing N: conditioning row g modulates the N/G consecutive sequences
     * g·N/G.. (G = N for DiT; Latte passes one row per video instead of repeating it per frame or position). Only the
     * attention sees the [N, T] split; the modulation, residuals and MLP view x as [G, N/G·T, D]. Returns the new x
     * (a fresh tensor from {@code ws}).
     */
    static Tensor forward(DitWeights.Block b, DitConfig cfg, Tensor x, Tensor sc, AttentionContext ctx, AttentionMethod method,
                          Backend be, Workspace ws) {
        int d = cfg.hiddenSize();
        long n = x.dim(0);
        long t = x.dim(1);
        long g = sc.dim(0);
        if (g < 1 || n % g != 0) {
            throw new IllegalArgumentException(g + " conditioning rows for a batch of " + n + " sequences");
        }
        Tensor mod = ws.allocate(DType.F32, g, 6L * d);
        be.gemm().matmul(sc, b.adaWeight(), mod, Epilogue.linear(b.adaBias()));
        Tensor[] m = new Tensor[6]; // shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp
        for (int k = 0; k < 6; k++) {
            m[k] = ws.copy(mod.narrow(1, (long) k * d, d));
        }
        Tensor out = ws.allocate(DType.F32, x.shape());
        x.copyTo(out);
        Tensor outG = out.reshape(g, -1, d);

        Tensor h = ws.allocate(DType.F32, x.shape());
        Tensor hG = h.reshape(g, -1, d);
        be.norms().layerNorm(out, null, null, 1e-6f, h);
        be.pointwise().modulate(hG, m[0], m[1], hG);
        Tensor a = DitAttention.forward(b, cfg, h, ctx, method, be, ws);
        addGated(outG, a.reshape(g, -1, d), m[2], be);
        ws.release(a);

        be.norms().layerNorm(out, null, null, 1e-6f, h);
        be.pointwise().modulate(hG, m[3], m[4], hG);
        Tensor hidden = ws.allocate(DType.F32, n, t, 4L * d);
        be.gemm().matmul(h, b.fc1Weight(), hidden, Epilogue.linear(b.fc1Bias()).withActivation(UnaryOp.GELU_TANH));
        Tensor mlp = ws.allocate(DType.F32, n, t, d);
        be.gemm().matmul(hidden, b.fc2Weight(), mlp, Epilogue.linear(b.fc2Bias()));
        ws.release(hidden);
        addGated(outG, mlp.reshape(g, -1, d), m[5], be);
        ws.release(mlp);
        ws.release(h);
        for (Tensor chunk : m) {
            ws.release(chunk);
        }
        ws.release(mod);
        return out;
    }

    /** x += gate[:, None, :] · y. */
    private static void addGated(Tensor x, Tensor y, Tensor gate, Backend be) {
        be.pointwise().gatedAdd(x, y, gate, x);
    }
}
