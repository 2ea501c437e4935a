package jdit.profile;

import java.util.ArrayList;
import java.util.List;
import jdit.attention.AttentionStep;
import jdit.backend.Backend;
import jdit.backend.cpu.CpuBackend;
import jdit.io.SeededWeights;
import jdit.model.wan.WanConfig;
import jdit.model.wan.WanModel;
import jdit.model.wan.WanParameters;
import jdit.sampling.CounterNoise;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * Times Wan2.1 transformer blocks of the real width with seeded random weights: by default one block of the 1.3B
 * model (dim 1536, 12 heads x 128, ffn 8960, 512 text rows) on 5 latent frames of 30 x 52 patches (7,800 tokens), one
 * conditional pass. The forward includes the patch embedding, time and head (a fraction of a percent at this size);
 * the per-op table tells the block's parts apart: the 1536 x 1536 products (q, k, v, o of both attentions), the
 * feed-forward products, self-attention (7800 x 7800) and cross-attention (7800 x 512).
 */
public final class WanBlockBench {
    /** The model config (layers = how many blocks to run), latent grid in latent cells, repetitions, threads. */
    public record Options(String name, WanConfig config, int latentFrames, int latentHeight, int latentWidth, int reps,
                          int threads, DType weightDType) {
    }

    private WanBlockBench() {
    }

    /** One block of Wan2.1-T2V-1.3B at 5 x 60 x 104 latent cells (7,800 tokens). */
    public static Options defaults(int reps, int threads) {
        WanConfig c = WanConfig.t2v13b();
        WanConfig oneBlock = new WanConfig(c.patchT(), c.patchH(), c.patchW(), c.textLen(), c.inDim(), c.dim(), c.ffnDim(),
                c.freqDim(), c.textDim(), c.outDim(), c.numHeads(), 1, c.eps());
        return new Options("Wan2.1-T2V-1.3B, 1 block", oneBlock, 5, 60, 104, reps, threads, DType.F32);
    }

    public static ForwardBenchReport run(Options o) {
        WanConfig c = o.config();
        try (CpuBackend cpu = CpuBackend.create(o.threads(), true); Workspace ws = new Workspace()) {
            double before = Ceilings.fmaGflops(cpu.parallel(), 3, 20_000_000L);
            long t0 = System.nanoTime();
            try (WanModel model = WanModel.load(new SeededWeights(WanParameters.originalLayout(c), 1), c, o.weightDType())) {
                double load = (System.nanoTime() - t0) / 1e9;
                Tensor x = ws.allocate(DType.F32, 1, c.inDim(), o.latentFrames(), o.latentHeight(), o.latentWidth());
                new CounterNoise(2).next(x);
                Tensor prompt = ws.allocate(DType.F32, c.textLen(), c.textDim());
                new CounterNoise(3).next(prompt);
                OpStats stats = new OpStats();
                Backend timed = TimedBackend.wrap(cpu.backend(), stats);
                Tensor text = model.embedText(prompt, cpu.backend(), ws).unsqueeze(0);
                double[] t = {500};
                try (Workspace step = new Workspace()) {
                    double[] seconds = ForwardTimer.time(1, o.reps(), step, stats,
                            () -> model.forward(x, t, text, AttentionStep.dense(500), timed, step));
                    double after = Ceilings.fmaGflops(cpu.parallel(), 3, 20_000_000L);
                    OpStats.Totals attn = stats.attentionByShape().get(new OpStats.AttentionShape(
                            (long) model.grid(x).tokens(), model.grid(x).tokens()));
                    double total = java.util.Arrays.stream(seconds).sum() * 1e9;
                    List<String> notes = new ArrayList<>();
                    notes.add(String.format("self-attention: %.1f%% of the forward; activations peak %.0f MiB; weights %.0f MiB (%s)",
                            attn == null ? 0 : 100 * attn.nanos() / total, step.peakBytes() / 1048576.0,
                            model.weightBytes() / 1048576.0, o.weightDType()));
                    String shape = String.format("%d layer(s), %d x %d x %d latent cells = %d tokens, dim %d, %d heads x %d, ffn %d, "
                                    + "%d text rows", c.numLayers(), o.latentFrames(), o.latentHeight(), o.latentWidth(),
                            model.grid(x).tokens(), c.dim(), c.numHeads(), c.headDim(), c.ffnDim(), c.textLen());
                    return new ForwardBenchReport(o.name(), shape, o.threads(), cpu.gemmKernelDescription(), before, after,
                            load, seconds, stats, o.reps(), notes);
                }
            }
        }
    }
}
