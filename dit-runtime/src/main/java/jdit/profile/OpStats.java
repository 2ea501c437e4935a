package jdit.profile;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import jdit.attention.LayerProbe;

/**
 * Calls, nanoseconds and floating-point operations per op kind, and per product shape for gemm, accumulated by a
 * {@link TimedBackend}, and per transformer block as the model's {@link LayerProbe} calls say ({@code -1}: outside
 * the blocks). FLOPs count multiply-adds as two; only gemm, attention and conv count FLOPs.
 */
public final class OpStats implements LayerProbe {
    /** A product's shape: inner dimension K by output columns N. */
    public record GemmShape(long k, long n) {
        @Override
        public String toString() {
            return k + "x" + n;
        }
    }

    /** An attention call's shape: query rows by key rows (self-attention has them equal). */
    public record AttentionShape(long queries, long keys) {
        @Override
        public String toString() {
            return queries + "x" + keys;
        }
    }

    /** Totals of one kind or shape. */
    public record Totals(long calls, long nanos, double flops) {
        Totals plus(long dt, double f) {
            return new Totals(calls + 1, nanos + dt, flops + f);
        }

        public double gflopsPerSecond() {
            return nanos == 0 ? 0 : flops / nanos;
        }
    }

    private static final Totals ZERO = new Totals(0, 0, 0);
    private final Map<OpKind, Totals> byKind = new EnumMap<>(OpKind.class);
    private final Map<GemmShape, Totals> byShape = new LinkedHashMap<>();
    private final Map<AttentionShape, Totals> byAttention = new LinkedHashMap<>();
    private final Map<Integer, Totals> byLayer = new TreeMap<>();
    private int layer = OUTSIDE_BLOCKS;

    @Override
    public synchronized void enter(int layer) {
        this.layer = layer;
    }

    synchronized void add(OpKind kind, long nanos, double flops) {
        byKind.merge(kind, ZERO.plus(nanos, flops), (a, b) -> a.plus(b.nanos(), b.flops()));
        byLayer.merge(layer, ZERO.plus(nanos, flops), (a, b) -> a.plus(b.nanos(), b.flops()));
    }

    /** Totals per transformer block, in block order, {@code -1} (outside the blocks) first. */
    public synchronized Map<Integer, Totals> byLayer() {
        return new TreeMap<>(byLayer);
    }

    synchronized void addGemm(GemmShape shape, long nanos, double flops) {
        add(OpKind.GEMM, nanos, flops);
        byShape.merge(shape, ZERO.plus(nanos, flops), (a, b) -> a.plus(b.nanos(), b.flops()));
    }

    synchronized void addAttention(AttentionShape shape, long nanos, double flops) {
        add(OpKind.ATTENTION, nanos, flops);
        byAttention.merge(shape, ZERO.plus(nanos, flops), (a, b) -> a.plus(b.nanos(), b.flops()));
    }

    public synchronized Map<AttentionShape, Totals> attentionByShape() {
        return new LinkedHashMap<>(byAttention);
    }

    public synchronized Map<OpKind, Totals> byKind() {
        return new EnumMap<>(byKind.isEmpty() ? Map.of() : byKind);
    }

    public synchronized Map<GemmShape, Totals> gemmByShape() {
        return new LinkedHashMap<>(byShape);
    }

    public synchronized long totalNanos() {
        return byKind.values().stream().mapToLong(Totals::nanos).sum();
    }

    public synchronized double totalFlops() {
        return byKind.values().stream().mapToDouble(Totals::flops).sum();
    }

    public synchronized void clear() {
        byKind.clear();
        byShape.clear();
        byAttention.clear();
        byLayer.clear();
        layer = OUTSIDE_BLOCKS;
    }
}
