package jdit.cli.report;

import java.util.Base64;
import java.util.List;
import java.util.Locale;
import jdit.profile.ProfileReport;

/**
 * The profile as one self-contained HTML page: the setup, the tables, and the charts embedded as PNG data URIs,
 * so that the page references no other file.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    public static String render(ProfileReport r) {
        ProfileReport.Setup s = r.setup();
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>jdit profile</title>\n<style>")
                .append("body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}")
                .append("img{display:block;margin:1em 0;max-width:100%}</style></head><body>\n");
        h.append("<h1>jdit profile</h1>\n<p>").append(esc(s.model())).append("<br>token grid ").append(esc(s.grid()))
                .append(f(" (%,d tokens), %d blocks x %d heads, %d steps (%s), seed %d, %d threads", s.tokens(), s.layers(),
                        s.heads(), s.steps(), esc(s.sampler()), s.seed(), r.machine().threads()))
                .append(f("<br>FMA ceiling measured at the start: %.0f GFLOP/s; gemm: %s; fidelity on %s against dense; %s</p>%n",
                        r.machine().fmaGflops(), esc(r.machine().gemmKernel()), esc(s.fidelityOf()), esc("Java " + r.machine().java())));
        h.append("<h2>Methods</h2>\n<table><tr><th>method</th><th>s / step</th><th>of FMA ceiling</th><th>speed-up</th>")
                .append("<th>attention speed-up</th><th>density</th><th>plan share</th><th>negligible tiles</th><th>PSNR</th>")
                .append("<th>SSIM</th><th>activations peak</th></tr>\n");
        for (ProfileReport.MethodProfile m : r.methods()) {
            h.append("<tr><td>").append(esc(m.description())).append("</td>")
                    .append(f("<td>%.2f</td><td>%.2f</td><td>%.2fx</td><td>%.2fx</td><td>%.3f</td><td>%.1f%%</td><td>%,d</td>",
                            m.secondsPerStep(), m.fractionOfCeiling(), m.speedup(), m.attentionSpeedup(), m.meanDensity(),
                            100 * m.planShare(), m.negligibleTiles()))
                    .append("<td>").append(m.identicalToDense() ? "identical" : f("%.1f dB", m.psnr())).append("</td>")
                    .append(f("<td>%.4f</td><td>%.0f MiB</td></tr>%n", m.ssim(), m.peakActivationBytes() / 1048576.0));
        }
        h.append("</table>\n");
        image(h, "time per op", Charts.timePerOp(r));
        image(h, "speed-up per method", Charts.speedup(r));
        image(h, "seconds per step", Charts.secondsPerStep(r));
        image(h, "density over steps", Charts.densityOverSteps(r));
        opTable(h, r);
        h.append("<h2>Density per layer and head (mean over steps)</h2>\n");
        for (ProfileReport.MethodProfile m : r.methods()) {
            if (!m.spec().equals("dense")) {
                image(h, "density heatmap of " + m.spec(), Charts.densityHeatmap(m));
            }
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void opTable(StringBuilder h, ProfileReport r) {
        List<ProfileReport.MethodProfile> ms = r.methods();
        h.append("<h2>Seconds per op over all steps</h2>\n<table><tr><th>op</th>");
        for (ProfileReport.MethodProfile m : ms) {
            h.append("<th>").append(esc(m.spec())).append("</th>");
        }
        h.append("<th>dense GFLOP/s of ceiling</th></tr>\n");
        for (ProfileReport.OpProfile op : r.dense().ops()) {
            h.append("<tr><td>").append(esc(op.op())).append("</td>");
            for (ProfileReport.MethodProfile m : ms) {
                h.append(f("<td>%.2f</td>", m.ops().stream().filter(o -> o.op().equals(op.op()))
                        .mapToDouble(ProfileReport.OpProfile::seconds).sum()));
            }
            h.append(op.gflop() > 0 ? f("<td>%.2f</td>", op.fractionOfCeiling()) : "<td></td>").append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static void image(StringBuilder h, String alt, byte[] png) {
        h.append("<img alt=\"").append(esc(alt)).append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png)).append("\">\n");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
