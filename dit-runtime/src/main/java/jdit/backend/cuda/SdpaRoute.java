package jdit.backend.cuda;

import java.util.Optional;
import jdit.attention.AttentionPlan;
import jdit.attention.HeadBlocks;

/**
 * Whether a call may go to cuDNN's fused attention instead of the block-sparse kernel: only dense work (the dense
 * plan, or a block plan whose heads list every tile FULL, with no token orders and no LiteAttention verdicts, so
 * cuDNN computes exactly what the kernel would), only when the backend multiplies in BF16 and is not told to keep
 * dense on the kernel, and only for shapes cuDNN's BF16 / FP16 flash attention takes (Ampere or newer, head size a
 * multiple of 8 up to 128, at least one query and key). Anything else stays on the kernel.
 */
final class SdpaRoute {
    /** Largest head size sent to cuDNN: the limit its flash attention has on every architecture from Ampere on. */
    static final int MAX_HEAD_DIM = 128;

    private SdpaRoute() {
    }

    /**
     * Why this call must stay on the kernel, or empty when cuDNN may take it.
     *
     * @param tensorCores the backend multiplies in BF16 (the FP32 backend promises FP32 products)
     * @param smMajor the device's compute capability major version
     */
    static Optional<String> refusal(AttentionPlan plan, int queries, int keys, int headDim, boolean tensorCores, int smMajor,
                                    DenseAttention mode) {
        if (mode == DenseAttention.KERNEL) {
            return Optional.of("the options keep dense attention on the kernel");
        }
        if (!tensorCores) {
            return Optional.of("the FP32 backend computes attention in FP32");
        }
        if (!isDense(plan)) {
            return Optional.of("the plan is sparse, ordered or records LiteAttention verdicts");
        }
        if (smMajor < 8) {
            return Optional.of("cuDNN's flash attention needs compute capability 8.0 or newer, the device has " + smMajor + ".x");
        }
        if (headDim % 8 != 0 || headDim > MAX_HEAD_DIM) {
            return Optional.of("head size " + headDim + " is not a multiple of 8 up to " + MAX_HEAD_DIM);
        }
        if (queries < 1 || keys < 1) {
            return Optional.of("no queries or no keys");
        }
        return Optional.empty();
    }

    /** True when the plan computes every query-key pair in the tokens' own order and records nothing. */
    static boolean isDense(AttentionPlan plan) {
        return switch (plan) {
            case AttentionPlan.Dense d -> true;
            case AttentionPlan.BlockSparse p -> p.decisions() == null && unordered(p) && everyTileFull(p);
        };
    }

    private static boolean unordered(AttentionPlan.BlockSparse p) {
        if (p.headOrders() == null) {
            return true;
        }
        for (int[] o : p.headOrders()) {
            if (o != null) {
                return false;
            }
        }
        return true;
    }

    private static boolean everyTileFull(AttentionPlan.BlockSparse p) {
        int keyTiles = (p.keys() + p.keyBlock() - 1) / p.keyBlock();
        for (HeadBlocks h : p.heads()) {
            for (int r = 0; r < h.queryBlocks(); r++) {
                // columns are distinct, ascending and in range, so a full count means every tile
                if (h.end(r) - h.start(r) != keyTiles) {
                    return false;
                }
            }
            for (int i = 0; i < h.activeBlocks(); i++) {
                if (h.partial(i)) {
                    return false;
                }
            }
        }
        return true;
    }
}
