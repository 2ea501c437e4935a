package jdit.attention;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jdit.tensor.Tensor;

/**
 * Wraps a method and records every plan it makes: where (step, layer, branch), the density per head, and the time
 * spent building it; what the profiler reports per method.
 */
public final class RecordingMethod implements AttentionMethod {
    /**
     * One plan: the density of each head (1 for dense), the nanoseconds the method took to make it, and LiteAttention's
     * verdicts when the plan asked for them (filled in by the kernel when the attention ran).
     */
    public record PlanRecord(int step, int layer, GuidanceBranch branch, double[] headDensity, long nanos,
                             TileDecisions decisions) {
        public double meanDensity() {
            return java.util.Arrays.stream(headDensity).average().orElse(1);
        }

        /** Tiles the kernel found negligible in this call (0 without verdicts). */
        public long negligibleTiles() {
            return decisions == null ? 0 : decisions.count((byte) 1);
        }
    }

    private final AttentionMethod inner;
    private final List<PlanRecord> records = new ArrayList<>();

    public RecordingMethod(AttentionMethod inner) {
        this.inner = inner;
    }

    @Override
    public String description() {
        return inner.description();
    }

    @Override
    public Optional<int[]> tokenOrder(TokenGrid grid) {
        return inner.tokenOrder(grid);
    }

    @Override
    public void reset() {
        inner.reset();
    }

    @Override
    public AttentionPlan plan(AttentionContext ctx, Tensor q, Tensor k, Tensor v) {
        long t0 = System.nanoTime();
        AttentionPlan plan = inner.plan(ctx, q, k, v);
        long nanos = System.nanoTime() - t0;
        double[] density = new double[ctx.heads()];
        for (int h = 0; h < density.length; h++) {
            density[h] = plan instanceof AttentionPlan.BlockSparse b ? b.headDensity(h) : 1;
        }
        synchronized (records) {
            records.add(new PlanRecord(ctx.step(), ctx.layer(), ctx.branch(), density, nanos,
                    plan instanceof AttentionPlan.BlockSparse b ? b.decisions() : null));
        }
        return plan;
    }

    public List<PlanRecord> records() {
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    /** Total plan-building nanoseconds so far. */
    public long planNanos() {
        return records().stream().mapToLong(PlanRecord::nanos).sum();
    }
}
