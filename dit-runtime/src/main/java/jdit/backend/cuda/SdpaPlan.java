package jdit.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.cuda.global.cudnn;

/**
 * A finalized cuDNN execution plan for one {@link SdpaGraph}: the graph's descriptors, the engine configuration the
 * heuristics ranked first among those that finalize (mode A, then the fallback list), and the workspace it needs.
 * Every descriptor made on the way lives as long as the plan and is destroyed with it.
 */
final class SdpaPlan implements AutoCloseable {
    private final SdpaGraph graph;
    private final List<CudnnDescriptor> owned;
    private final CudnnDescriptor plan;
    private final long workspaceBytes;

    private SdpaPlan(SdpaGraph graph, List<CudnnDescriptor> owned, CudnnDescriptor plan) {
        this.graph = graph;
        this.owned = owned;
        this.plan = plan;
        this.workspaceBytes = plan.getLong(cudnn.CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE);
    }

    SdpaGraph graph() {
        return graph;
    }

    long workspaceBytes() {
        return workspaceBytes;
    }

    /** Builds and finalizes the plan; throws {@link CudaException} with cuDNN's reason when no engine takes the graph. */
    static SdpaPlan build(cudnnContext handle, SdpaGraph graph) {
        List<CudnnDescriptor> owned = new ArrayList<>();
        try {
            Map<Long, CudnnDescriptor> tensors = new HashMap<>();
            for (SdpaGraph.TensorSpec t : graph.tensors()) {
                tensors.put(t.uid(), keep(owned, tensor(t)));
            }
            List<CudnnDescriptor> ops = new ArrayList<>();
            for (SdpaGraph.OpSpec op : graph.ops()) {
                ops.add(operation(owned, op, tensors));
            }
            CudnnDescriptor opGraph = keep(owned, new CudnnDescriptor(cudnn.CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR, "operation graph"))
                    .handle(cudnn.CUDNN_ATTR_OPERATIONGRAPH_HANDLE, handle.address())
                    .descriptors(cudnn.CUDNN_ATTR_OPERATIONGRAPH_OPS, ops.toArray(CudnnDescriptor[]::new)).finish();
            String last = "the heuristics returned no engine configuration";
            for (int mode : new int[] {cudnn.CUDNN_HEUR_MODE_A, cudnn.CUDNN_HEUR_MODE_FALLBACK}) {
                CudnnDescriptor heur = keep(owned, new CudnnDescriptor(cudnn.CUDNN_BACKEND_ENGINEHEUR_DESCRIPTOR, "heuristics"))
                        .descriptors(cudnn.CUDNN_ATTR_ENGINEHEUR_OPERATION_GRAPH, opGraph)
                        .enumValue(cudnn.CUDNN_ATTR_ENGINEHEUR_MODE, cudnn.CUDNN_TYPE_HEUR_MODE, mode);
                int heurRc = heur.tryFinish();
                if (heurRc != cudnn.CUDNN_STATUS_SUCCESS) {
                    last = "heuristics mode " + mode + ": " + CudnnDescriptor.message(heurRc);
                    continue;
                }
                int count = (int) Math.min(heur.count(cudnn.CUDNN_ATTR_ENGINEHEUR_RESULTS), 64);
                CudnnDescriptor[] configs = new CudnnDescriptor[count];
                for (int i = 0; i < count; i++) {
                    configs[i] = keep(owned, new CudnnDescriptor(cudnn.CUDNN_BACKEND_ENGINECFG_DESCRIPTOR, "engine configuration"));
                }
                int got = count == 0 ? 0 : heur.fill(cudnn.CUDNN_ATTR_ENGINEHEUR_RESULTS, configs);
                for (int i = 0; i < got; i++) {
                    CudnnDescriptor p = keep(owned, new CudnnDescriptor(cudnn.CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR,
                            "execution plan")).handle(cudnn.CUDNN_ATTR_EXECUTION_PLAN_HANDLE, handle.address())
                            .descriptors(cudnn.CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG, configs[i]);
                    int rc = p.tryFinish();
                    if (rc == cudnn.CUDNN_STATUS_SUCCESS) {
                        return new SdpaPlan(graph, owned, p);
                    }
                    owned.remove(p);
                    last = "engine configuration " + i + " of heuristics mode " + mode + ": " + CudnnDescriptor.message(rc);
                    p.close();
                }
            }
            throw new CudaException("cuDNN has no engine for attention " + graph.shape() + ": " + last);
        } catch (RuntimeException e) {
            owned.forEach(CudnnDescriptor::close);
            throw e;
        }
    }

    private static CudnnDescriptor keep(List<CudnnDescriptor> owned, CudnnDescriptor d) {
        owned.add(d);
        return d;
    }

