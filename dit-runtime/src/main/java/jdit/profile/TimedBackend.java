package jdit.profile;

import jdit.backend.Attention;
import jdit.backend.Backend;
import jdit.backend.BinaryOp;
import jdit.backend.Conv;
import jdit.backend.Conv2dSpec;
import jdit.backend.Conv3dSpec;
import jdit.backend.Epilogue;
import jdit.backend.Gemm;
import jdit.backend.Memory;
import jdit.backend.Norms;
import jdit.backend.Pointwise;
import jdit.backend.ReduceOp;
import jdit.backend.Reductions;
import jdit.backend.RopeStyle;
import jdit.backend.UnaryOp;
import jdit.tensor.Tensor;

/**
 * A backend that times every op of another into an {@link OpStats}: wall time around each call (ops are synchronous
 * on the CPU; a device backend would synchronise first). Ops a backend runs inside another (the gemm inside conv or
 * attention) count once, under the outer op.
 */
public final class TimedBackend {
    @FunctionalInterface
    private interface Op {
        void run();
    }

    private final OpStats stats;

    private TimedBackend(OpStats stats) {
        this.stats = stats;
    }

    public static Backend wrap(Backend be, OpStats stats) {
        TimedBackend t = new TimedBackend(stats);
        return new Backend(be.device(), t.memory(be.memory()), t.gemm(be.gemm()), t.norms(be.norms()),
                t.pointwise(be.pointwise()), t.conv(be.conv()), t.reductions(be.reductions()), t.attention(be.attention()));
    }

    private void time(OpKind kind, double flops, Op op) {
        long t0 = System.nanoTime();
        op.run();
        stats.add(kind, System.nanoTime() - t0, flops);
    }

    private Gemm gemm(Gemm g) {
        return new Gemm() {
            @Override
            public void matmul(Tensor a, Tensor b, Tensor out, Epilogue ep) {
                long k = a.dim(-1);
                long n = out.dim(-1);
                long t0 = System.nanoTime();
                g.matmul(a, b, out, ep);
                stats.addGemm(new OpStats.GemmShape(k, n), System.nanoTime() - t0, 2.0 * (out.numel() / Math.max(n, 1)) * n * k);
            }

            @Override
            public void batchedMatmul(Tensor a, Tensor b, Tensor out, Epilogue ep) {
                long k = a.dim(-1);
                long n = out.dim(-1);
                long t0 = System.nanoTime();
                g.batchedMatmul(a, b, out, ep);
                stats.addGemm(new OpStats.GemmShape(k, n), System.nanoTime() - t0, 2.0 * out.numel() * k);
            }
        };
    }

    private Attention attention(Attention at) {
        return (q, k, v, plan, scale, out, lse) -> {
            long t0 = System.nanoTime();
            at.attend(q, k, v, plan, scale, out, lse);
            stats.addAttention(new OpStats.AttentionShape(q.dim(1), k.dim(1)), System.nanoTime() - t0,
                    4.0 * q.dim(0) * q.dim(1) * q.dim(2) * k.dim(1) * q.dim(3) * plan.density());
        };
    }

    private Norms norms(Norms n) {
        return new Norms() {
            @Override
            public void layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out) {
                time(OpKind.LAYER_NORM, 0, () -> n.layerNorm(x, weight, bias, eps, out));
            }

            @Override
            public void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out) {
                time(OpKind.RMS_NORM, 0, () -> n.rmsNorm(x, weight, eps, out));
            }

            @Override
            public void groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, float eps, Tensor out) {
                time(OpKind.GROUP_NORM, 0, () -> n.groupNorm(x, groups, weight, bias, eps, out));
            }
        };
    }

    private Pointwise pointwise(Pointwise p) {
        return new Pointwise() {
            @Override
            public void unary(UnaryOp op, Tensor x, Tensor out) {
                time(OpKind.UNARY, 0, () -> p.unary(op, x, out));
            }

            @Override
            public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
                time(OpKind.BINARY, 0, () -> p.binary(op, a, b, out));
            }

            @Override
            public void scaleAdd(Tensor a, float alpha, Tensor b, float beta, Tensor out) {
                time(OpKind.SCALE_ADD, 0, () -> p.scaleAdd(a, alpha, b, beta, out));
            }

            @Override
            public void modulate(Tensor x, Tensor shift, Tensor scale, Tensor out) {
                time(OpKind.MODULATE, 0, () -> p.modulate(x, shift, scale, out));
            }

            @Override
            public void gatedAdd(Tensor x, Tensor y, Tensor gate, Tensor out) {
                time(OpKind.GATED_ADD, 0, () -> p.gatedAdd(x, y, gate, out));
            }

            @Override
            public void softmax(Tensor x, float scale, Tensor out) {
                time(OpKind.SOFTMAX, 0, () -> p.softmax(x, scale, out));
            }

            @Override
            public void rope(Tensor x, Tensor cos, Tensor sin, RopeStyle style, Tensor out) {
                time(OpKind.ROPE, 0, () -> p.rope(x, cos, sin, style, out));
            }
        };
    }

    private Conv conv(Conv c) {
        return new Conv() {
            @Override
            public void conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec, Tensor out) {
                double flops = 2.0 * out.numel() * w.dim(1) * w.dim(2) * w.dim(3);
                time(OpKind.CONV, flops, () -> c.conv2d(x, w, bias, spec, out));
            }

            @Override
            public void conv3d(Tensor x, Tensor w, Tensor bias, Conv3dSpec spec, Tensor out) {
                double flops = 2.0 * out.numel() * w.dim(1) * w.dim(2) * w.dim(3) * w.dim(4);
                time(OpKind.CONV, flops, () -> c.conv3d(x, w, bias, spec, out));
            }
        };
    }

    private Reductions reductions(Reductions r) {
        return (op, x, axis, out) -> time(OpKind.REDUCE, 0, () -> r.reduce(op, x, axis, out));
    }

    private Memory memory(Memory m) {
        return new Memory() {
            @Override
            public void copy(Tensor src, Tensor dst) {
                time(OpKind.MEMORY, 0, () -> m.copy(src, dst));
            }

            @Override
            public void fill(Tensor dst, float value) {
                time(OpKind.MEMORY, 0, () -> m.fill(dst, value));
            }

            @Override
            public void synchronize() {
                m.synchronize();
            }

            @Override
            public jdit.tensor.Workspace workspace() {
                return m.workspace();
            }

            @Override
            public void upload(Tensor host, Tensor dst) {
                time(OpKind.MEMORY, 0, () -> m.upload(host, dst));
            }

            @Override
            public void download(Tensor src, Tensor host) {
                time(OpKind.MEMORY, 0, () -> m.download(src, host));
            }

            @Override
            public void gatherRows(Tensor src, Tensor index, Tensor dst) {
                time(OpKind.MEMORY, 0, () -> m.gatherRows(src, index, dst));
            }

            @Override
            public void scatterRows(Tensor src, Tensor index, Tensor dst) {
                time(OpKind.MEMORY, 0, () -> m.scatterRows(src, index, dst));
            }

            @Override
            public void meanRows(Tensor src, Tensor offsets, Tensor rows, Tensor dst) {
                time(OpKind.MEMORY, 0, () -> m.meanRows(src, offsets, rows, dst));
            }
        };
    }
}
