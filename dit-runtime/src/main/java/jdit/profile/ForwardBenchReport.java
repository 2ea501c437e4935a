package jdit.profile;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One model-forward benchmark: the FMA ceiling measured before and after, the seconds of each timed forward, the
 * FLOPs the ops counted, and the per-op totals over all timed forwards.
 */
public record ForwardBenchReport(String model, String shape, int threads, String gemmKernel, double ceilingBefore,
                                 double ceilingAfter, double loadSeconds, double[] seconds, OpStats ops, int forwards,
                                 List<String> notes) {
    /** The ceiling the ratios use: the larger of the two measurements, so that noise cannot flatter the ratio. */
    public double ceiling() {
        return Math.max(ceilingBefore, ceilingAfter);
    }

    public double medianSeconds() {
        double[] s = seconds.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    public double bestSeconds() {
        return Arrays.stream(seconds).min().orElse(Double.NaN);
    }

    public double gflopPerForward() {
        return ops.totalFlops() / forwards / 1e9;
    }

    /** Median-forward GFLOP/s over the ceiling. */
    public double fraction() {
        return gflopPerForward() / medianSeconds() / ceiling();
    }

    public String render() {
        StringBuilder sb = new StringBuilder();
        double total = Arrays.stream(seconds).sum();
        sb.append(String.format("%s, %s, %d threads, gemm: %s%n", model, shape, threads, gemmKernel));
        sb.append(String.format("FMA ceiling (measured now): %.0f GFLOP/s before, %.0f after; ratios use %.0f%n",
                ceilingBefore, ceilingAfter, ceiling()));
        sb.append(String.format("weights made and loaded in %.1f s%n", loadSeconds));
        for (String n : notes) {
            sb.append(n).append('\n');
        }
        sb.append(String.format("%nforward: median %.3f s, best %.3f s over %d runs; %.1f GFLOP per forward; %.1f GFLOP/s "
                        + "= %.2f of the FMA ceiling (best run %.2f)%n", medianSeconds(), bestSeconds(), seconds.length,
                gflopPerForward(), gflopPerForward() / medianSeconds(), fraction(),
                gflopPerForward() / bestSeconds() / ceiling()));
        sb.append(String.format("%n%-28s %8s %11s %7s %10s %9s%n", "op (per forward)", "calls", "ms", "share", "GFLOP/s",
                "/ceiling"));
        long opNanos = 0;
        for (Map.Entry<OpKind, OpStats.Totals> e : ops.byKind().entrySet()) {
            opNanos += e.getValue().nanos();
            row(sb, e.getKey().label(), e.getValue(), total);
            if (e.getKey() == OpKind.GEMM) {
                for (Map.Entry<OpStats.GemmShape, OpStats.Totals> g : ops.gemmByShape().entrySet()) {
                    row(sb, "  K x N = " + g.getKey(), g.getValue(), total);
                }
            }
            if (e.getKey() == OpKind.ATTENTION && ops.attentionByShape().size() > 1) {
                for (Map.Entry<OpStats.AttentionShape, OpStats.Totals> a : ops.attentionByShape().entrySet()) {
                    row(sb, "  queries x keys = " + a.getKey(), a.getValue(), total);
                }
            }
        }
        double other = (total * 1e9 - opNanos) / forwards / 1e6;
        sb.append(String.format("%-28s %8s %11.1f %6.1f%%%n", "outside ops (copies, views)", "", other,
                100 * other / (total * 1e3 / forwards)));
        return sb.toString();
    }

    private void row(StringBuilder sb, String label, OpStats.Totals t, double totalSeconds) {
        double ms = t.nanos() / 1e6 / forwards;
        double rate = t.gflopsPerSecond();
        sb.append(String.format("%-28s %8d %11.1f %6.1f%% %10s %9s%n", label, t.calls() / forwards, ms,
                100 * ms / (totalSeconds * 1e3 / forwards), t.flops() > 0 ? String.format("%.1f", rate) : "-",
                t.flops() > 0 ? String.format("%.2f", rate / ceiling()) : "-"));
    }
}
