package jdit.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import jdit.attention.AttentionMethods;
import jdit.attention.TokenGrid;
import jdit.profile.AttentionBench;
import jdit.profile.MethodsBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jdit profile attention}: the attention kernel and every method at Wan2.1's head shape, from one run. */
@Command(name = "attention", mixinStandardHelpOptions = true, sortOptions = false,
        description = "The attention kernel and the sparse methods at Wan2.1's 12 heads x 128, from one run: the dense "
                + "kernel as a fraction of the FMA ceiling measured in the run and block plans keeping 50/25/10%% of the tiles "
                + "against it (--tokens); then every method at its defaults on the structured workload (q and k built from "
                + "the 3D positions of the grid, so that some heads attend within frames and others across them, as trained "
                + "video models do): density, plan-building time and share, speed-up against dense and the output's relative "
                + "error (--grids). Large sizes take minutes: dense attention at 32k tokens is about 6.6 TFLOP.")
final class ProfileAttentionCommand implements Callable<Integer> {
    @Option(names = "--tokens", split = ",", paramLabel = "N", defaultValue = "4096,16380,32760",
            description = "Sequence lengths for the kernel table (default ${DEFAULT-VALUE}: Wan2.1 grids of 1, 4 and 8 seconds).")
    int[] tokens;

    @Option(names = "--grids", split = ",", paramLabel = "FxHxW", defaultValue = "4x32x32,4x64x64,8x64x64",
            description = "Token grids in patches for the methods table; NABLA and STA need H and W in multiples of 8 "
                    + "(default ${DEFAULT-VALUE}: 4,096, 16,384 and 32,768 tokens).")
    List<String> grids;

    @Option(names = {"-a", "--attention"}, split = ";", paramLabel = "METHOD",
            defaultValue = "svg:steps=0,layers=0;nabla;sta:3x3x3,warmup=0;lite;nabla+lite",
            description = "Methods, separated by ';' (default ${DEFAULT-VALUE}: warm-ups off, since every call is a late step).")
    List<String> methods;

    @Option(names = "--reps", paramLabel = "N", defaultValue = "2", description = "Timed repetitions, medians reported (default ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: all cores, ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        if (reps < 1 || threads < 1) {
            throw new IllegalArgumentException("--reps and --threads must be positive");
        }
        List<TokenGrid> parsed = grids.stream().map(ProfileAttentionCommand::grid).toList();
        for (String m : methods) {
            AttentionMethods.create(m);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        err.println("jdit profile attention: kernels at " + java.util.Arrays.toString(tokens) + " tokens, then methods on "
                + grids + "...");
        err.flush();
        out.print(AttentionBench.run(new AttentionBench.Options(tokens, 12, 128, reps, threads)).render());
        for (TokenGrid g : parsed) {
            out.println();
            out.flush();
            var o = new MethodsBench.Options(g, 12, 128, methods, reps, threads);
            out.print(MethodsBench.render(o, MethodsBench.run(o)));
        }
        out.flush();
        return 0;
    }

    static TokenGrid grid(String s) {
        String[] p = s.trim().split("x");
        try {
            if (p.length == 3) {
                return new TokenGrid(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("a grid is FRAMESxHEIGHTxWIDTH in patches, for example 4x32x32; got '" + s + "'");
    }
}
