package jdit.profile;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** The profile as compact text tables: methods, time per op, per step and per layer, one column per method. */
public final class ProfileTable {
    private ProfileTable() {
    }

    public static String render(ProfileReport r) {
        StringBuilder sb = new StringBuilder();
        ProfileReport.Setup s = r.setup();
        ProfileReport.Machine m = r.machine();
        sb.append(f("%s%ntoken grid %s (%,d tokens), %d blocks x %d heads, %d steps (%s), seed %d, %d threads%n", s.model(),
                s.grid(), s.tokens(), s.layers(), s.heads(), s.steps(), s.sampler(), s.seed(), m.threads()));
        sb.append(m.fmaGflops() > 0 ? f("FMA ceiling measured now: %.0f GFLOP/s; gemm: %s; fidelity on %s against dense%n%n",
                m.fmaGflops(), m.gemmKernel(), s.fidelityOf())
                : f("device: %s (no FMA ceiling measured: rates against it read 0); fidelity on %s against dense%n%n",
                m.gemmKernel(), s.fidelityOf()));
        sb.append(f("%-40s %7s %10s %8s %8s %9s %8s %7s %9s %7s %9s%n", "method", "s/step", "GFLOP/step", "of FMA", "speed-up",
                "attn x", "density", "plan %", "PSNR dB", "SSIM", "peak MiB"));
        for (ProfileReport.MethodProfile p : r.methods()) {
            double gflop = p.steps().stream().mapToDouble(ProfileReport.StepProfile::gflop).average().orElse(0);
            sb.append(f("%-40s %7.2f %10.1f %8.2f %7.2fx %8.2fx %8.3f %6.1f%% %9s %7.4f %9.0f%n", clip(p.description(), 40),
                    p.secondsPerStep(), gflop, p.fractionOfCeiling(), p.speedup(), p.attentionSpeedup(), p.meanDensity(), 100 * p.planShare(),
                    p.identicalToDense() ? "identical" : f("%.1f", p.psnr()), p.ssim(), p.peakActivationBytes() / 1048576.0));
        }
        List<ProfileReport.MethodProfile> ms = r.methods();
        sb.append(f("%nseconds per op over all steps (dense: GFLOP/s as a fraction of the ceiling)%n"));
        header(sb, "op", ms);
        for (ProfileReport.OpProfile op : r.dense().ops()) {
            sb.append(f("%-16s", op.op()));
            for (ProfileReport.MethodProfile p : ms) {
                double sec = p.ops().stream().filter(o -> o.op().equals(op.op())).mapToDouble(ProfileReport.OpProfile::seconds).sum();
                sb.append(f(" %12.2f", sec));
            }
            sb.append(op.gflop() > 0 ? f("   (%.2f)%n", op.fractionOfCeiling()) : System.lineSeparator());
        }
        sb.append(f("%nseconds per step (mean attention density)%n"));
        header(sb, "step", ms);
        for (int i = 0; i < s.steps(); i++) {
            int step = i;
            row(sb, Integer.toString(i), ms, p -> f("%6.2f (%.2f)", p.steps().get(step).seconds(), p.steps().get(step).density()));
        }
        sb.append(f("%nseconds per block over all steps (-1: outside the blocks)%n"));
        header(sb, "block", ms);
        for (ProfileReport.LayerProfile l : r.dense().layers()) {
            row(sb, Integer.toString(l.layer()), ms, p -> f("%.2f", p.layers().stream().filter(x -> x.layer() == l.layer())
                    .mapToDouble(ProfileReport.LayerProfile::seconds).sum()));
        }
        return sb.toString();
    }

    private static void header(StringBuilder sb, String first, List<ProfileReport.MethodProfile> ms) {
        sb.append(f("%-16s", first));
        for (ProfileReport.MethodProfile p : ms) {
            sb.append(f(" %12s", clip(p.spec(), 12)));
        }
        sb.append(System.lineSeparator());
    }

    private static void row(StringBuilder sb, String first, List<ProfileReport.MethodProfile> ms,
                            Function<ProfileReport.MethodProfile, String> cell) {
        sb.append(f("%-16s", first));
        for (ProfileReport.MethodProfile p : ms) {
            sb.append(f(" %12s", cell.apply(p)));
        }
        sb.append(System.lineSeparator());
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "~";
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
