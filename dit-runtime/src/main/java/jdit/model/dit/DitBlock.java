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
        long g = sc.dim(0);
        if (g < 1 || n % g != 0) {
            throw new IllegalArgumentException(g + " conditioning rows for a batch of " + n + " sequences");
        }
        Tensor[] m = modulation(b, d, sc, be, ws);
        Tensor out = ws.copy(x);
        Tensor outG = out.reshape(g, -1, d);
        Tensor h = normModulated(out, g, m[0], m[1], be, ws);
        Tensor a = DitAttention.forward(b, cfg, h, ctx, method, be, ws);
        ws.release(h);
        addGated(outG, a.reshape(g, -1, d), m[2], be);
        ws.release(a);
        mlpResidual(b, d, out, g, m, be, ws);
        release(m, ws);
        return out;
    }

    /** shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp [G, D] from Linear(D, 6D)(sc). */
    static Tensor[] modulation(DitWeights.Block b, int d, Tensor sc, Backend be, Workspace ws) {
        Tensor mod = ws.allocate(DType.F32, sc.dim(0), 6L * d);
        be.gemm().matmul(sc, b.adaWeight(), mod, Epilogue.linear(b.adaBias()));
        Tensor[] m = new Tensor[6];
        for (int k = 0; k < 6; k++) {
            m[k] = ws.copy(mod.narrow(1, (long) k * d, d));
        }
        ws.release(mod);
        return m;
    }

    /** LayerNorm (no affine) of x [N, T, D], modulated by shift and scale [G, D]: a fresh tensor. */
    static Tensor normModulated(Tensor x, long g, Tensor shift, Tensor scale, Backend be, Workspace ws) {
        Tensor h = ws.allocate(DType.F32, x.shape());
        be.norms().layerNorm(x, null, null, 1e-6f, h);
        Tensor hG = h.reshape(g, -1, x.dim(x.rank() - 1));
        be.pointwise().modulate(hG, shift, scale, hG);
        return h;
    }

    /** out += gate_mlp · MLP(LN(out)·(1 + scale_mlp) + shift_mlp), the GELU-tanh MLP. */
    static void mlpResidual(DitWeights.Block b, int d, Tensor out, long g, Tensor[] m, Backend be, Workspace ws) {
        Tensor h = normModulated(out, g, m[3], m[4], be, ws);
        Tensor hidden = ws.allocate(DType.F32, out.dim(0), out.dim(1), 4L * d);
        be.gemm().matmul(h, b.fc1Weight(), hidden, Epilogue.linear(b.fc1Bias()).withActivation(UnaryOp.GELU_TANH));
        ws.release(h);
        Tensor mlp = ws.allocate(DType.F32, out.dim(0), out.dim(1), d);
        be.gemm().matmul(hidden, b.fc2Weight(), mlp, Epilogue.linear(b.fc2Bias()));
        ws.release(hidden);
        addGated(out.reshape(g, -1, d), mlp.reshape(g, -1, d), m[5], be);
        ws.release(mlp);
    }

    static void release(Tensor[] m, Workspace ws) {
        for (Tensor chunk : m) {
            ws.release(chunk);
        }
    }

    /** x += gate[:, None, :] · y. */
    static void addGated(Tensor x, Tensor y, Tensor gate, Backend be) {
        be.pointwise().gatedAdd(x, y, gate, x);
    }
}
