package jdit.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import jdit.model.dit.DitConfigs;
import jdit.profile.BenchOptions;
import jdit.profile.DitForwardBench;
import jdit.profile.KernelBench;
import jdit.profile.WanBlockBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jdit bench gemm}: kernel rates against the machine's ceilings, measured in one run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"gemm: measures the fp32 FMA ceiling and the copy bandwidth, then gemm on the DiT-XL/2 shapes",
            "(M x 1152 x {3456, 1152, 4608} and M x 4608 x 1152) and layer norm / softmax / half-float conversion,",
            "each as a fraction of the ceiling measured in the same run. Never asserts a time: the machine may be noisy,",
            "so compare medians across runs.",
            "dit: one DiT forward (DiT-XL/2 at 256 px, the guidance pair, by default) with seeded random weights of the",
            "real shapes: seconds and GFLOP per forward, the fraction of the FMA ceiling measured before and after, and",
            "the time per op.",
            "wan: one Wan2.1-T2V-1.3B block (dim 1536, 12 heads x 128, ffn 8960, 512 text rows) on 5 latent frames of 30 x 52",
            "patches (7,800 tokens) with seeded random weights: the same report, self- and cross-attention apart (at most 3 reps).",
            "wan_vae: the Wan2.1 VAE's streaming decode with seeded weights (--vae-frames, --vae-size): time and peak memory.",
            "attention: the dense and block-sparse attention kernels at Wan2.1's 12 heads x 128 (--tokens), and block plans",
            "of 50/25/10%% of the tiles against the all-tiles plan (at most 3 reps).",
            "methods: every attention method on a structured workload (frame, location and mixed heads; --grid, --methods):",
            "density, plan time and share, speed-up against dense and the output's relative error.",
            "methods_e2e: 3 steps of a 2-block Wan2.1-1.3B-shaped model (4 x 32 x 32 patches) per method from one seed:",
            "seconds per step, density, plan share and the PSNR of the final latent against dense.",
            "cuda: on an NVIDIA GPU (--device N), the cuBLAS BF16 and TF32 ceilings, dense attention through cuDNN's fused",
            "SDPA against the BF16 ceiling, and the CUDA block-sparse kernel at Wan2.1's head shape (--tokens) with all tiles",
            "and 50/25/10%% plans: TFLOP/s, speed-up against all tiles, kept-tile TFLOP/s against cuDNN's dense rate."})
final class BenchCommand implements Callable<Integer> {
    enum Suite { gemm, dit, wan, wan_vae, attention, methods, methods_e2e, cuda }

