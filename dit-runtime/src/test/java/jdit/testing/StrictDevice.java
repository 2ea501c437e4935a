package jdit.testing;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jdit.attention.AttentionPlan;
import jdit.backend.Attention;
import jdit.backend.Backend;
import jdit.backend.BinaryOp;
import jdit.backend.Conv2dSpec;
import jdit.backend.Conv3dSpec;
import jdit.backend.Conv;
import jdit.backend.Epilogue;
import jdit.backend.Gemm;
import jdit.backend.Memory;
import jdit.backend.Norms;
import jdit.backend.Pointwise;
import jdit.backend.ReduceOp;
import jdit.backend.Reductions;
import jdit.backend.RopeStyle;
import jdit.backend.UnaryOp;
import jdit.tensor.Device;
import jdit.tensor.SlabSource;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * A test double of a device backend: a backend's ops run unchanged on host memory, but every tensor its workspaces
 * hand out is marked as living on {@link #DEVICE}, so any read or write of an activation from Java throws exactly as
 * it would for a GPU tensor, and every op refuses host tensors as the CUDA backend does. A model that runs through it
 * moves data only through backend ops and explicit transfers, and so runs on a real device too.
 */
public final class StrictDevice {
    /** The device the double's tensors claim to live on. */
    public static final Device DEVICE = Device.cuda(7);

    private StrictDevice() {
    }

    /** {@code host}'s ops behind device-marked tensors. */
    public static Backend over(Backend host) {
        Memory m = host.memory();
        Gemm g = host.gemm();
        Norms n = host.norms();
        Pointwise p = host.pointwise();
        Conv c = host.conv();
        Reductions r = host.reductions();
        Attention a = host.attention();
        return new Backend(DEVICE, new StrictMemory(m), new Gemm() {
            @Override
            public void matmul(Tensor x, Tensor b, Tensor out, Epilogue e) {
                g.matmul(h(x), h(b), h(out), epilogue(e));
            }

            @Override
            public void batchedMatmul(Tensor x, Tensor b, Tensor out, Epilogue e) {
                g.batchedMatmul(h(x), h(b), h(out), epilogue(e));
            }
        }, new Norms() {
            @Override
            public void layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out) {
                n.layerNorm(h(x), h(weight), h(bias), eps, h(out));
            }

            @Override
            public void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out) {
                n.rmsNorm(h(x), h(weight), eps, h(out));
            }

            @Override
            public void groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, float eps, Tensor out) {
                n.groupNorm(h(x), groups, h(weight), h(bias), eps, h(out));
            }
        }, new StrictPointwise(p), new Conv() {
            @Override
            public void conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec, Tensor out) {
                c.conv2d(h(x), h(w), h(bias), spec, h(out));
            }

            @Override
            public void conv3d(Tensor x, Tensor w, Tensor bias, Conv3dSpec spec, Tensor out) {
                c.conv3d(h(x), h(w), h(bias), spec, h(out));
            }
        }, (ReduceOp op, Tensor x, int axis, Tensor out) -> r.reduce(op, h(x), axis, h(out)),
                (Tensor q, Tensor k, Tensor v, AttentionPlan plan, float scale, Tensor out, Tensor lse) ->
                        a.attend(h(q), h(k), h(v), plan, scale, h(out), h(lse)));
    }

    /**
     * The host view of a device-marked tensor (same memory, same strides); null stays null. A host tensor given to a
     * device op is the bug this double exists to find, so it throws.
     */
    static Tensor h(Tensor t) {
        if (t == null) {
            return null;
        }
        if (!t.device().equals(DEVICE)) {
            throw new IllegalArgumentException("a device op got " + t + ", a tensor on " + t.device() + "; upload it first");
        }
        return hostView(t);
    }

    /** The host view of any tensor of the double (for its own transfers). */
    static Tensor hostView(Tensor t) {
        long span = 1;
        for (int i = 0; i < t.rank(); i++) {
            span = t.dim(i) == 0 ? 0 : span + (t.dim(i) - 1) * t.stride(i);
        }
        long bytes = Math.max(1, span * t.dtype().byteSize());
        MemorySegment m = MemorySegment.ofAddress(t.address()).reinterpret(bytes);
        return Tensor.view(m, t.dtype(), t.shape(), t.strides(), 0);
    }

    static void requireHost(Tensor t) {
        if (t.device().kind() != Device.Kind.CPU) {
            throw new IllegalArgumentException("a transfer's host side got " + t + ", a tensor on " + t.device());
        }
    }

    private static Epilogue epilogue(Epilogue e) {
        return new Epilogue(h(e.bias()), e.activation(), h(e.residual()), e.alpha(), e.transposedB());
    }

    /** Host slabs from a shared arena, handed out as device memory. */
    static final class Slabs implements SlabSource {
        private final Arena arena = Arena.ofShared();
        private final Memory memory;

        Slabs(Memory memory) {
            this.memory = memory;
        }

        @Override
        public Device device() {
            return DEVICE;
        }

        @Override
        public MemorySegment allocate(long bytes) {
            return arena.allocate(bytes, 64);
        }

        @Override
        public void zero(MemorySegment slab) {
            slab.fill((byte) 0);
        }

        @Override
        public void copy(Tensor src, Tensor dst) {
            memory.copy(src, dst);
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    /** The memory ops over host views, and transfers that check which side is the host. */
    record StrictMemory(Memory host) implements Memory {
        @Override
        public void copy(Tensor src, Tensor dst) {
            host.copy(h(src), h(dst));
        }

        @Override
        public void fill(Tensor dst, float value) {
            host.fill(h(dst), value);
        }

        @Override
        public void synchronize() {
        }

        @Override
        public Workspace workspace() {
            return new Workspace(new Slabs(this));
        }

        @Override
        public void upload(Tensor src, Tensor dst) {
            requireHost(src);
            host.upload(src, h(dst));
        }

        @Override
        public void download(Tensor src, Tensor dst) {
            requireHost(dst);
            host.download(h(src), dst);
        }

        @Override
        public void gatherRows(Tensor src, Tensor index, Tensor dst) {
            host.gatherRows(h(src), h(index), h(dst));
        }

        @Override
        public void scatterRows(Tensor src, Tensor index, Tensor dst) {
            host.scatterRows(h(src), h(index), h(dst));
        }

        @Override
        public void meanRows(Tensor src, Tensor offsets, Tensor rows, Tensor dst) {
            host.meanRows(h(src), h(offsets), h(rows), h(dst));
        }
    }

    /** Pointwise ops over host views. */
    record StrictPointwise(Pointwise p) implements Pointwise {
        @Override
        public void unary(UnaryOp op, Tensor x, Tensor out) {
            p.unary(op, h(x), h(out));
        }

        @Override
        public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
            p.binary(op, h(a), h(b), h(out));
        }

        @Override
        public void scaleAdd(Tensor a, float alpha, Tensor b, float beta, Tensor out) {
            p.scaleAdd(h(a), alpha, h(b), beta, h(out));
        }

        @Override
        public void modulate(Tensor x, Tensor shift, Tensor scale, Tensor out) {
            p.modulate(h(x), h(shift), h(scale), h(out));
        }

        @Override
        public void gatedAdd(Tensor x, Tensor y, Tensor gate, Tensor out) {
            p.gatedAdd(h(x), h(y), h(gate), h(out));
        }

        @Override
        public void softmax(Tensor x, float scale, Tensor out) {
            p.softmax(h(x), scale, h(out));
        }

        @Override
        public void rope(Tensor x, Tensor cos, Tensor sin, RopeStyle style, Tensor out) {
            p.rope(h(x), h(cos), h(sin), style, h(out));
        }
    }
}
