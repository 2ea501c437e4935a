package jdit.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdit.tensor.Tensor;
import jdk.incubator.vector.FloatVector;

/**
 * Q, K and V of a few (batch, head) pairs copied once into the layouts {@link TileProducts} reads, in each head's
 * token order. Keys go in panels of 16, four panels interleaved by element ({@code keys[base +
 * TileProducts.panelOffset(p, d) + 64·e + lane]} is element e of key 16p + lane), padded with zero keys to a multiple
 * of 64; values in column chunks, 64 wide while they fit, then 16 wide, over dp = d rounded up to 16 (zero-padded):
 * the chunk starting at column c holds {@code values[base + paddedKeys·c + key·width + (col − c)]}; queries as rows,
 * scaled. Both key and value layouts put a key's next element at a constant distance, which lets the JIT drop the
 * bounds checks from the product loops. Every query tile of a head then reads from here instead of gathering or
 * re-packing per tile; the copy is O(T·d) per head against the O(T²·d) of its attention.
 */
final class PackedHeads {
    private float[] keys = new float[0];
    private float[] values = new float[0];
    private float[] queries = new float[0];
    private int paddedKeys;
    private int queryRows;
    private int d;
    private int dp;

    /**
     * Makes room for {@code slots} heads of {@code tokens} keys and {@code queryRows} query rows of width d; contents
     * are stale until packed.
     */
    void prepare(int slots, int tokens, int queryRows, int d) {
        this.paddedKeys = roundUp(tokens, 4 * TileProducts.PANEL);
        this.queryRows = queryRows;
        this.d = d;
        this.dp = roundUp(d, TileProducts.PANEL);
        int keyFloats = Math.multiplyExact(Math.multiplyExact(slots, paddedKeys), d);
        int valueFloats = Math.multiplyExact(Math.multiplyExact(slots, paddedKeys), dp);
        if (keys.length < keyFloats) {
            keys = new float[keyFloats];
        }
        if (values.length < valueFloats) {
            values = new float[valueFloats];
        }
        int queryFloats = Math.multiplyExact(Math.multiplyExact(slots, queryRows), d);
        if (queries.length < queryFloats) {
            queries = new float[queryFloats];
        }
    }

    static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }

    /** The heads per chunk so that a chunk's packed keys stay under {@code budgetFloats} (at least 1). */
    static int slotsFor(int heads, int tokens, int d, long budgetFloats) {
        long perHead = (long) roundUp(tokens, 4 * TileProducts.PANEL) * roundUp(d, TileProducts.PANEL);
        return (int) Math.max(1, Math.min(heads, budgetFloats / perHead));
    }

    float[] keys() {
        return keys;
    }

    float[] values() {
        return values;
    }

    /** Query rows of each slot, scaled as packed, row-major [queryRows, d]. */
    float[] queries() {
        return queries;
    }

    int queryBase(int slot) {
        return slot * queryRows * d;
    }

    int paddedKeys() {
        return paddedKeys;
    }

    int valueWidth() {
        return dp;
    }

    int keyBase(int slot) {
        return slot * paddedKeys * d;
    }

    int valueBase(int slot) {
        return slot * paddedKeys * dp;
    }

    /** The width of the value chunk that starts at column c (64 while it fits, then 16). */
    static int chunkWidth(int c, int dp) {
        return c + 4 * TileProducts.PANEL <= dp ? 4 * TileProducts.PANEL : TileProducts.PANEL;
    }

    /** A packer for one worker (its own staging buffer); workers pack disjoint panels. */
    Packer packer() {
        return new Packer();
    }

    /** Copies panels of a head into a slot, transposing each panel's 16 keys through a staging buffer. */
    final class Packer {
        /**
         * Query rows {@code [r0, r1)} of head (b, h) in the head's order, times {@code factor}; rows past the tensor's
         * tokens become zeros.
         */
        void packQueries(Tensor q, int b, int h, int[] order, int slot, int r0, int r1, float factor) {
            int tokens = (int) q.dim(1);
            int base = queryBase(slot);
            for (int pos = r0; pos < r1; pos++) {
                int at = base + pos * d;
                if (pos < tokens) {
                    int token = order == null ? pos : order[pos];
                    MemorySegment.copy(q.segment(), Layouts.F32, rowOffset(q, b, token, h), queries, at, d);
                    int i = 0;
                    for (int bound = TileProducts.SP.loopBound(d); i < bound; i += TileProducts.SP.length()) {
                        FloatVector.fromArray(TileProducts.SP, queries, at + i).mul(factor).intoArray(queries, at + i);
                    }
                    for (; i < d; i++) {
                        queries[at + i] *= factor;
                    }
                } else {
                    Arrays.fill(queries, at, at + d, 0f);
                }
            }
        }

        private final float[] rows = new float[TileProducts.PANEL * d];
        private final float[] value = new float[dp];
        private final int[] column = new int[TileProducts.PANEL];

        Packer() {
            for (int lane = 0; lane < TileProducts.PANEL; lane++) {
                column[lane] = lane * d;
            }
        }

        /** Key panels {@code [p0, p1)} of head (b, h); positions past the tensor's tokens become zero keys and values. */
        void pack(Tensor k, Tensor v, int b, int h, int[] order, int slot, int p0, int p1) {
            int tokens = (int) k.dim(1);
            int kBase = keyBase(slot);
            int vBase = valueBase(slot);
            for (int p = p0; p < p1; p++) {
                for (int lane = 0; lane < TileProducts.PANEL; lane++) {
                    int pos = p * TileProducts.PANEL + lane;
                    if (pos < tokens) {
                        int token = order == null ? pos : order[pos];
                        MemorySegment.copy(k.segment(), Layouts.F32, rowOffset(k, b, token, h), rows, lane * d, d);
                        MemorySegment.copy(v.segment(), Layouts.F32, rowOffset(v, b, token, h), value, 0, d);
                    } else {
                        Arrays.fill(rows, lane * d, lane * d + d, 0f);
                        Arrays.fill(value, 0, d, 0f);
                    }
                    for (int c = 0, w; c < dp; c += w) {
                        w = chunkWidth(c, dp);
                        System.arraycopy(value, c, values, vBase + paddedKeys * c + pos * w, w);
                    }
                }
                int out = kBase + TileProducts.panelOffset(p, d);
                // element e of the panel's 16 keys in one gathered load (scalar stores measured 4x slower here)
                for (int e = 0; e < d; e++) {
                    FloatVector.fromArray(TileProducts.SP, rows, e, column, 0).intoArray(keys, out + e * 4 * TileProducts.PANEL);
                }
            }
        }
    }

    /** Byte offset of row (b, token, h) of a [B, T, H, D] tensor. */
    static long rowOffset(Tensor t, long b, long token, long h) {
        return 4 * (t.offset() + b * t.stride(0) + token * t.stride(1) + h * t.stride(2));
    }
}
