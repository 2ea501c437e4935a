package jdit.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdit.attention.RecordingMethod;

/** Turns one method's raw measurements into its part of the {@link ProfileReport}. */
final class MethodSummary {
    private MethodSummary() {
    }

    static ProfileReport.MethodProfile of(String spec, Profiler.MethodRun run, Profiler.MethodRun dense, FidelityScores.Score score,
                                          double ceiling, ProfiledModel model) {
        int steps = run.stepSeconds().length;
        List<RecordingMethod.PlanRecord> records = run.method().records();
        double[][][] density = density(records, steps, model.layers(), model.heads());
        double[] planPerStep = new double[steps];
        for (RecordingMethod.PlanRecord r : records) {
            planPerStep[r.step()] += r.nanos() / 1e9;
        }
        List<ProfileReport.StepProfile> stepRows = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            stepRows.add(new ProfileReport.StepProfile(i, run.timesteps()[i], run.stepSeconds()[i], run.stepGflop()[i],
                    fraction(run.stepGflop()[i], run.stepSeconds()[i], ceiling), mean(density[i]), planPerStep[i]));
        }
        List<ProfileReport.LayerProfile> layerRows = new ArrayList<>();
        for (Map.Entry<Integer, OpStats.Totals> e : run.stats().byLayer().entrySet()) {
            double s = e.getValue().nanos() / 1e9;
            double g = e.getValue().flops() / 1e9;
            layerRows.add(new ProfileReport.LayerProfile(e.getKey(), s, g, fraction(g, s, ceiling)));
        }
        double seconds = Profiler.sum(run.stepSeconds());
        double gflop = Profiler.sum(run.stepGflop());
        double plan = Profiler.sum(planPerStep);
        List<ProfileReport.OpProfile> ops = new ArrayList<>();
        double timed = 0;
        for (Map.Entry<OpKind, OpStats.Totals> e : run.stats().byKind().entrySet()) {
            double s = e.getValue().nanos() / 1e9;
            double g = e.getValue().flops() / 1e9;
            timed += s;
            ops.add(new ProfileReport.OpProfile(e.getKey().label(), e.getValue().calls(), s, g, fraction(g, s, ceiling)));
        }
        ops.add(new ProfileReport.OpProfile("plan building", records.size(), plan, 0, 0));
        ops.add(new ProfileReport.OpProfile("other", 0, Math.max(0, seconds - timed - plan), 0, 0));
        double attention = attentionSeconds(run);
        double denseSeconds = Profiler.sum(dense.stepSeconds());
        double denseAttention = attentionSeconds(dense);
        long negligible = records.stream().mapToLong(RecordingMethod.PlanRecord::negligibleTiles).sum();
        boolean identical = Double.isInfinite(score.psnr());
        return new ProfileReport.MethodProfile(spec, run.description(), seconds, seconds / steps,
                fraction(gflop, seconds, ceiling), denseSeconds / seconds, attention, attention == 0 ? 0 : denseAttention / attention,
                plan, plan + attention == 0 ? 0 : plan / (plan + attention), mean(density), negligible,
                identical ? null : score.psnr(), score.ssim(), identical, score.decodeSeconds(), run.peakBytes(), stepRows, layerRows, ops, density);
    }

    private static double attentionSeconds(Profiler.MethodRun run) {
        OpStats.Totals t = run.stats().byKind().get(OpKind.ATTENTION);
        return t == null ? 0 : t.nanos() / 1e9;
    }

    /** Mean density per (step, layer, head) over the guidance branches; 1 where no plan was recorded. */
    static double[][][] density(List<RecordingMethod.PlanRecord> records, int steps, int layers, int heads) {
        double[][][] sum = new double[steps][layers][heads];
        int[][] count = new int[steps][layers];
        for (RecordingMethod.PlanRecord r : records) {
            for (int h = 0; h < heads && h < r.headDensity().length; h++) {
                sum[r.step()][r.layer()][h] += r.headDensity()[h];
            }
            count[r.step()][r.layer()]++;
        }
        for (int s = 0; s < steps; s++) {
            for (int l = 0; l < layers; l++) {
                for (int h = 0; h < heads; h++) {
                    sum[s][l][h] = count[s][l] == 0 ? 1 : sum[s][l][h] / count[s][l];
                }
            }
        }
        return sum;
    }

    static double mean(double[][] a) {
        return java.util.Arrays.stream(a).flatMapToDouble(java.util.Arrays::stream).average().orElse(1);
    }

    static double mean(double[][][] a) {
        return java.util.Arrays.stream(a).mapToDouble(MethodSummary::mean).average().orElse(1);
    }

    private static double fraction(double gflop, double seconds, double ceiling) {
        return seconds == 0 || ceiling == 0 ? 0 : gflop / seconds / ceiling; // no ceiling is measured on a GPU
    }
}
