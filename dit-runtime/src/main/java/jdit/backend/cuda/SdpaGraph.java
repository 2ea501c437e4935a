package jdit.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.cuda.global.cudnn;

/**
 * cuDNN's fused flash attention as the backend (graph) API wants it described, pure data: the tensors (dims, strides,
 * unique ids, data types, virtual or not) and the ten operations between them, in the order the runtime-fusion
 * engines recognise: S = Q·Kᵀ, S·scale, the softmax's row max, subtraction, exponential and row sum, the stats
 * max + ln(sum) (natural log, over the scaled scores: the CPU kernel's lse), P = exp / sum rounded to the I/O type,
 * O = P·V. Q, K, V and O are [B, T, H, D] row-major buffers read as cuDNN's [B, H, T, D] through strides; K is handed
 * over as Kᵀ [B, H, D, Tk] by swapping the last two dims and strides. The stats are [B, H, Tq, 1] contiguous, exactly
 * the layout of the backend's lse [B, H, Tq], so cuDNN writes them straight into it; without an lse they stay
 * virtual. The scale is a by-value FP32 scalar, so one plan serves every scale. The constants used are compile-time
 * ints, so describing a graph loads no native code.
 */
record SdpaGraph(SdpaShape shape, List<TensorSpec> tensors, List<OpSpec> ops) {
    static final long Q = 1;
    static final long K_T = 2;
    static final long V = 3;
    static final long O = 4;
    static final long STATS = 5;
    static final long SCALE = 6;
    private static final long SCORES = 101;
    private static final long SCALED = 102;
    private static final long MAX = 103;
    private static final long CENTRED = 104;
    private static final long EXP = 105;
    private static final long SUM = 106;
    private static final long LOG_SUM = 107;
    private static final long PROBS = 108;
    /** Base-pointer alignment every tensor promises (device allocations are 256-byte aligned). */
    static final long ALIGNMENT = 16;

    /** One tensor descriptor; {@code dataType} is a cudnnDataType_t. */
    record TensorSpec(long uid, String name, long[] dims, long[] strides, int dataType, boolean isVirtual, boolean byValue) {
    }

    /** What an operation descriptor is. */
    enum Kind { MATMUL, POINTWISE, REDUCTION }

    /**
     * One operation: a matmul (inputs A, B; no mode), a pointwise op ({@code mode} a cudnnPointwiseMode_t; inputs X and
     * optionally B) or a reduction ({@code mode} a cudnnReduceTensorOp_t; input X), writing {@code output}.
     */
    record OpSpec(Kind kind, int mode, List<Long> inputs, long output) {
    }

    static SdpaGraph of(SdpaShape s) {
        long b = s.batch();
        long h = s.heads();
        long tq = s.queries();
        long tk = s.keys();
        long d = s.headDim();
        int io = s.io() == jdit.tensor.DType.BF16 ? cudnn.CUDNN_DATA_BFLOAT16 : cudnn.CUDNN_DATA_HALF;
        int f32 = cudnn.CUDNN_DATA_FLOAT;
        long[] scores = {b, h, tq, tk};
        long[] scoreStrides = {h * tq * tk, tq * tk, tk, 1};
        long[] rows = {b, h, tq, 1};
        long[] rowStrides = {h * tq, tq, 1, 1};
        List<TensorSpec> t = new ArrayList<>();
        t.add(new TensorSpec(Q, "Q", new long[] {b, h, tq, d}, operandStrides(tq, h, d), io, false, false));
        t.add(new TensorSpec(K_T, "K^T", new long[] {b, h, d, tk}, transposedStrides(tk, h, d), io, false, false));
        t.add(new TensorSpec(V, "V", new long[] {b, h, tk, d}, operandStrides(tk, h, d), io, false, false));
        t.add(new TensorSpec(O, "O", new long[] {b, h, tq, d}, operandStrides(tq, h, d), io, false, false));
        t.add(new TensorSpec(STATS, "stats", rows, rowStrides, f32, !s.stats(), false));
        t.add(new TensorSpec(SCALE, "scale", new long[] {1, 1, 1, 1}, new long[] {1, 1, 1, 1}, f32, false, true));
        t.add(new TensorSpec(SCORES, "S", scores, scoreStrides, f32, true, false));
        t.add(new TensorSpec(SCALED, "S*scale", scores, scoreStrides, f32, true, false));
        t.add(new TensorSpec(MAX, "row max", rows, rowStrides, f32, true, false));
        t.add(new TensorSpec(CENTRED, "S-max", scores, scoreStrides, f32, true, false));
        t.add(new TensorSpec(EXP, "exp", scores, scoreStrides, f32, true, false));
        t.add(new TensorSpec(SUM, "row sum", rows, rowStrides, f32, true, false));
        t.add(new TensorSpec(LOG_SUM, "ln sum", rows, rowStrides, f32, true, false));
        t.add(new TensorSpec(PROBS, "P", scores, scoreStrides, io, true, false));
        List<OpSpec> ops = List.of(
                new OpSpec(Kind.MATMUL, -1, List.of(Q, K_T), SCORES),
                new OpSpec(Kind.POINTWISE, cudnn.CUDNN_POINTWISE_MUL, List.of(SCORES, SCALE), SCALED),
                new OpSpec(Kind.REDUCTION, cudnn.CUDNN_REDUCE_TENSOR_MAX, List.of(SCALED), MAX),
                new OpSpec(Kind.POINTWISE, cudnn.CUDNN_POINTWISE_SUB, List.of(SCALED, MAX), CENTRED),
                new OpSpec(Kind.POINTWISE, cudnn.CUDNN_POINTWISE_EXP, List.of(CENTRED), EXP),
                new OpSpec(Kind.REDUCTION, cudnn.CUDNN_REDUCE_TENSOR_ADD, List.of(EXP), SUM),
                new OpSpec(Kind.POINTWISE, cudnn.CUDNN_POINTWISE_LOG, List.of(SUM), LOG_SUM),
                new OpSpec(Kind.POINTWISE, cudnn.CUDNN_POINTWISE_ADD, List.of(MAX, LOG_SUM), STATS),
                new OpSpec(Kind.POINTWISE, cudnn.CUDNN_POINTWISE_DIV, List.of(EXP, SUM), PROBS),
                new OpSpec(Kind.MATMUL, -1, List.of(PROBS, V), O));
        return new SdpaGraph(s, List.copyOf(t), ops);
    }

    /** cuDNN [B, H, T, D] strides of a row-major [B, T, H, D] buffer. */
    static long[] operandStrides(long tokens, long heads, long d) {
        return new long[] {tokens * heads * d, d, heads * d, 1};
    }

    /** cuDNN [B, H, D, T] strides of the same buffer: the transpose is free. */
    static long[] transposedStrides(long tokens, long heads, long d) {
        return new long[] {tokens * heads * d, d, 1, heads * d};
    }

    TensorSpec tensor(long uid) {
        for (TensorSpec t : tensors) {
            if (t.uid() == uid) {
                return t;
            }
        }
        throw new IllegalArgumentException("no tensor with uid " + uid);
    }

    /** The non-virtual tensors, whose addresses the variant pack carries, in the order of their uids. */
    List<Long> boundUids() {
        List<Long> uids = new ArrayList<>();
        for (TensorSpec t : tensors) {
            if (!t.isVirtual()) {
                uids.add(t.uid());
            }
        }
        return List.copyOf(uids);
    }
}