    private static CudnnDescriptor tensor(SdpaGraph.TensorSpec t) {
        CudnnDescriptor d = new CudnnDescriptor(cudnn.CUDNN_BACKEND_TENSOR_DESCRIPTOR, "tensor " + t.name());
        try {
            d.enumValue(cudnn.CUDNN_ATTR_TENSOR_DATA_TYPE, cudnn.CUDNN_TYPE_DATA_TYPE, t.dataType())
                    .longs(cudnn.CUDNN_ATTR_TENSOR_DIMENSIONS, t.dims())
                    .longs(cudnn.CUDNN_ATTR_TENSOR_STRIDES, t.strides())
                    .longs(cudnn.CUDNN_ATTR_TENSOR_UNIQUE_ID, t.uid())
                    .longs(cudnn.CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT, SdpaGraph.ALIGNMENT);
            if (t.isVirtual()) {
                d.bool(cudnn.CUDNN_ATTR_TENSOR_IS_VIRTUAL, true);
            }
            if (t.byValue()) {
                d.bool(cudnn.CUDNN_ATTR_TENSOR_IS_BY_VALUE, true);
            }
            return d.finish();
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    private static CudnnDescriptor operation(List<CudnnDescriptor> owned, SdpaGraph.OpSpec op, Map<Long, CudnnDescriptor> t) {
        CudnnDescriptor x = t.get(op.inputs().get(0));
        CudnnDescriptor y = t.get(op.output());
        return switch (op.kind()) {
            case MATMUL -> {
                CudnnDescriptor mm = keep(owned, new CudnnDescriptor(cudnn.CUDNN_BACKEND_MATMUL_DESCRIPTOR, "matmul"))
                        .enumValue(cudnn.CUDNN_ATTR_MATMUL_COMP_TYPE, cudnn.CUDNN_TYPE_DATA_TYPE, cudnn.CUDNN_DATA_FLOAT).finish();
                yield keep(owned, new CudnnDescriptor(cudnn.CUDNN_BACKEND_OPERATION_MATMUL_DESCRIPTOR, "matmul operation"))
                        .descriptors(cudnn.CUDNN_ATTR_OPERATION_MATMUL_ADESC, x)
                        .descriptors(cudnn.CUDNN_ATTR_OPERATION_MATMUL_BDESC, t.get(op.inputs().get(1)))
                        .descriptors(cudnn.CUDNN_ATTR_OPERATION_MATMUL_CDESC, y)
                        .descriptors(cudnn.CUDNN_ATTR_OPERATION_MATMUL_DESC, mm).finish();
            }
            case POINTWISE -> {
                CudnnDescriptor pw = keep(owned, new CudnnDescriptor(cudnn.CUDNN_BACKEND_POINTWISE_DESCRIPTOR, "pointwise"))
                        .enumValue(cudnn.CUDNN_ATTR_POINTWISE_MODE, cudnn.CUDNN_TYPE_POINTWISE_MODE, op.mode())
                        .enumValue(cudnn.CUDNN_ATTR_POINTWISE_MATH_PREC, cudnn.CUDNN_TYPE_DATA_TYPE, cudnn.CUDNN_DATA_FLOAT).finish();
                CudnnDescriptor o = keep(owned, new CudnnDescriptor(cudnn.CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR,
                        "pointwise operation"))
                        .descriptors(cudnn.CUDNN_ATTR_OPERATION_POINTWISE_PW_DESCRIPTOR, pw)
                        .descriptors(cudnn.CUDNN_ATTR_OPERATION_POINTWISE_XDESC, x);
                if (op.inputs().size() > 1) {
                    o.descriptors(cudnn.CUDNN_ATTR_OPERATION_POINTWISE_BDESC, t.get(op.inputs().get(1)));
                }
                yield o.descriptors(cudnn.CUDNN_ATTR_OPERATION_POINTWISE_YDESC, y).finish();
            }
            case REDUCTION -> {
                CudnnDescriptor r = keep(owned, new CudnnDescriptor(cudnn.CUDNN_BACKEND_REDUCTION_DESCRIPTOR, "reduction"))
                        .enumValue(cudnn.CUDNN_ATTR_REDUCTION_OPERATOR, cudnn.CUDNN_TYPE_REDUCTION_OPERATOR_TYPE, op.mode())
                        .enumValue(cudnn.CUDNN_ATTR_REDUCTION_COMP_TYPE, cudnn.CUDNN_TYPE_DATA_TYPE, cudnn.CUDNN_DATA_FLOAT).finish();
                yield keep(owned, new CudnnDescriptor(cudnn.CUDNN_BACKEND_OPERATION_REDUCTION_DESCRIPTOR, "reduction operation"))
                        .descriptors(cudnn.CUDNN_ATTR_OPERATION_REDUCTION_DESC, r)
                        .descriptors(cudnn.CUDNN_ATTR_OPERATION_REDUCTION_XDESC, x)
                        .descriptors(cudnn.CUDNN_ATTR_OPERATION_REDUCTION_YDESC, y).finish();
            }
        };
    }

    /**
     * Enqueues the plan on the handle's stream. {@code addresses} gives a device address for every bound uid but the
     * scale, which is passed by value; {@code workspace} holds at least {@link #workspaceBytes} (or is 0 when none).
     */
    void execute(cudnnContext handle, Map<Long, Long> addresses, float scale, long workspace) {
        List<Long> uids = graph.boundUids();
        try (Arena a = Arena.ofConfined(); CudnnDescriptor pack = new CudnnDescriptor(cudnn.CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR,
                "variant pack")) {
            MemorySegment scaleValue = a.allocate(ValueLayout.JAVA_FLOAT);
            scaleValue.set(ValueLayout.JAVA_FLOAT, 0, scale);
            long[] ids = new long[uids.size()];
            long[] pointers = new long[uids.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = uids.get(i);
                Long address = ids[i] == SdpaGraph.SCALE ? Long.valueOf(scaleValue.address()) : addresses.get(ids[i]);
                if (address == null || address == 0) {
                    throw new IllegalArgumentException("no device address for " + graph.tensor(ids[i]).name());
                }
                pointers[i] = address;
            }
            pack.longs(cudnn.CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, ids)
                    .pointers(cudnn.CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, pointers)
                    .pointers(cudnn.CUDNN_ATTR_VARIANT_PACK_WORKSPACE, workspace).finish();
            CudnnDescriptor.check(cudnn.cudnnBackendExecute(handle, plan.raw(), pack.raw()), "cudnnBackendExecute(attention "
                    + graph.shape() + ")");
        }
    }

    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
    }
}
