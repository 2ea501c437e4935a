package jdit.sparse.svg;

import java.lang.foreign.Arena;
import jdit.attention.LayerDevice;
import jdit.backend.Backend;
import jdit.backend.BinaryOp;
import jdit.backend.Epilogue;
import jdit.backend.Transfers;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * Sparse VideoGen's profiling ({@link HeadClassifier}'s errors) for q, k and v on a device, with backend ops: the
 * sampled query rows gathered, their scores against every key as one batched product over the (batch, head) pairs,
 * then for the exact output and for each profiling mask (a bias of 0 on the mask's keys and −∞ off them, uploaded) a
 * softmax and a product with v. Only the three small outputs [B·H, rows, D] come down; the errors are taken on the
 * host in double. The products run on the backend's kernels, so the errors differ from the host path's in the last
 * float bits; the classes do not where the two errors differ by more than that (the fixtures' gaps are at least 5%).
 */
final class DeviceHeadProfile {
    private DeviceHeadProfile() {
    }

    /** The errors [spatial, temporal] of every (b, h), indexed b · H + h, for q, k, v [B, S, H, D] on the device. */
    static double[][] mses(Tensor q, Tensor k, Tensor v, int[] sampled, SvgLayout masks, double scale, LayerDevice device) {
        Backend be = device.backend();
        Workspace ws = device.workspace();
        int b = (int) q.dim(0), s = (int) q.dim(1), h = (int) q.dim(2), d = (int) q.dim(3), n = sampled.length;
        Tensor qRows = sampledRows(q, sampled, be, ws); // [B·H, n, D]
        Tensor keys = headMajor(k, be, ws);
        Tensor values = headMajor(v, be, ws);
        Tensor scores = ws.allocate(DType.F32, (long) b * h, n, s);
        be.gemm().batchedMatmul(qRows, keys, scores, Epilogue.NONE.transposed().withAlpha((float) scale));
        float[] exact = output(scores, null, values, be, ws);
        float[][] masked = new float[2][];
        try (Arena arena = Arena.ofConfined()) {
            for (int m = 0; m < 2; m++) {
                Tensor bias = Tensor.allocate(arena, DType.F32, 1, n, s);
                for (int r = 0; r < n; r++) {
                    for (int j = 0; j < s; j++) {
                        boolean keep = m == 0 ? masks.spatial(sampled[r], j) : masks.temporal(sampled[r], j);
                        bias.setFloat(keep ? 0f : Float.NEGATIVE_INFINITY, 0, r, j);
                    }
                }
                Tensor onDevice = Transfers.upload(bias, be.memory(), ws);
                masked[m] = output(scores, onDevice, values, be, ws);
                ws.release(onDevice);
            }
        }
        for (Tensor t : new Tensor[] {scores, values, keys, qRows}) {
            ws.release(t);
        }
        double[][] out = new double[b * h][2];
        int per = n * d;
        for (int bh = 0; bh < b * h; bh++) {
            for (int m = 0; m < 2; m++) {
                double err = 0;
                for (int i = bh * per; i < (bh + 1) * per; i++) {
                    double diff = (double) masked[m][i] - exact[i];
                    err += diff * diff;
                }
                out[bh][m] = err / per;
            }
        }
        return out;
    }

    /** softmax(scores + bias) · v for every (b, h), downloaded: [B·H, n, D] as floats. */
    private static float[] output(Tensor scores, Tensor bias, Tensor values, Backend be, Workspace ws) {
        Tensor p = ws.allocate(DType.F32, scores.shape());
        if (bias == null) {
            be.memory().copy(scores, p);
        } else {
            be.pointwise().binary(BinaryOp.ADD, scores, bias, p);
        }
        be.pointwise().softmax(p, 1f, p);
        Tensor o = ws.allocate(DType.F32, scores.dim(0), scores.dim(1), values.dim(2));
        be.gemm().batchedMatmul(p, values, o, Epilogue.NONE);
        float[] host = Transfers.floats(o, be.memory());
        ws.release(o);
        ws.release(p);
        return host;
    }

    /** The sampled rows of q [B, S, H, D] as [B·H, n, D]. */
    private static Tensor sampledRows(Tensor q, int[] rows, Backend be, Workspace ws) {
        long b = q.dim(0), s = q.dim(1), h = q.dim(2), d = q.dim(3);
        Tensor dense = ws.copy(q);
        Tensor index = Transfers.index(rows, be.memory(), ws);
        Tensor picked = ws.allocate(DType.F32, b, rows.length, h * d);
        be.memory().gatherRows(dense.reshape(b, s, h * d), index, picked);
        Tensor out = ws.allocate(DType.F32, b, h, rows.length, d);
        be.memory().copy(picked.reshape(b, rows.length, h, d).permute(0, 2, 1, 3), out);
        for (Tensor t : new Tensor[] {picked, index, dense}) {
            ws.release(t);
        }
        return out.reshape(b * h, rows.length, d);
    }

    /** t [B, S, H, D] as a contiguous [B·H, S, D]. */
    private static Tensor headMajor(Tensor t, Backend be, Workspace ws) {
        Tensor out = ws.allocate(DType.F32, t.dim(0), t.dim(2), t.dim(1), t.dim(3));
        be.memory().copy(t.permute(0, 2, 1, 3), out);
        return out.reshape(t.dim(0) * t.dim(2), t.dim(1), t.dim(3));
    }
}
