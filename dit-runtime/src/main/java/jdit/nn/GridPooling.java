package jdit.nn;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdit.attention.TokenGrid;
import jdit.backend.Backend;
import jdit.backend.BinaryOp;
import jdit.backend.Memory;
import jdit.backend.Transfers;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * Pooling and upsampling of token rows on their F x H x W grid, as PyTorch's {@code AdaptiveAvgPool} and
 * {@code interpolate(mode="nearest")} do per axis: pooled index i averages input indices
 * {@code [floor(i·in/out), ceil((i+1)·in/out))}; upsampled index j copies input index {@code floor(j·(in/out))} with
 * the scale in float. Tokens are rows of D floats in natural order {@code (t·H + h)·W + w}; sums in double.
 */
public final class GridPooling {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private GridPooling() {
    }

    public static int binStart(int i, int in, int out) {
        return (int) Math.floorDiv((long) i * in, out);
    }

    public static int binEnd(int i, int in, int out) {
        return (int) -Math.floorDiv(-(long) (i + 1) * in, out);
    }

    /** The input index nearest-neighbour upsampling from {@code in} to {@code out} copies into index {@code j}. */
    public static int nearest(int j, int in, int out) {
        float scale = (float) in / out;
        return Math.min((int) Math.floor(j * scale), in - 1);
    }

    /** The centre of pooled index {@code i}'s bin, in input positions. */
    public static double centre(int i, int in, int out) {
        return (binStart(i, in, out) + binEnd(i, in, out) - 1) / 2.0;
    }

    private static void check(Tensor t, TokenGrid g, String what) {
        if (t.dtype() != DType.F32 || t.rank() != 3 || t.dim(1) != g.tokens() || !t.isContiguous()) {
            throw new IllegalArgumentException(what + " must be contiguous F32 [B, " + g.tokens() + ", D] for grid " + g
                    + ", got " + t);
        }
    }

    /** out [B, p.tokens, D] = the mean of each pooled token's bin of x [B, g.tokens, D]. */
    public static void pool(Tensor x, TokenGrid g, TokenGrid p, Tensor out) {
        check(x, g, "x");
        check(out, p, "out");
        int d = (int) x.dim(2);
        MemorySegment src = x.data();
        MemorySegment dst = out.data();
        double[] acc = new double[d];
        float[] row = new float[d];
        for (long b = 0; b < x.dim(0); b++) {
            long inBase = b * g.tokens();
            long outBase = b * p.tokens();
            for (int t = 0; t < p.frames(); t++) {
                for (int h = 0; h < p.height(); h++) {
                    for (int w = 0; w < p.width(); w++) {
                        java.util.Arrays.fill(acc, 0);
                        int count = 0;
                        for (int it = binStart(t, g.frames(), p.frames()); it < binEnd(t, g.frames(), p.frames()); it++) {
                            for (int ih = binStart(h, g.height(), p.height()); ih < binEnd(h, g.height(), p.height()); ih++) {
                                for (int iw = binStart(w, g.width(), p.width()); iw < binEnd(w, g.width(), p.width()); iw++) {
                                    long at = 4L * d * (inBase + ((long) it * g.height() + ih) * g.width() + iw);
                                    MemorySegment.copy(src, F32, at, row, 0, d);
                                    for (int c = 0; c < d; c++) {
                                        acc[c] += row[c];
                                    }
                                    count++;
                                }
                            }
                        }
                        for (int c = 0; c < d; c++) {
                            row[c] = (float) (acc[c] / count);
                        }
                        MemorySegment.copy(row, 0, dst, F32, 4L * d * (outBase + ((long) t * p.height() + h) * p.width() + w), d);
                    }
                }
            }
        }
    }

