package jdit.backend.cuda;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.cuda.global.cudnn;

/**
 * Dense attention through cuDNN's fused flash attention, for one {@link CudaContext}: a cuDNN handle on the context's
 * stream, one finalized plan per {@link SdpaShape} (built on first use, kept for the context's life; a shape no engine
 * takes is remembered and left to the kernel), and grow-only buffers for the half-precision copies of Q, K, V and O
 * and for the workspace. The F32 operands are rounded to BF16 (nearest even) by the backend's copy kernel, cuDNN
 * computes with FP32 accumulation and FP32 softmax statistics, and the output is widened back into {@code out}.
 */
final class CudnnSdpa implements AutoCloseable {
    private final CudaMemory memory;
    private final DType io;
    private final cudnnContext handle = new cudnnContext();
    private final Map<SdpaShape, SdpaPlan> plans = new HashMap<>();
    private final Map<SdpaShape, String> refused = new HashMap<>();
    private final DeviceScratch qHalf;
    private final DeviceScratch kHalf;
    private final DeviceScratch vHalf;
    private final DeviceScratch oHalf;
    private final DeviceScratch stats;
    private final DeviceScratch workspace;

    private CudnnSdpa(CudaContext ctx, DType io) {
        this.io = io;
        this.memory = new CudaMemory(ctx);
        this.qHalf = new DeviceScratch(ctx);
        this.kHalf = new DeviceScratch(ctx);
        this.vHalf = new DeviceScratch(ctx);
        this.oHalf = new DeviceScratch(ctx);
        this.stats = new DeviceScratch(ctx);
        this.workspace = new DeviceScratch(ctx);
    }

    /** A session on {@code ctx}'s stream computing in {@code io} (BF16 or F16); needs {@link CudnnProbe} to agree. */
    static CudnnSdpa open(CudaContext ctx, DType io) {
        CudnnSdpa s = new CudnnSdpa(ctx, io);
        CudnnDescriptor.check(cudnn.cudnnCreate(s.handle), "cudnnCreate");
        try {
            CudnnDescriptor.check(cudnn.cudnnSetStream(s.handle, ctx.stream()), "cudnnSetStream");
        } catch (RuntimeException e) {
            cudnn.cudnnDestroy(s.handle);
            throw e;
        }
        return s;
    }

    /**
     * Attention over every pair, as {@link jdit.backend.Attention#attend} describes it (shapes already checked, unit
     * stride in D); returns false, computing nothing, when cuDNN has no plan for this shape or refuses to run it.
     */
    boolean attend(Tensor q, Tensor k, Tensor v, float scale, Tensor out, Tensor lse) {
        int b = (int) q.dim(0);
        int tq = (int) q.dim(1);
        int tk = (int) k.dim(1);
        int h = (int) q.dim(2);
        int d = (int) q.dim(3);
        if (b < 1 || h < 1) {
            return false;
        }
        SdpaShape shape = new SdpaShape(b, h, tq, tk, d, io, lse != null);
        Optional<SdpaPlan> plan = plan(shape);
        if (plan.isEmpty()) {
            return false;
        }
        Tensor qs = qHalf.get(io, shape.elements(tq)).reshape(b, tq, h, d);
        Tensor ks = kHalf.get(io, shape.elements(tk)).reshape(b, tk, h, d);
        Tensor vs = vHalf.get(io, shape.elements(tk)).reshape(b, tk, h, d);
        Tensor os = oHalf.get(io, shape.elements(tq)).reshape(b, tq, h, d);
        memory.copy(q, qs);
        memory.copy(k, ks);
        memory.copy(v, vs);
        long bytes = plan.get().workspaceBytes();
        long work = bytes == 0 ? 0 : workspace.get(DType.U8, bytes).address();
        Map<Long, Long> addresses = new HashMap<>();
        addresses.put(SdpaGraph.Q, qs.address());
        addresses.put(SdpaGraph.K_T, ks.address());
        addresses.put(SdpaGraph.V, vs.address());
        addresses.put(SdpaGraph.O, os.address());
        // the plan promises 16-byte aligned tensors; an lse that is a slice of a larger buffer may not be
        Tensor statsTarget = lse == null || lse.address() % SdpaGraph.ALIGNMENT == 0 ? lse
                : stats.get(DType.F32, lse.numel()).reshape(b, h, tq);
        if (statsTarget != null) {
            addresses.put(SdpaGraph.STATS, statsTarget.address());
        }
        try {
            plan.get().execute(handle, addresses, scale, work);
        } catch (CudaException e) {
            // nothing was enqueued: the caller's kernel computes out and lse instead, and this shape stays there
            plans.remove(shape).close();
            refused.put(shape, e.getMessage());
            return false;
        }
        memory.copy(os, out);
        if (statsTarget != lse) {
            memory.copy(statsTarget, lse);
        }
        return true;
    }

    /** The cached plan of {@code shape}, built on first use; empty (and remembered) when cuDNN refuses it. */
    Optional<SdpaPlan> plan(SdpaShape shape) {
        SdpaPlan p = plans.get(shape);
        if (p != null) {
            return Optional.of(p);
        }
        if (refused.containsKey(shape)) {
            return Optional.empty();
        }
        try {
            p = SdpaPlan.build(handle, SdpaGraph.of(shape));
        } catch (CudaException e) {
            refused.put(shape, e.getMessage());
            return Optional.empty();
        }
        plans.put(shape, p);
        return Optional.of(p);
    }

    int plansBuilt() {
        return plans.size();
    }

    /** Why cuDNN refused each shape it refused, for reports and tests. */
    Map<SdpaShape, String> refusals() {
        return Map.copyOf(refused);
    }

    @Override
    public void close() {
        plans.values().forEach(SdpaPlan::close);
        plans.clear();
        cudnn.cudnnDestroy(handle);
    }
}
