package jdit.attention;

import java.util.Arrays;

/**
 * One head's active key blocks per query block, in compressed rows: the key blocks of query block r are
 * {@code cols[rowStart[r] .. rowStart[r + 1])}, ascending, each FULL or PARTIAL (its pairs filtered by the plan's
 * {@link ElementMask}). Immutable; heads with the same pattern share one instance.
 */
public final class HeadBlocks {
    private final int[] rowStart;
    private final int[] cols;
    private final boolean[] partial;

    public HeadBlocks(int[] rowStart, int[] cols, boolean[] partial) {
        if (rowStart.length < 1 || rowStart[0] != 0 || rowStart[rowStart.length - 1] != cols.length
                || partial.length != cols.length) {
            throw new IllegalArgumentException("inconsistent block rows: " + rowStart.length + " row starts ending at "
                    + rowStart[rowStart.length - 1] + " for " + cols.length + " blocks, " + partial.length + " kinds");
        }
        for (int r = 0; r + 1 < rowStart.length; r++) {
            if (rowStart[r + 1] < rowStart[r]) {
                throw new IllegalArgumentException("row starts decrease at query block " + r);
            }
            for (int i = rowStart[r] + 1; i < rowStart[r + 1]; i++) {
                if (cols[i] <= cols[i - 1]) {
                    throw new IllegalArgumentException("key blocks of query block " + r + " are not ascending and distinct");
                }
            }
        }
        this.rowStart = rowStart.clone();
        this.cols = cols.clone();
        this.partial = partial.clone();
    }

    /** Every key block for every query block, all FULL. */
    public static HeadBlocks all(int queryBlocks, int keyBlocks) {
        int[] starts = new int[queryBlocks + 1];
        int[] cols = new int[queryBlocks * keyBlocks];
        for (int r = 0; r < queryBlocks; r++) {
            starts[r + 1] = (r + 1) * keyBlocks;
            for (int c = 0; c < keyBlocks; c++) {
                cols[r * keyBlocks + c] = c;
            }
        }
        return new HeadBlocks(starts, cols, new boolean[cols.length]);
    }

    /** From a dense block map: {@code kind[r][c]} 0 = skipped, 1 = FULL, 2 = PARTIAL. */
    public static HeadBlocks fromMap(byte[][] kind) {
        int rows = kind.length;
        int[] starts = new int[rows + 1];
        int n = 0;
        for (byte[] row : kind) {
            for (byte b : row) {
                n += b != 0 ? 1 : 0;
            }
        }
        int[] cols = new int[n];
        boolean[] partial = new boolean[n];
        int i = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < kind[r].length; c++) {
                if (kind[r][c] != 0) {
                    cols[i] = c;
                    partial[i++] = kind[r][c] == 2;
                }
            }
            starts[r + 1] = i;
        }
        return new HeadBlocks(starts, cols, partial);
    }

    public int queryBlocks() {
        return rowStart.length - 1;
    }

    public int start(int queryBlock) {
        return rowStart[queryBlock];
    }

    public int end(int queryBlock) {
        return rowStart[queryBlock + 1];
    }

    public int col(int i) {
        return cols[i];
    }

    public boolean partial(int i) {
        return partial[i];
    }

    /** Active blocks in all rows. */
    public int activeBlocks() {
        return cols.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeadBlocks h && Arrays.equals(rowStart, h.rowStart) && Arrays.equals(cols, h.cols)
                && Arrays.equals(partial, h.partial);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(cols) * 31 + Arrays.hashCode(rowStart);
    }
}
