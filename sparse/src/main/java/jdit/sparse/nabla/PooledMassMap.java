package jdit.sparse.nabla;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import jdit.attention.LayerDevice;
import jdit.backend.Backend;
import jdit.backend.Transfers;
import jdit.tensor.DType;
import jdit.tensor.Device;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * NABLA's block selection: q and k (after RoPE, in tile order) mean-pooled over each block of 64 tokens, the map
 * {@code A = softmax(q̄ k̄ᵀ / sqrt(D))} over key blocks, and per row the blocks kept by the cumulative-mass rule:
 * sorted ascending and summed, a block is kept iff its cumulative sum is at least {@code 1 − thr} (the smallest top
 * set holding more than {@code thr} of the mass, ties kept). Block sums in float, the map in double: the official
 * float32 map agrees on every decision the golden fixtures test, whose margins are at least 1.7e-3. Heads in parallel.
 */
public final class PooledMassMap {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final VectorSpecies<Float> V = FloatVector.SPECIES_PREFERRED;

    private PooledMassMap() {
    }

    /**
     * The same for q and k on a device: each is pooled there ({@link jdit.backend.Memory#meanRows} over the blocks, sums in
     * double) and only the pooled [B, S/block, H, D] tensors come down; host tensors take the host path.
     */
    public static List<boolean[][]> keep(Tensor q, Tensor k, int block, double thr, LayerDevice device) {
        if (q.device().kind() == Device.Kind.CPU) {
            return keep(q, k, block, thr);
        }
        if (device == null) {
            throw new IllegalArgumentException("q and k live on " + q.device() + " but the attention context names no device");
        }
        try (Arena arena = Arena.ofShared()) { // shared: the heads run in parallel
            return keep(pooled(q, block, device, arena), pooled(k, block, device, arena), 1, thr);
        }
    }

    /** t [B, S, H, D] mean-pooled over blocks of {@code block} tokens on its device, downloaded: [B, S/block, H, D]. */
    private static Tensor pooled(Tensor t, int block, LayerDevice device, Arena arena) {
        Backend be = device.backend();
        Workspace ws = device.workspace();
        long b = t.dim(0), s = t.dim(1), width = t.dim(2) * t.dim(3);
        if (s % block != 0) {
            throw new IllegalArgumentException("NABLA pools q, k of a length divisible by " + block + ", got " + t.shape());
        }
        int n = (int) (s / block);
        int[] offsets = new int[n + 1];
        int[] rows = new int[(int) s];
        for (int i = 0; i <= n; i++) {
            offsets[i] = i * block;
        }
        for (int i = 0; i < s; i++) {
            rows[i] = i;
        }
        Tensor dense = ws.copy(t);
        Tensor off = Transfers.index(offsets, be.memory(), ws);
        Tensor idx = Transfers.index(rows, be.memory(), ws);
        Tensor means = ws.allocate(DType.F32, b, n, width);
        be.memory().meanRows(dense.reshape(b, s, width), off, idx, means);
        Tensor host = Transfers.toHost(means, be.memory(), arena).reshape(b, n, t.dim(2), t.dim(3));
        for (Tensor x : new Tensor[] {means, idx, off, dense}) {
            ws.release(x);
        }
        return host;
    }

    /** Per head the kept [N][N] blocks for q, k [B, S, H, D] F32 (S a multiple of {@code block}); batches united. */
    public static List<boolean[][]> keep(Tensor q, Tensor k, int block, double thr) {
        int b = (int) q.dim(0), s = (int) q.dim(1), heads = (int) q.dim(2), d = (int) q.dim(3);
        if (q.dtype() != DType.F32 || k.dtype() != DType.F32 || s % block != 0 || k.dim(1) != s) {
            throw new IllegalArgumentException("NABLA pools F32 q, k of equal length divisible by " + block + ", got "
                    + q.shape() + " and " + k.shape());
        }
        int n = s / block;
        boolean[][][] perHead = new boolean[heads][][];
        IntStream.range(0, heads).parallel().forEach(h -> perHead[h] = keepHead(q, k, h, block, thr));
        return List.of(perHead);
    }

    private static boolean[][] keepHead(Tensor q, Tensor k, int h, int block, double thr) {
        int b = (int) q.dim(0), s = (int) q.dim(1), d = (int) q.dim(3);
        int n = s / block;
        {
            boolean[][] keep = new boolean[n][n];
            for (int bi = 0; bi < b; bi++) {
                double[][] qm = means(q, bi, h, block);
                double[][] km = means(k, bi, h, block);
                for (int i = 0; i < n; i++) {
                    boolean[] row = keepRow(qm[i], km, d, thr);
                    for (int j = 0; j < n; j++) {
                        keep[i][j] |= row[j];
                    }
                }
            }
            return keep;
        }
    }

    /**
     * [N][D] means of the tokens of each block of (batch b, head h): each block summed in float (vector lanes along
     * D; 64 terms, relative error about 1e-6, far inside the decisions' margins), the mean in double.
     */
    static double[][] means(Tensor t, int b, int h, int block) {
        int s = (int) t.dim(1), d = (int) t.dim(3);
        MemorySegment seg = t.segment();
        double[][] m = new double[s / block][d];
        float[] acc = new float[d];
        int vecEnd = t.stride(3) == 1 ? d - d % V.length() : 0;
        for (int blk = 0; blk < s / block; blk++) {
            Arrays.fill(acc, 0f);
            for (int tok = blk * block; tok < (blk + 1) * block; tok++) {
                long base = t.offset() + b * t.stride(0) + tok * t.stride(1) + h * t.stride(2);
                for (int c = 0; c < vecEnd; c += V.length()) {
                    FloatVector.fromMemorySegment(V, seg, (base + c) * 4, ByteOrder.nativeOrder())
                            .add(FloatVector.fromArray(V, acc, c)).intoArray(acc, c);
                }
                for (int c = vecEnd; c < d; c++) {
                    acc[c] += seg.getAtIndex(F32, base + c * t.stride(3));
                }
            }
            for (int c = 0; c < d; c++) {
                m[blk][c] = (double) acc[c] / block;
            }
        }
        return m;
    }

    /** One row of the map and its kept blocks. */
    static boolean[] keepRow(double[] qm, double[][] km, int d, double thr) {
        int n = km.length;
        double[] a = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            double dot = 0;
            for (int c = 0; c < d; c++) {
                dot += qm[c] * km[j][c];
            }
            a[j] = dot / Math.sqrt(d);
            max = Math.max(max, a[j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            a[j] = Math.exp(a[j] - max);
            sum += a[j];
        }
        Integer[] idx = new Integer[n];
        for (int j = 0; j < n; j++) {
            a[j] /= sum;
            idx[j] = j;
        }
        Arrays.sort(idx, Comparator.comparingDouble(j -> a[j]));
        boolean[] keep = new boolean[n];
        double cum = 0;
        for (int j : idx) {
            cum += a[j];
            keep[j] = cum >= 1 - thr;
        }
        return keep;
    }
}
