package jdit.backend;

import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * Copies, fills and transfers on the backend's device. Activations move between tensors only through these ops, so a
 * model runs unchanged wherever its workspace lives; the host sees device data only through {@link #download}.
 */
public interface Memory {
    /** {@code dst[...] = src[...]} for equal shapes, converting dtypes where they differ; either may be a strided view. */
    void copy(Tensor src, Tensor dst);

    /** Every element of {@code dst} set to {@code value}. */
    void fill(Tensor dst, float value);

    /** Waits until every op issued so far has finished (a no-op on the CPU). */
    void synchronize();

    /** A workspace of this device's memory (host memory unless the backend owns a device). */
    default Workspace workspace() {
        return new Workspace();
    }

    /**
     * {@code dst[...] = host[...]}: {@code host} a host tensor, {@code dst} one of this device with the same shape, dtype
     * converted where they differ; the host memory may be reused when the call returns.
     */
    void upload(Tensor host, Tensor dst);

    /** {@code host[...] = src[...]}: the inverse of {@link #upload}; the values are in {@code host} when it returns. */
    void download(Tensor src, Tensor host);

    /**
     * Token rows by an index: {@code dst[b, i, :] = src[b, index[i], :]} for src [B, S, D], dst [B, I, D], index I32 [I]
     * with values in [0, S); all three on this device, src and dst F32 and contiguous.
     */
    void gatherRows(Tensor src, Tensor index, Tensor dst);

    /**
     * The inverse placement, {@code dst[b, index[i], :] = src[b, i, :]} for src [B, I, D], dst [B, S, D]; rows of dst
     * that no index names keep their values, and an index naming one row twice leaves either value.
     */
    void scatterRows(Tensor src, Tensor index, Tensor dst);

    /**
     * Bins of token rows averaged: {@code dst[b, o, :] = mean of src[b, rows[k], :]} for k in
     * {@code [offsets[o], offsets[o+1])}, summed in double in index order (a grid's pooling bins); src [B, S, D], dst
     * [B, O, D] F32 contiguous, offsets I32 [O + 1], rows I32, all on this device. A bin must not be empty.
     */
    void meanRows(Tensor src, Tensor offsets, Tensor rows, Tensor dst);

    /** Shape checks {@link #gatherRows} and {@link #scatterRows} share: {@code rows} [B, I, D], {@code table} [B, S, D]. */
    static void checkRows(Tensor rows, Tensor index, Tensor table) {
        boolean ok = rows.rank() == 3 && table.rank() == 3 && index.rank() == 1 && rows.dim(0) == table.dim(0)
                && rows.dim(2) == table.dim(2) && rows.dim(1) == index.dim(0) && index.dtype() == jdit.tensor.DType.I32;
        if (!ok) {
            throw new IllegalArgumentException("row gather/scatter needs rows [B, I, D], an I32 index [I] and a table [B, S, D];"
                    + " got " + rows + ", " + index + ", " + table);
        }
    }
}
