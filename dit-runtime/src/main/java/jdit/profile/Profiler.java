package jdit.profile;

import jdit.backend.DeviceBackend;
import jdit.backend.DeviceChoice;
import jdit.sampling.NoiseSource;
import jdit.sampling.UploadedNoise;
import jdit.density.TokenDensities;
import jdit.density.TokenDensity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jdit.attention.AttentionMethods;
import jdit.attention.AttentionStep;
import jdit.attention.GuidanceBranch;
import jdit.attention.RecordingMethod;
import jdit.backend.Backend;
import jdit.backend.cpu.CpuBackend;
import jdit.sampling.CounterNoise;
import jdit.sampling.Sampler;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * Runs a model for N denoising steps once per attention method, from the same seed, through a {@link TimedBackend},
 * and reports per step, per layer and per op against the FMA ceiling it measures first, with each method's speed-up
 * and fidelity against the dense run. One warm-up forward precedes the timed runs (the JIT, and the first touch of
 * the workspace's memory).
 */
public final class Profiler {
    private final ProfiledModel model;
    private final ProfileOptions options;

    public Profiler(ProfiledModel model, ProfileOptions options) {
        this.model = model;
        this.options = options;
    }

    /** On the CPU, {@code options.threads()} threads. */
    public ProfileReport run(ProfileOptions.Progress progress) {
        try (DeviceBackend cpu = DeviceBackend.open(DeviceChoice.CPU, options.threads(), null)) {
            return run(progress, cpu);
        }
    }

    /**
     * On {@code device}, where the model must have been loaded. On a GPU no FMA ceiling is measured (rates against it
     * read 0) and only explicit downloads (the final latents, the decoded frames) reach the host.
     */
    public ProfileReport run(ProfileOptions.Progress progress, DeviceBackend device) {
        List<String> attention = new ArrayList<>(options.methods());
        attention.removeIf(s -> s.equals("dense"));
        attention.addFirst("dense");
        List<String> specs = new ArrayList<>(attention); // the labels: attention methods, then dense+density runs
        List<TokenDensity> densities = new ArrayList<>(java.util.Collections.nCopies(attention.size(), TokenDensity.DENSE));
        for (String d : options.densities()) {
            TokenDensity density = TokenDensities.create(d);
            if (density != TokenDensity.DENSE && !model.supportsDensity()) {
                throw new IllegalArgumentException("token density runs on DiT and Wan2.1 models, not " + model.description());
            }
            attention.add("dense");
            specs.add("dense+" + density.describe());
            densities.add(density);
        }
        List<RecordingMethod> methods = attention.stream().map(s -> new RecordingMethod(AttentionMethods.create(s))).toList();
        Backend be = device.backend();
        try (Workspace keep = be.memory().workspace(); Workspace step = be.memory().workspace()) {
            double ceiling = device.cpu().map(cpu -> Ceilings.fmaGflops(cpu.parallel(), 3, 20_000_000L)).orElse(0.0);
            model.prepare(be, keep);
            warmUp(be, step);
            for (String spec : new java.util.LinkedHashSet<>(attention)) {
                warmPlans(AttentionMethods.create(spec), be, step); // a separate instance: nothing recorded, no state kept
            }
            List<MethodRun> runs = new ArrayList<>();
            for (int m = 0; m < methods.size(); m++) {
                int index = m;
                runs.add(runMethod(methods.get(m), densities.get(m), be, keep, step,
                        (s, n) -> progress.stepDone(specs.get(index), index, specs.size(), s, n)));
            }
            FidelityScores scores = FidelityScores.against(runs.getFirst().result(), model, be, step);
            List<ProfileReport.MethodProfile> profiles = new ArrayList<>();
            for (int m = 0; m < runs.size(); m++) {
                FidelityScores.Score score = m == 0 ? new FidelityScores.Score(Double.POSITIVE_INFINITY, 1, scores.referenceDecodeSeconds())
                        : scores.of(runs.get(m).result());
                profiles.add(MethodSummary.of(specs.get(m), runs.get(m), runs.getFirst(), score, ceiling, model));
            }
            var setup = new ProfileReport.Setup(model.description(), model.grid().toString(), model.grid().tokens(), model.layers(), model.heads(),
                    options.steps(), model.sampler(options.steps()).getClass().getSimpleName(), options.seed(),
                    Arrays.stream(model.latentShape()).boxed().toList(), model.weightBytes(), scores.space());
            var machine = new ProfileReport.Machine(options.threads(), ceiling,
                    device.cpu().map(CpuBackend::gemmKernelDescription).orElse(device.description()),
                    Runtime.version().toString());
            return new ProfileReport(machine, setup, profiles);
        }
    }

    /** One method's raw measurements: the final latent (from the profile's workspace), its op stats and steps. */
    record MethodRun(RecordingMethod method, Tensor result, OpStats stats, double[] stepSeconds, double[] stepGflop,
                     double[] timesteps, long peakBytes, TokenDensity density) {
        /** The attention method, and the density method when one pools. */
        String description() {
            return density == TokenDensity.DENSE ? method.description() : method.description() + "; density " + density.describe();
        }
    }

    private interface StepDone {
        void done(int step, int steps);
    }

    private void warmUp(Backend be, Workspace step) {
        Sampler sampler = model.sampler(options.steps());
        Tensor x = step.allocate(DType.F32, model.latentShape());
        new UploadedNoise(new CounterNoise(options.seed()), be.memory()).next(x);
        model.predict(x, sampler.timesteps()[0], new AttentionStep(new jdit.attention.DenseAttention(), 0, 1,
                sampler.timesteps()[0], GuidanceBranch.UNGUIDED), be, step);
        step.releaseAll();
    }

    /**
     * Builds the method's plan 10 times on seeded random q, k, v of the model's shape (as a late step of the last
     * layer) and runs the kernel on the last three plans, so that the kernel paths the method uses (per-head orders,
     * element masks, LiteAttention's tests) are compiled too: a real 50-step generation plans every layer of every step, so its plan code runs
     * compiled almost from the start, and a short profile should time that, not the JIT's first passes.
     */
    private void warmPlans(jdit.attention.AttentionMethod method, Backend be, Workspace ws) {
        var grid = model.grid();
        long[] shape = {1, grid.tokens(), model.heads(), model.headDim()};
        Tensor q = ws.allocate(DType.F32, shape);
        Tensor k = ws.allocate(DType.F32, shape);
        Tensor v = ws.allocate(DType.F32, shape);
        NoiseSource noise = new UploadedNoise(new CounterNoise(options.seed() + 1), be.memory());
        noise.next(q);
        noise.next(k);
        noise.next(v);
        int steps = Math.max(options.steps(), 50);
        var ctx = new jdit.attention.AttentionContext(steps - 1, steps, 1, model.layers() - 1, model.layers(),
                GuidanceBranch.UNGUIDED, grid, model.heads(), model.headDim()).on(be, ws);
        Tensor out = ws.allocate(DType.F32, shape);
        for (int i = 0; i < 10; i++) {
            var plan = method.plan(ctx, q, k, v);
            if (i >= 7) {
                be.attention().attend(q, k, v, plan, (float) (1 / Math.sqrt(model.headDim())), out, null);
            }
        }
        ws.releaseAll();
    }

    private MethodRun runMethod(RecordingMethod method, TokenDensity density, Backend be, Workspace keep, Workspace step,
                                StepDone done) {
        int steps = options.steps();
        Sampler sampler = model.sampler(steps);
        NoiseSource noise = new UploadedNoise(new CounterNoise(options.seed()), be.memory());
        OpStats stats = new OpStats();
        Backend timed = TimedBackend.wrap(be, stats);
        method.reset();
        step.resetPeak();
        Tensor x = keep.allocate(DType.F32, model.latentShape());
        noise.next(x);
        be.pointwise().scaleAdd(x, (float) sampler.initNoiseSigma(), x, 0f, x);
        Tensor input = keep.allocate(DType.F32, model.latentShape());
        double[] seconds = new double[steps];
        double[] gflop = new double[steps];
        long peak = 0;
        for (int i = 0; i < steps; i++) {
            double t = sampler.timesteps()[i];
            double flopsBefore = stats.totalFlops();
            long t0 = System.nanoTime();
            stats.enter(jdit.attention.LayerProbe.OUTSIDE_BLOCKS);
            timed.pointwise().scaleAdd(x, (float) sampler.inputScale(i), x, 0f, input);
            Tensor prediction = model.predict(input, t, new AttentionStep(method, i, steps, t, GuidanceBranch.UNGUIDED, stats)
                    .withDensity(density), timed, step);
            sampler.step(prediction, i, x, noise, timed, keep);
            seconds[i] = (System.nanoTime() - t0) / 1e9;
            gflop[i] = (stats.totalFlops() - flopsBefore) / 1e9;
            peak = Math.max(peak, step.peakBytes());
            step.releaseAll();
            done.done(i + 1, steps);
        }
        keep.release(input);
        return new MethodRun(method, x, stats, seconds, gflop, sampler.timesteps().clone(), peak, density);
    }

    /** Closes a resource that may be null, keeping the first failure's exception. */
    static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    static double sum(double[] a) {
        return Arrays.stream(a).sum();
    }
}
