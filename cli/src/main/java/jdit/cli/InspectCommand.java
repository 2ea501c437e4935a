package jdit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import jdit.io.CheckpointSummary;
import jdit.io.Checkpoints;
import jdit.io.TensorEntry;
import jdit.io.WeightStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jdit inspect}: lists a checkpoint's tensors, its size and the layout it is recognised as. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Lists the tensors of a checkpoint (safetensors file, PyTorch .pt/.pth, or diffusers model folder),",
            "its parameter count and size, and the published layout it is recognised as. Reads no tensor data."})
final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "A .safetensors file, a .pt/.pth file, or a diffusers model folder.")
    private Path path;

    @Option(names = "--summary", description = "Print only the totals and the layout, not every tensor.")
    private boolean summaryOnly;

    @Option(names = "--filter", paramLabel = "TEXT", description = "List only tensors whose name contains TEXT (default: all).")
    private String filter;

    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (WeightStore store = Checkpoints.open(path)) {
            CheckpointSummary s = CheckpointSummary.of(store);
            if (!summaryOnly) {
                int width = s.tensors().stream().mapToInt(t -> t.name().length()).max().orElse(4);
                for (TensorEntry t : s.tensors()) {
                    if (filter == null || t.name().contains(filter)) {
                        out.printf("%-" + width + "s  %-4s  %s%n", t.name(), t.dtype().safetensorsName(), t.shape());
                    }
                }
                out.println();
            }
            out.printf("source:     %s%n", s.source());
            out.printf("format:     %s%n", s.format().description());
            out.printf("tensors:    %d%n", s.tensors().size());
            out.printf("parameters: %,d (%s)%n", s.parameters(), humanCount(s.parameters()));
            out.printf("bytes:      %,d (%s)%n", s.bytes(), humanBytes(s.bytes()));
            store.metadata().forEach((k, v) -> out.printf("metadata:   %s = %s%n", k, abbreviate(v)));
            out.printf("layout:     %s%n", s.layout().map(m -> m.layout().description() + ": " + m.details())
                    .orElse("not recognised (no known model layout matches these tensor names)"));
        }
        return 0;
    }

    private static String abbreviate(String v) {
        String one = v.replace('\n', ' ');
        return one.length() <= 100 ? one : one.substring(0, 97) + "...";
    }

    static String humanCount(long n) {
        return n >= 1_000_000_000 ? String.format("%.2fB", n / 1e9) : n >= 1_000_000 ? String.format("%.2fM", n / 1e6)
                : n >= 1_000 ? String.format("%.1fK", n / 1e3) : Long.toString(n);
    }

    static String humanBytes(long n) {
        return n >= 1L << 30 ? String.format("%.2f GiB", n / (double) (1L << 30)) : n >= 1L << 20
                ? String.format("%.2f MiB", n / (double) (1L << 20)) : n >= 1024 ? String.format("%.1f KiB", n / 1024.0) : n + " B";
    }
}
