package jdit.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import jdit.io.Checkpoints;
import jdit.io.WeightStore;
import jdit.io.safetensors.SafetensorsWriter;
import jdit.model.CheckpointConversion;
import jdit.tensor.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jdit convert IN OUT}: any checkpoint jdit reads to safetensors, with a type and key-layout change. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Writes a checkpoint jdit reads (PyTorch .pt/.pth, safetensors, a diffusers folder) as one",
            "safetensors file: floating tensors in another type (--dtype) and DiT or Wan2.1 weights in the other key layout",
            "(--layout original|diffusers; DiT's diffusers layout splits qkv and copies the embedders into every block).",
            "Tensors are converted one at a time, the file is written beside OUT and renamed, so memory stays small and a",
            "failure leaves nothing behind. Converting to another layout and back gives the same bytes."})
final class ConvertCommand implements Callable<Integer> {
    enum TargetType {
        keep(null), f32(DType.F32), bf16(DType.BF16), f16(DType.F16);

        final DType dtype;

        TargetType(DType dtype) {
            this.dtype = dtype;
        }
    }

    @Parameters(index = "0", paramLabel = "IN", description = "The checkpoint: a file, or a diffusers folder (its transformer).")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "The .safetensors file to write.")
    Path out;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "keep",
            description = "Floating tensors as keep, f32, bf16 or f16 (round to nearest even; default ${DEFAULT-VALUE}).")
    TargetType dtype;

    @Option(names = "--layout", paramLabel = "LAYOUT", defaultValue = "keep",
            description = "Key layout: keep, original or diffusers (DiT and Wan2.1; default ${DEFAULT-VALUE}).")
    String layout;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws IOException {
        if (!out.getFileName().toString().endsWith(".safetensors")) {
            throw new IllegalArgumentException("OUT must be a .safetensors file, got " + out);
        }
        CheckpointConversion.Layout target = switch (layout) {
            case "keep" -> CheckpointConversion.Layout.KEEP;
            case "original" -> CheckpointConversion.Layout.ORIGINAL;
            case "diffusers" -> CheckpointConversion.Layout.DIFFUSERS;
            default -> throw new IllegalArgumentException("--layout is keep, original or diffusers, not '" + layout + "'");
        };
        if (out.toAbsolutePath().normalize().equals(in.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("OUT must differ from IN: the input is read while the output is written");
        }
        long start = System.nanoTime();
        try (WeightStore store = Checkpoints.openComponent(in, "transformer")) {
            List<SafetensorsWriter.PendingTensor> tensors = CheckpointConversion.plan(store, target, dtype.dtype);
            Map<String, String> metadata = new LinkedHashMap<>(store.metadata());
            store.config().ifPresent(c -> metadata.putIfAbsent("config", c.toString()));
            metadata.put("converted-by", "jdit convert " + VersionProvider.version());
            metadata.put("converted-from", in.getFileName().toString());
            SafetensorsWriter.write(out, tensors, metadata);
            long bytes = tensors.stream().mapToLong(t -> t.shape().numel() * t.dtype().byteSize()).sum();
            spec.commandLine().getOut().printf("wrote %s: %d tensors, %.1f MiB, layout %s, type %s, in %.1f s%n", out, tensors.size(),
                    bytes / 1048576.0, layout, dtype, (System.nanoTime() - start) / 1e9);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