    @Parameters(index = "0", defaultValue = "gemm", paramLabel = "SUITE",
            description = "What to measure: gemm (kernels on the DiT-XL/2 shapes), dit (a whole DiT forward with seeded "
                    + "random weights, per op) or wan (one Wan2.1-1.3B block at 7,800 tokens, per op) (default ${DEFAULT-VALUE}).")
    private Suite suite;

    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: all cores, ${DEFAULT-VALUE}).")
    private int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--reps", paramLabel = "N", defaultValue = "7", description = "Repetitions per kernel after a warm-up (default ${DEFAULT-VALUE}).")
    private int reps;

    @Option(names = "--rows", paramLabel = "M", defaultValue = "4096", description = "Rows M of the gemm shapes (default ${DEFAULT-VALUE}).")
    private int rows;

    @Option(names = "--dit", paramLabel = "NAME", defaultValue = "DiT-XL/2",
            description = "dit suite: the configuration, DiT-{S,B,L,XL}/{2,4,8} (default ${DEFAULT-VALUE}).")
    private String ditName;

    @Option(names = "--size", paramLabel = "PX", defaultValue = "256", description = "dit suite: image side, 256 or 512 (default ${DEFAULT-VALUE}).")
    private int size;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "2",
            description = "dit suite: images per forward; 2 is the guidance pair of one sampling step (default ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "f32",
            description = "dit suite: block matrices in f32, bf16 or f16 (default ${DEFAULT-VALUE}).")
    private GenerateCommand.WeightType dtype;

    @Option(names = "--vae-frames", paramLabel = "N", defaultValue = "5",
            description = "wan_vae suite: video frames to decode, 4n+1 (default ${DEFAULT-VALUE}; the peak does not grow with it).")
    private int vaeFrames;

    @Option(names = "--vae-size", paramLabel = "WxH", defaultValue = "832x480",
            description = "wan_vae suite: video size (default ${DEFAULT-VALUE}).")
    private String vaeSize;

    @Option(names = "--tokens", split = ",", paramLabel = "N", defaultValue = "4096,16380",
            description = "attention suite: sequence lengths (default ${DEFAULT-VALUE}).")
    private int[] attentionTokens;

    @Option(names = "--grid", paramLabel = "FxHxW", defaultValue = "4x32x32",
            description = "methods suite: the token grid in patches (default ${DEFAULT-VALUE}, 4,096 tokens).")
    private String grid;

    @Option(names = "--methods", split = ";", paramLabel = "SPEC",
            defaultValue = "svg:steps=0,layers=0;nabla;sta:3x3x3,warmup=0;lite;nabla+lite",
            description = "methods suite: the methods, separated by ';' (default ${DEFAULT-VALUE}).")
    private String[] methods;

    @Option(names = "--device", paramLabel = "N", defaultValue = "0", description = "cuda suite: the GPU index (default ${DEFAULT-VALUE}).")
    private int device;

    @Option(names = "--wan-steps", paramLabel = "N", defaultValue = "0",
            description = "cuda suite: also time N guided denoising steps of a Wan2.1-1.3B-shaped model (BF16 weights) at 81 "
                    + "frames 832x480, dense and each of --methods (default ${DEFAULT-VALUE}: not run).")
    private int wanSteps;

    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        if (suite == Suite.cuda) {
            jdit.backend.cuda.CudaProbe.Result probe = jdit.backend.cuda.CudaProbe.result();
            if (wanSteps > 0 && !probe.available()) {
                spec.commandLine().getErr().println("jdit bench cuda: " + jdit.profile.CudaStepBench.unavailable(probe).orElseThrow());
            }
            if (!probe.available()) {
                throw new IllegalArgumentException("jdit bench cuda needs an NVIDIA GPU: " + probe.reason());
            }
            spec.commandLine().getErr().println("jdit bench cuda: cuBLAS ceilings, cuDNN dense attention, then the block-sparse kernel at "
                    + java.util.Arrays.toString(attentionTokens) + " tokens...");
            var cuda = new jdit.backend.cuda.CudaOptions(java.nio.file.Path.of(System.getProperty("user.home"), ".cache", "jdit", "cuda"),
                    java.util.Optional.ofNullable(System.getenv("JDIT_NVRTC")).map(java.nio.file.Path::of));
            var o = new jdit.profile.CudaAttentionBench.Options(device, cuda, attentionTokens, 12, 128, reps);
            spec.commandLine().getOut().print(jdit.profile.CudaAttentionBench.render(jdit.profile.CudaAttentionBench.run(o)));
            if (wanSteps > 0) {
                var steps = jdit.profile.CudaStepBench.Options.wan81x832x480(device, cuda, java.util.List.of(methods), wanSteps);
                spec.commandLine().getOut().print(jdit.profile.CudaStepBench.render(jdit.profile.CudaStepBench.run(steps)));
            }
            return 0;
        }
        List<String> env = new ArrayList<>();
        for (String v : List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS")) {
            if (System.getenv(v) != null) {
                env.add(v + "=" + System.getenv(v));
            }
        }
        if (suite == Suite.methods_e2e) {
            var o = new jdit.profile.MethodsEndToEnd.Options(2, 4, 64, 64, 3, java.util.List.of(methods), threads);
            spec.commandLine().getErr().println("jdit bench methods_e2e: 3 steps of a 2-block Wan2.1-1.3B-shaped model per method...");
            spec.commandLine().getErr().flush();
            spec.commandLine().getOut().print(jdit.profile.MethodsEndToEnd.render(o, jdit.profile.MethodsEndToEnd.run(o)));
            spec.commandLine().getOut().flush();
            return 0;
        }
        if (suite == Suite.methods) {
            String[] g = grid.split("x");
            var o = new jdit.profile.MethodsBench.Options(new jdit.attention.TokenGrid(Integer.parseInt(g[0]), Integer.parseInt(g[1]),
                    Integer.parseInt(g[2])), 12, 128, java.util.List.of(methods), Math.min(reps, 3), threads);
            spec.commandLine().getErr().println("jdit bench methods: every attention method on the structured workload, grid " + grid + "...");
            spec.commandLine().getErr().flush();
            spec.commandLine().getOut().print(jdit.profile.MethodsBench.render(o, jdit.profile.MethodsBench.run(o)));
            spec.commandLine().getOut().flush();
            return 0;
        }
        if (suite == Suite.attention) {
            spec.commandLine().getErr().println("jdit bench attention: dense and block-sparse kernels at 12 heads x 128 for "
                    + java.util.Arrays.toString(attentionTokens) + " tokens...");
            spec.commandLine().getErr().flush();
            var o = new jdit.profile.AttentionBench.Options(attentionTokens, 12, 128, Math.min(reps, 3), threads);
            spec.commandLine().getOut().print(jdit.profile.AttentionBench.run(o).render());
            spec.commandLine().getOut().flush();
            return 0;
        }
        if (suite == Suite.wan_vae) {
            int[] wh = WanGeneration.parseSize(vaeSize);
            int latentFrames = 1 + (vaeFrames - 1) / 4;
            spec.commandLine().getErr().printf("jdit bench wan_vae: streaming decode of %d latent frames (%d video frames) at "
                    + "%dx%d with seeded Wan2.1 VAE weights...%n", latentFrames, vaeFrames, wh[0], wh[1]);
            spec.commandLine().getErr().flush();
            try (jdit.backend.cpu.CpuBackend cpu = jdit.backend.cpu.CpuBackend.create(threads, true)) {
                var m = jdit.vae.wan.WanVaeMemoryProbe.measure(jdit.vae.wan.WanVaeConfig.wan21(), latentFrames, wh[1] / 8,
                        wh[0] / 8, cpu.backend());
                spec.commandLine().getOut().printf("decoded %d frames of %dx%d in %.1f s (%.1f s per frame); activation "
                                + "workspace peak %.2f GiB; decoder weights %.0f MiB; process peak RSS %s%n", m.videoFrames(),
                        wh[0], wh[1], m.seconds(), m.seconds() / m.videoFrames(), m.peakBytes() / 1073741824.0,
                        m.weightBytes() / 1048576.0, PeakMemory.residentPeak().map(GenerateCommand::mib).orElse("unknown"));
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
        if (suite == Suite.wan) {
            spec.commandLine().getErr().println("jdit bench wan: one Wan2.1-1.3B block at 5 x 30 x 52 patches: making the seeded"
                    + " weights, then the forwards (about 10 s each)...");
            spec.commandLine().getErr().flush();
            spec.commandLine().getOut().print(WanBlockBench.run(WanBlockBench.defaults(Math.min(reps, 3), threads)).render());
            spec.commandLine().getOut().flush();
            return 0;
        }
        if (suite == Suite.dit) {
            spec.commandLine().getErr().println("jdit bench dit: " + ditName + " at " + size + " px, batch " + batch
                    + ": making the seeded weights, then the forwards...");
            spec.commandLine().getErr().flush();
            var o = new DitForwardBench.Options(ditName, DitConfigs.preset(ditName, size), batch, reps, threads, dtype.dtype);
            spec.commandLine().getOut().print(DitForwardBench.run(o).render());
            spec.commandLine().getOut().flush();
            return 0;
        }
        BenchOptions o = new BenchOptions(threads, reps, rows, 16384, env);
        spec.commandLine().getErr().println("jdit bench " + suite + ": measuring (about a minute)...");
        spec.commandLine().getOut().print(new KernelBench(o).run().render());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
