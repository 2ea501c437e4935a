package jdit.nn;

import java.lang.foreign.Arena;
import jdit.tensor.DType;
import jdit.tensor.Tensor;

/**
 * Wan2.1's 3-D rotary embedding: the D/2 rotation pairs of a head are split between frames
 * ({@code D - 4·(D/6)} dims), height and width ({@code 2·(D/6)} dims each), each axis with its own frequencies
 * {@code pos / theta^(2j/axisDim)} (Wan's {@code rope_params}). Angles are computed in double, as the official
 * code builds its table in float64.
 */
public record AxialRope(int headDim, double theta) {
    public AxialRope {
        if (headDim < 6 || headDim % 2 != 0) {
            throw new IllegalArgumentException("axial RoPE needs an even head dim of at least 6, got " + headDim);
        }
    }

    /** Wan's defaults: theta 10000. */
    public static AxialRope wan(int headDim) {
        return new AxialRope(headDim, 10000);
    }

    /** Dims (not pairs) given to each axis: frames, height, width. */
    public int axisDim(int axis) {
        return axis == 0 ? headDim - 4 * (headDim / 6) : 2 * (headDim / 6);
    }

    /** Which axis rotation pair {@code j} (0 <= j < D/2) belongs to, and its index within that axis. */
    public int[] axisOf(int j) {
        int f = axisDim(0) / 2;
        int s = axisDim(1) / 2;
        return j < f ? new int[] {0, j} : j < f + s ? new int[] {1, j - f} : new int[] {2, j - f - s};
    }

    /** The angle of pair {@code jj} of {@code axis} at position {@code pos}. */
    public double angle(int axis, long pos, int jj) {
        return angle(axis, (double) pos, jj);
    }

    /** The same at a fractional position (a pooled token sits at the centre of its bin). */
    public double angle(int axis, double pos, int jj) {
        return pos / Math.pow(theta, (double) (2 * jj) / axisDim(axis));
    }

    /**
     * Tables for the tokens of {@code pooled}, a pooling of {@code full} ({@link GridPooling}'s bins): each pooled token
     * is rotated as if it sat at its bin's centre, so relative distances keep the trained scale.
     */
    public Tables pooledTables(Arena arena, jdit.attention.TokenGrid pooled, jdit.attention.TokenGrid full) {
        int s = pooled.tokens();
        int half = headDim / 2;
        Tensor cos = Tensor.allocate(arena, DType.F32, s, half);
        Tensor sin = Tensor.allocate(arena, DType.F32, s, half);
        int[] in = {full.frames(), full.height(), full.width()};
        int[] out = {pooled.frames(), pooled.height(), pooled.width()};
        for (int i = 0; i < s; i++) {
            int[] place = {i / (out[1] * out[2]), (i / out[2]) % out[1], i % out[2]};
            for (int j = 0; j < half; j++) {
                int[] a = axisOf(j);
                double pos = GridPooling.centre(place[a[0]], in[a[0]], out[a[0]]);
                double ang = angle(a[0], pos, a[1]);
                cos.setDouble(Math.cos(ang), i, j);
                sin.setDouble(Math.sin(ang), i, j);
            }
        }
        return new Tables(cos, sin);
    }

    /** cos and sin, each F32 [S, D/2], for tokens at the given (t, h, w) places, one row per token in that order. */
    public record Tables(Tensor cos, Tensor sin) {
    }

    /**
     * Tables for an F x H x W grid. {@code order} lists, for each sequence position, the natural index
     * {@code (t·H + h)·W + w} of the token there (null for natural order; NABLA's tile order otherwise).
     */
    public Tables tables(Arena arena, int frames, int height, int width, long[] order) {
        int s = frames * height * width;
        if (order != null && order.length != s) {
            throw new IllegalArgumentException("order has " + order.length + " entries for " + s + " tokens");
        }
        int half = headDim / 2;
        Tensor cos = Tensor.allocate(arena, DType.F32, s, half);
        Tensor sin = Tensor.allocate(arena, DType.F32, s, half);
        for (int i = 0; i < s; i++) {
            long n = order == null ? i : order[i];
            long[] place = {n / ((long) height * width), (n / width) % height, n % width};
            for (int j = 0; j < half; j++) {
                int[] a = axisOf(j);
                double ang = angle(a[0], place[a[0]], a[1]);
                cos.setDouble(Math.cos(ang), i, j);
                sin.setDouble(Math.sin(ang), i, j);
            }
        }
        return new Tables(cos, sin);
    }
}
