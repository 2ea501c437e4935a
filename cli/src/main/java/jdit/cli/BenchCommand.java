package jdit.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import jdit.profile.BenchOptions;
import jdit.profile.KernelBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jdit bench gemm}: kernel rates against the machine's ceilings, measured in one run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures the fp32 FMA ceiling and the copy bandwidth, then gemm on the DiT-XL/2 shapes",
            "(M x 1152 x {3456, 1152, 4608} and M x 4608 x 1152) and layer norm / softmax / half-float conversion,",
            "each as a fraction of the ceiling measured in the same run. Never asserts a time: the machine may be noisy,",
            "so compare medians across runs."})
final class BenchCommand implements Callable<Integer> {
    enum Suite { gemm }

    @Parameters(index = "0", defaultValue = "gemm", paramLabel = "SUITE", description = "What to measure: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    private Suite suite;

    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: all cores, ${DEFAULT-VALUE}).")
    private int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--reps", paramLabel = "N", defaultValue = "7", description = "Repetitions per kernel after a warm-up (default ${DEFAULT-VALUE}).")
    private int reps;

    @Option(names = "--rows", paramLabel = "M", defaultValue = "4096", description = "Rows M of the gemm shapes (default ${DEFAULT-VALUE}).")
    private int rows;

    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        List<String> env = new ArrayList<>();
        for (String v : List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS")) {
            if (System.getenv(v) != null) {
                env.add(v + "=" + System.getenv(v));
            }
        }
        BenchOptions o = new BenchOptions(threads, reps, rows, 16384, env);
        spec.commandLine().getErr().println("jdit bench " + suite + ": measuring (about a minute)...");
        spec.commandLine().getOut().print(new KernelBench(o).run().render());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
