package jdit.backend.cuda;

import jdit.tensor.DType;

/**
 * What one cuDNN attention graph is built for, and the key its finalized plan is cached under: the problem's sizes,
 * the half type Q, K, V, O travel in, and whether the log-sum-exp (cuDNN's softmax stats) is an output.
 *
 * @param batch B
 * @param heads H
 * @param queries Tq
 * @param keys Tk
 * @param headDim D, the same for Q, K and V
 * @param io BF16 or F16
 * @param stats true when the graph writes the stats [B, H, Tq, 1] in FP32
 */
record SdpaShape(int batch, int heads, int queries, int keys, int headDim, DType io, boolean stats) {
    SdpaShape {
        if (io != DType.BF16 && io != DType.F16) {
            throw new IllegalArgumentException("cuDNN attention runs on BF16 or F16, got " + io);
        }
        if (batch < 1 || heads < 1 || queries < 1 || keys < 1 || headDim < 1) {
            throw new IllegalArgumentException("attention sizes must be positive, got B " + batch + ", H " + heads + ", Tq "
                    + queries + ", Tk " + keys + ", D " + headDim);
        }
    }

    /** Elements of one [B, T, H, D] operand with {@code tokens} tokens. */
    long elements(int tokens) {
        return (long) batch * tokens * heads * headDim;
    }

    /** 4·B·H·Tq·Tk·D: the two products' multiply-adds counted twice, the usual attention FLOP count. */
    double flops() {
        return 4.0 * batch * heads * (double) queries * keys * headDim;
    }
}
