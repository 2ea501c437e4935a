package jdit.profile;

import java.util.List;

/** The result of one benchmark run: the ceilings, one row per kernel, and notes (kernel choice, warnings). */
public record BenchReport(double fmaGflops1, double fmaGflops, double copyGbps, int threads, List<BenchRow> rows,
                          List<String> notes) {

    /** A plain-text table. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("ceilings (measured now): fp32 FMA %.0f GFLOP/s on 1 thread, %.0f GFLOP/s on %d threads; "
                + "copy %.1f GB/s (read+write)%n", fmaGflops1, fmaGflops, threads, copyGbps));
        for (String n : notes) {
            sb.append(n).append('\n');
        }
        sb.append(String.format("%n%-34s %-22s %9s %9s %-8s %s%n", "op", "shape", "median", "best", "unit", "median/ceiling"));
        for (BenchRow r : rows) {
            sb.append(String.format("%-34s %-22s %9.1f %9.1f %-8s %.2f of %s%n", r.op(), r.shape(), r.median(), r.best(),
                    r.unit(), r.fraction(), r.ceiling()));
        }
        return sb.toString();
    }
}
