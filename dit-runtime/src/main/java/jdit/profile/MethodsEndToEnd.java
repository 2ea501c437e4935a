package jdit.profile;

import java.util.ArrayList;
import java.util.List;
import jdit.attention.AttentionMethods;
import jdit.attention.AttentionStep;
import jdit.attention.GuidanceBranch;
import jdit.attention.RecordingMethod;
import jdit.backend.cpu.CpuBackend;
import jdit.io.SeededWeights;
import jdit.model.wan.WanConfig;
import jdit.model.wan.WanModel;
import jdit.model.wan.WanParameters;
import jdit.sampling.CounterNoise;
import jdit.sampling.Sampler;
import jdit.sampling.SamplerConfig;
import jdit.sampling.Samplers;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * Each method inside a short generation of a Wan-shaped model (the 1.3B model's width, a few blocks, seeded random
 * weights, one prompt of random embeddings, flow Euler with shift 5, no guidance), all from the same seed: seconds per
 * step, mean density, plan-building share, and the PSNR of the final latent against the dense run's (no VAE: random
 * weights make no picture). Random weights attend diffusely, so this measures speed and how far each method moves
 * the result, not its quality on a trained model.
 */
public final class MethodsEndToEnd {
    public record Options(int layers, int latentFrames, int latentHeight, int latentWidth, int steps, List<String> methods,
                          int threads) {
    }

    public record Row(String method, double secondsPerStep, double density, double planShare, double psnr) {
    }

    private MethodsEndToEnd() {
    }

    public static List<Row> run(Options o) {
        WanConfig c = WanConfig.t2v13b();
        WanConfig small = new WanConfig(c.patchT(), c.patchH(), c.patchW(), c.textLen(), c.inDim(), c.dim(), c.ffnDim(),
                c.freqDim(), c.textDim(), c.outDim(), c.numHeads(), o.layers(), c.eps());
        try (CpuBackend cpu = CpuBackend.create(o.threads(), true); Workspace ws = new Workspace(); Workspace step = new Workspace();
             WanModel model = WanModel.load(new SeededWeights(WanParameters.originalLayout(small), 1), small, DType.F32)) {
            Tensor prompt = ws.allocate(DType.F32, 64, small.textDim());
            new CounterNoise(3).next(prompt);
            Tensor text = model.embedText(prompt, cpu.backend(), ws).unsqueeze(0);
            // the first dense run warms the JIT and the step workspace's memory up and is not reported
            List<String> specs = new ArrayList<>(List.of("dense", "dense"));
            specs.addAll(o.methods());
            List<Row> rows = new ArrayList<>();
            Tensor reference = null;
            for (int run = 0; run < specs.size(); run++) {
                String spec = specs.get(run);
                RecordingMethod method = new RecordingMethod(AttentionMethods.create(spec));
                Sampler sampler = Samplers.byName("flow-euler").create(SamplerConfig.linear(o.steps()).withShift(5));
                Tensor x = ws.allocate(DType.F32, 1, small.inDim(), o.latentFrames(), o.latentHeight(), o.latentWidth());
                new CounterNoise(7).next(x);
                long start = System.nanoTime();
                for (int i = 0; i < o.steps(); i++) {
                    double t = sampler.timesteps()[i];
                    Tensor v = model.forward(x, new double[] {t}, text,
                            new AttentionStep(method, i, o.steps(), t, GuidanceBranch.UNGUIDED), cpu.backend(), step);
                    sampler.step(v, i, x, null, cpu.backend(), ws);
                    step.releaseAll();
                }
                if (run == 0) {
                    continue;
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double density = method.records().stream().mapToDouble(RecordingMethod.PlanRecord::meanDensity).average().orElse(1);
                if (reference == null) {
                    reference = x;
                }
                rows.add(new Row(method.description(), seconds / o.steps(), density, method.planNanos() / 1e9 / seconds,
                        psnr(reference, x)));
            }
            return rows;
        }
    }

    /** 10·log10(range² / MSE), range = max − min of the reference; infinite when equal. */
    static double psnr(Tensor reference, Tensor x) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double se = 0;
        for (long i = 0; i < reference.numel(); i++) {
            double r = reference.getDoubleAt(i);
            lo = Math.min(lo, r);
            hi = Math.max(hi, r);
            double d = r - x.getDoubleAt(i);
            se += d * d;
        }
        double mse = se / reference.numel();
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10((hi - lo) * (hi - lo) / mse);
    }

    public static String render(Options o, List<Row> rows) {
        StringBuilder sb = new StringBuilder(String.format("Wan2.1-1.3B-shaped, %d blocks, latent %d x %d x %d (%d tokens), %d "
                        + "flow-Euler steps, seeded random weights, %d threads%n%n", o.layers(), o.latentFrames(), o.latentHeight(),
                o.latentWidth(), o.latentFrames() * o.latentHeight() * o.latentWidth() / 4, o.steps(), o.threads()));
        sb.append(String.format("%-44s %10s %8s %8s %12s%n", "method", "s / step", "density", "plan %", "PSNR vs dense"));
        for (Row r : rows) {
            sb.append(String.format("%-44s %10.2f %8.3f %7.1f%% %12s%n", r.method(), r.secondsPerStep(), r.density(),
                    100 * r.planShare(), Double.isInfinite(r.psnr()) ? "identical" : String.format("%.1f dB", r.psnr())));
        }
        return sb.toString();
    }
}
