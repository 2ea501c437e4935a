package jdit.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdit.attention.AttentionPlan;
import jdit.attention.ElementMask;
import jdit.attention.HeadBlocks;
import jdit.attention.TileDecisions;
import jdit.tensor.Tensor;

/**
 * A block-sparse plan in device memory as the kernel's {@code struct Plan} reads it: every head's tile lists
 * concatenated (CSR), PARTIAL tiles' element masks evaluated on the host into bit sets (the mask is Java code), the
 * per-head token orders, and a zeroed verdict array when LiteAttention records decisions. One int buffer, uploaded
 * in one copy, owned by the caller's grow-only allocation.
 */
final class DevicePlan {
    /** The C {@code struct Plan}: seven pointers, four ints, one double. */
    static final int STRUCT_BYTES = 80;
    final int[] words;
    final int rowStartAt;
    final int colsAt;
    final int maskIndexAt;
    final int masksAt;
    final int ordersAt;
    final int orderDataAt;
    final int decisionsAt;
    final int decisionCount;

    DevicePlan(AttentionPlan.BlockSparse plan, int batch) {
        int heads = plan.heads().size();
        int qTiles = (plan.queries() + plan.queryBlock() - 1) / plan.queryBlock();
        int kTiles = (plan.keys() + plan.keyBlock() - 1) / plan.keyBlock();
        int maskWords = (plan.queryBlock() * plan.keyBlock() + 31) / 32;
        int active = 0;
        int partial = 0;
        for (HeadBlocks h : plan.heads()) {
            active += h.activeBlocks();
            for (int i = 0; i < h.activeBlocks(); i++) {
                partial += h.partial(i) ? 1 : 0;
            }
        }
        int orderWords = 0;
        if (plan.headOrders() != null) {
            for (int[] o : plan.headOrders()) {
                orderWords += o == null ? 0 : o.length;
            }
        }
        decisionCount = plan.decisions() == null ? 0 : batch * heads * qTiles * kTiles;
        rowStartAt = 0;
        colsAt = rowStartAt + heads * (qTiles + 1);
        maskIndexAt = colsAt + active;
        masksAt = maskIndexAt + active;
        ordersAt = masksAt + partial * maskWords;
        orderDataAt = ordersAt + batch * heads;
        decisionsAt = orderDataAt + orderWords;
        words = new int[decisionsAt + decisionCount];

        int col = 0;
        int mask = 0;
        for (int h = 0; h < heads; h++) {
            HeadBlocks hb = plan.heads().get(h);
            for (int r = 0; r <= qTiles; r++) {
                words[rowStartAt + h * (qTiles + 1) + r] = col + (r < qTiles ? hb.start(r) : hb.activeBlocks());
            }
            for (int r = 0; r < qTiles; r++) {
                for (int i = hb.start(r); i < hb.end(r); i++) {
                    words[colsAt + col + i] = hb.col(i);
                    if (hb.partial(i)) {
                        words[maskIndexAt + col + i] = mask;
                        writeMask(plan, r, hb.col(i), masksAt + mask * maskWords);
                        mask++;
                    } else {
                        words[maskIndexAt + col + i] = -1;
                    }
                }
            }
            col += hb.activeBlocks();
        }
        int at = 0;
        for (int bh = 0; bh < batch * heads; bh++) {
            int[] o = plan.headOrders() == null ? null : plan.headOrders()[bh];
            words[ordersAt + bh] = o == null ? -1 : at;
            if (o != null) {
                System.arraycopy(o, 0, words, orderDataAt + at, o.length);
                at += o.length;
            }
        }
    }

    private void writeMask(AttentionPlan.BlockSparse plan, int qt, int kt, int at) {
        ElementMask m = plan.mask();
        int bq = plan.queryBlock();
        int bk = plan.keyBlock();
        int rows = Math.min(bq, plan.queries() - qt * bq);
        int cols = Math.min(bk, plan.keys() - kt * bk);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                if (m.allowed(qt * bq + r, kt * bk + j)) {
                    int bit = r * bk + j;
                    words[at + (bit >>> 5)] |= 1 << (bit & 31);
                }
            }
        }
    }

    /** Uploads the words into {@code buffer} (I32, at least {@link #words} long) and returns the struct's bytes. */
    byte[] upload(CudaContext ctx, Tensor buffer, AttentionPlan.BlockSparse plan) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(4L * words.length, 64);
            MemorySegment.copy(words, 0, host, ValueLayout.JAVA_INT, 0, words.length);
            ctx.copyToDevice(buffer.address(), host.address(), 4L * words.length);
            ctx.synchronize();
        }
        long base = buffer.address();
        int qTiles = (plan.queries() + plan.queryBlock() - 1) / plan.queryBlock();
        int kTiles = (plan.keys() + plan.keyBlock() - 1) / plan.keyBlock();
        ByteBuffer b = ByteBuffer.allocate(STRUCT_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(base + 4L * rowStartAt).putLong(base + 4L * colsAt).putLong(base + 4L * maskIndexAt)
                .putLong(base + 4L * masksAt).putLong(base + 4L * ordersAt).putLong(base + 4L * orderDataAt)
                .putLong(decisionCount == 0 ? 0 : base + 4L * decisionsAt);
        b.putInt(plan.queryBlock()).putInt(plan.keyBlock()).putInt(qTiles).putInt(kTiles);
        b.putDouble(plan.decisions() == null ? 0 : plan.decisions().thresholdLog2());
        return b.array();
    }

    /** Reads the kernel's verdict bits back into the plan's {@link TileDecisions}. */
    void readDecisions(CudaContext ctx, Tensor buffer, AttentionPlan.BlockSparse plan, int batch) {
        if (decisionCount == 0) {
            return;
        }
        int heads = plan.heads().size();
        int qTiles = (plan.queries() + plan.queryBlock() - 1) / plan.queryBlock();
        int kTiles = (plan.keys() + plan.keyBlock() - 1) / plan.keyBlock();
        int[] flags = new int[decisionCount];
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(4L * decisionCount, 64);
            ctx.copyToHost(host.address(), buffer.address() + 4L * decisionsAt, 4L * decisionCount);
            ctx.synchronize();
            MemorySegment.copy(host, ValueLayout.JAVA_INT, 0, flags, 0, decisionCount);
        }
        TileDecisions d = plan.decisions();
        int i = 0;
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int qt = 0; qt < qTiles; qt++) {
                    for (int kt = 0; kt < kTiles; kt++, i++) {
                        int f = flags[i];
                        if (f != 0) {
                            d.set(b, h, qt, kt, (f & 2) != 0 ? (byte) 0 : (byte) 1);
                        }
                    }
                }
            }
        }
    }
}
