package jdit.cli;

import java.nio.file.Path;
import java.util.Optional;
import jdit.backend.DeviceBackend;
import jdit.backend.DeviceChoice;
import jdit.backend.cuda.CudaOptions;
import jdit.backend.cuda.CudaProbe;
import picocli.CommandLine.Option;

/**
 * {@code --device cpu | cuda[:N]} of the commands that run a model. Without it the GPU is used when one is found; the
 * CUDA options (kernel cache under ~/.cache/jdit/cuda, NVRTC from JDIT_NVRTC) are read here, in the CLI.
 */
final class DeviceOption {
    @Option(names = "--device", paramLabel = "DEVICE",
            description = "Where the model runs: cpu, cuda or cuda:N (default: cuda:0 when a usable NVIDIA GPU is found, "
                    + "else cpu). An explicit cuda without a usable GPU is an error that says why.")
    String device;

    /** The device to run on, resolved against the GPU probe (which is not asked when cpu is given). */
    DeviceChoice resolve() {
        DeviceChoice requested = device == null ? null : DeviceChoice.parse(device);
        if (requested != null && requested.equals(DeviceChoice.CPU)) {
            return requested;
        }
        return resolve(requested, CudaProbe.result());
    }

    /** The choice against a given probe answer (tests give one). */
    static DeviceChoice resolve(DeviceChoice requested, CudaProbe.Result probe) {
        try {
            return DeviceChoice.resolve(requested, probe);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--device " + requested + ": " + e.getMessage());
        }
    }

    /** Opens the resolved device with {@code threads} CPU threads (used by the CPU backend only). */
    DeviceBackend open(int threads) {
        return DeviceBackend.open(resolve(), threads, cudaOptions());
    }

    static CudaOptions cudaOptions() {
        return new CudaOptions(Path.of(System.getProperty("user.home"), ".cache", "jdit", "cuda"),
                Optional.ofNullable(System.getenv("JDIT_NVRTC")).map(Path::of));
    }
}
