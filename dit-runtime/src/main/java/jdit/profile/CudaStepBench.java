package jdit.profile;

import java.util.ArrayList;
import java.util.List;
import jdit.attention.AttentionMethod;
import jdit.attention.AttentionMethods;
import jdit.attention.AttentionStep;
import jdit.attention.GuidanceBranch;
import jdit.backend.Backend;
import jdit.backend.cuda.CudaBackend;
import jdit.backend.cuda.CudaContext;
import jdit.backend.cuda.CudaOptions;
import jdit.backend.cuda.CudaProbe;
import jdit.io.SeededWeights;
import jdit.model.wan.WanConfig;
import jdit.model.wan.WanModel;
import jdit.model.wan.WanParameters;
import jdit.sampling.CounterNoise;
import jdit.sampling.NoiseSource;
import jdit.sampling.Sampler;
import jdit.sampling.SamplerDefaults;
import jdit.sampling.Samplers;
import jdit.sampling.UploadedNoise;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * Issue 8's figure: seconds per denoising step of a Wan2.1-1.3B-shaped model (30 blocks, dim 1536, 12 heads, seeded
 * random BF16 weights) at 81 frames of 832x480 (21 x 30 x 52 patches, 32,760 tokens) on the GPU, dense and with each
 * sparse method. A step is what a guided generation does: the conditional and the unconditional forward and the
 * sampler's update, from one seed; the first {@code warmup} steps compile kernels and are not timed.
 */
public final class CudaStepBench {
    /** The GPU, its options, the methods (besides dense), the timed steps and the video's latent frames, height, width. */
    public record Options(int device, CudaOptions cuda, List<String> methods, int steps, int warmup, int latentFrames,
                          int latentHeight, int latentWidth) {
        /** 81 frames of 832x480: 21 latent frames of 60 x 104. */
        public static Options wan81x832x480(int device, CudaOptions cuda, List<String> methods, int steps) {
            return new Options(device, cuda, methods, steps, 1, 21, 60, 104);
        }
    }

    /** One method's seconds per step (the median of the timed steps) and its attention density. */
    public record Row(String method, double secondsPerStep, double density) {
    }

    private CudaStepBench() {
    }

    /** Why the benchmark cannot run here, or empty where a GPU can be used. */
    public static java.util.Optional<String> unavailable(CudaProbe.Result probe) {
        return probe.available() ? java.util.Optional.empty()
                : java.util.Optional.of("seconds per step of Wan2.1-1.3B at 81x832x480: skipped, no usable GPU (" + probe.reason() + ")");
    }

    public static List<Row> run(Options o) {
        try (CudaContext ctx = CudaContext.open(o.device(), o.cuda())) {
            return run(o, WanConfig.t2v13b(), DType.BF16, CudaBackend.create(ctx));
        }
    }

    /** The same for model {@code c} with weights in {@code weights} on any backend (tests run a tiny one on the CPU). */
    static List<Row> run(Options o, WanConfig c, DType weightType, Backend gpu) {
        List<String> specs = new ArrayList<>(List.of("dense"));
        specs.addAll(o.methods());
        specs.forEach(AttentionMethods::create); // a bad name fails before the weights are made
        List<Row> rows = new ArrayList<>();
        try (SeededWeights weights = new SeededWeights(WanParameters.originalLayout(c), 1);
             WanModel model = WanModel.load(weights, c, weightType, gpu.memory()); Workspace keep = gpu.memory().workspace();
             Workspace step = gpu.memory().workspace()) {
            Tensor prompt = keep.allocate(DType.F32, c.textLen(), c.textDim());
            new UploadedNoise(new CounterNoise(3), gpu.memory()).next(prompt);
            Tensor cond = model.embedText(prompt, gpu, keep).unsqueeze(0);
            Tensor uncond = model.embedText(prompt.narrow(0, 0, 1), gpu, keep).unsqueeze(0);
            for (String spec : specs) {
                rows.add(method(o, spec, model, cond, uncond, gpu, keep, step));
            }
        }
        return rows;
    }

    private static Row method(Options o, String spec, WanModel model, Tensor cond, Tensor uncond, Backend gpu, Workspace keep,
                              Workspace step) {
        AttentionMethod method = new jdit.attention.RecordingMethod(AttentionMethods.create(spec));
        int steps = o.warmup() + o.steps();
        Sampler sampler = Samplers.byName(SamplerDefaults.wan21().sampler()).create(SamplerDefaults.wan21().config().withSteps(steps));
        NoiseSource noise = new UploadedNoise(new CounterNoise(7), gpu.memory());
        Tensor x = keep.allocate(DType.F32, 1, model.config().inDim(), o.latentFrames(), o.latentHeight(), o.latentWidth());
        noise.next(x);
        Tensor guided = keep.allocate(DType.F32, x.shape());
        double[] seconds = new double[o.steps()];
        for (int i = 0; i < steps; i++) {
            double t = sampler.timesteps()[i];
            long t0 = System.nanoTime();
            Tensor vc = model.forward(x, new double[] {t}, cond, new AttentionStep(method, i, steps, t, GuidanceBranch.CONDITIONAL), gpu, step);
            Tensor vu = model.forward(x, new double[] {t}, uncond, new AttentionStep(method, i, steps, t, GuidanceBranch.UNCONDITIONAL),
                    gpu, step);
            gpu.pointwise().scaleAdd(vc, 5f, vu, -4f, guided);
            sampler.step(guided, i, x, noise, gpu, keep);
            gpu.memory().synchronize();
            if (i >= o.warmup()) {
                seconds[i - o.warmup()] = (System.nanoTime() - t0) / 1e9;
            }
            step.releaseAll();
        }
        java.util.Arrays.sort(seconds);
        double density = ((jdit.attention.RecordingMethod) method).records().stream()
                .mapToDouble(jdit.attention.RecordingMethod.PlanRecord::meanDensity).average().orElse(1);
        keep.release(guided);
        keep.release(x);
        return new Row(method.description(), seconds[seconds.length / 2], density);
    }

    public static String render(List<Row> rows) {
        StringBuilder sb = new StringBuilder(String.format("%nseconds per denoising step, Wan2.1-1.3B shape (BF16 weights), 81 frames "
                + "832x480, 32,760 tokens, guided (2 forwards)%n%-44s %10s %8s %9s%n", "method", "s/step", "density", "speed-up"));
        double dense = rows.isEmpty() ? 0 : rows.getFirst().secondsPerStep();
        for (Row r : rows) {
            sb.append(String.format("%-44s %10.3f %7.1f%% %8.2fx%n", r.method(), r.secondsPerStep(), 100 * r.density(),
                    dense / r.secondsPerStep()));
        }
        return sb.toString();
    }
}
