package jdit.profile;

import java.util.ArrayList;
import java.util.List;
import jdit.backend.Backend;
import jdit.backend.cpu.CpuBackend;
import jdit.io.SeededWeights;
import jdit.model.dit.DitConfig;
import jdit.model.dit.DitModel;
import jdit.model.dit.DitParameters;
import jdit.sampling.CounterNoise;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * Times a DiT forward with seeded random weights of the real shapes: the guidance pair by default (batch 2: a class
 * and the null class at one timestep), as every sampling step runs it. Reports seconds and counted FLOPs per forward
 * against the FMA ceiling measured in the same run, and where the time goes per op.
 */
public final class DitForwardBench {
    /** What to run: the config and its name, images per forward, timed repetitions, threads, block matrix dtype. */
    public record Options(String name, DitConfig config, int batch, int reps, int threads, DType weightDType) {
        public Options {
            if (batch < 1 || reps < 1 || threads < 1) {
                throw new IllegalArgumentException("batch, reps and threads must be positive");
            }
        }
    }

    private DitForwardBench() {
    }

    public static ForwardBenchReport run(Options o) {
        DitConfig c = o.config();
        try (CpuBackend cpu = CpuBackend.create(o.threads(), true); Workspace ws = new Workspace()) {
            double before = Ceilings.fmaGflops(cpu.parallel(), 3, 20_000_000L);
            long t0 = System.nanoTime();
            try (DitModel model = DitModel.load(new SeededWeights(DitParameters.originalLayout(c), 1), c, o.weightDType())) {
                double load = (System.nanoTime() - t0) / 1e9;
                Tensor x = ws.allocate(DType.F32, o.batch(), c.inChannels(), c.inputSize(), c.inputSize());
                new CounterNoise(2).next(x);
                long[] y = new long[o.batch()];
                for (int i = 0; i < y.length; i++) {
                    y[i] = i % 2 == 0 ? 207 % c.numClasses() : c.numClasses(); // class, then the null class
                }
                double[] t = new double[o.batch()];
                java.util.Arrays.fill(t, 500);
                OpStats stats = new OpStats();
                Backend timed = TimedBackend.wrap(cpu.backend(), stats);
                try (Workspace step = new Workspace()) {
                    double[] seconds = ForwardTimer.time(2, o.reps(), step, stats, () -> model.forward(x, t, y, timed, step));
                    double after = Ceilings.fmaGflops(cpu.parallel(), 3, 20_000_000L);
                    List<String> notes = new ArrayList<>();
                    notes.add(String.format("weights: %s block matrices, %.2f GiB held; activations peak %.0f MiB",
                            o.weightDType(), model.weightBytes() / 1073741824.0, step.peakBytes() / 1048576.0));
                    String shape = String.format("batch %d x %d tokens, hidden %d, %d blocks, %d heads", o.batch(),
                            c.tokens(), c.hiddenSize(), c.depth(), c.numHeads());
                    return new ForwardBenchReport(o.name(), shape, o.threads(), cpu.gemmKernelDescription(), before, after,
                            load, seconds, stats, o.reps(), notes);
                }
            }
        }
    }
}