    /** out [B, g.tokens, D] = (accumulate ? out : 0) + small's nearest pooled token, small [B, p.tokens, D]. */
    public static void upsample(Tensor small, TokenGrid p, TokenGrid g, Tensor out, boolean accumulate) {
        check(small, p, "small");
        check(out, g, "out");
        int d = (int) small.dim(2);
        MemorySegment src = small.data();
        MemorySegment dst = out.data();
        float[] add = new float[d];
        float[] row = new float[d];
        for (long b = 0; b < small.dim(0); b++) {
            for (int t = 0; t < g.frames(); t++) {
                int st = nearest(t, p.frames(), g.frames());
                for (int h = 0; h < g.height(); h++) {
                    int sh = nearest(h, p.height(), g.height());
                    for (int w = 0; w < g.width(); w++) {
                        int sw = nearest(w, p.width(), g.width());
                        long from = 4L * d * (b * p.tokens() + ((long) st * p.height() + sh) * p.width() + sw);
                        long to = 4L * d * (b * g.tokens() + ((long) t * g.height() + h) * g.width() + w);
                        if (!accumulate) {
                            MemorySegment.copy(src, from, dst, to, 4L * d);
                            continue;
                        }
                        MemorySegment.copy(src, F32, from, add, 0, d);
                        MemorySegment.copy(dst, F32, to, row, 0, d);
                        for (int c = 0; c < d; c++) {
                            row[c] += add[c];
                        }
                        MemorySegment.copy(row, 0, dst, F32, to, d);
                    }
                }
            }
        }
    }

    /**
     * {@link #pool} through the backend on the tensors' device: the bins, computed on the host, go up as index lists
     * and {@link Memory#meanRows} averages them in the same order, so the result equals the host one bit for bit.
     */
    public static void pool(Tensor x, TokenGrid g, TokenGrid p, Tensor out, Memory memory, Workspace ws) {
        check(x, g, "x");
        check(out, p, "out");
        int[] offsets = new int[p.tokens() + 1];
        int[] rows = new int[g.tokens()];
        int k = 0;
        for (int t = 0; t < p.frames(); t++) {
            for (int h = 0; h < p.height(); h++) {
                for (int w = 0; w < p.width(); w++) {
                    for (int it = binStart(t, g.frames(), p.frames()); it < binEnd(t, g.frames(), p.frames()); it++) {
                        for (int ih = binStart(h, g.height(), p.height()); ih < binEnd(h, g.height(), p.height()); ih++) {
                            for (int iw = binStart(w, g.width(), p.width()); iw < binEnd(w, g.width(), p.width()); iw++) {
                                if (k == rows.length) { // overlapping bins (a pooled axis longer than half its input)
                                    rows = java.util.Arrays.copyOf(rows, rows.length * 2);
                                }
                                rows[k++] = (it * g.height() + ih) * g.width() + iw;
                            }
                        }
                    }
                    offsets[(t * p.height() + h) * p.width() + w + 1] = k;
                }
            }
        }
        Tensor off = Transfers.index(offsets, memory, ws);
        Tensor idx = Transfers.index(java.util.Arrays.copyOf(rows, k), memory, ws);
        memory.meanRows(x, off, idx, out);
        ws.release(idx);
        ws.release(off);
    }

    /** {@link #upsample} through the backend on the tensors' device: a row gather, then an add when accumulating. */
    public static void upsample(Tensor small, TokenGrid p, TokenGrid g, Tensor out, boolean accumulate, Backend be, Workspace ws) {
        check(small, p, "small");
        check(out, g, "out");
        int[] source = new int[g.tokens()];
        for (int t = 0; t < g.frames(); t++) {
            int st = nearest(t, p.frames(), g.frames());
            for (int h = 0; h < g.height(); h++) {
                int sh = nearest(h, p.height(), g.height());
                for (int w = 0; w < g.width(); w++) {
                    source[(t * g.height() + h) * g.width() + w] = (st * p.height() + sh) * p.width() + nearest(w, p.width(), g.width());
                }
            }
        }
        Tensor idx = Transfers.index(source, be.memory(), ws);
        if (!accumulate) {
            be.memory().gatherRows(small, idx, out);
        } else {
            Tensor up = ws.allocate(DType.F32, out.shape());
            be.memory().gatherRows(small, idx, up);
            be.pointwise().binary(BinaryOp.ADD, out, up, out);
            ws.release(up);
        }
        ws.release(idx);
    }
}
