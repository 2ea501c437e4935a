package jdit.api;

import java.nio.file.Path;
import jdit.backend.DeviceBackend;
import jdit.backend.DeviceChoice;
import jdit.backend.Memory;
import jdit.backend.cuda.CudaOptions;
import jdit.backend.cuda.CudaProbe;
import jdit.io.Checkpoints;
import jdit.io.WeightStore;
import jdit.model.KnownLayout;
import jdit.model.LayoutMatch;
import jdit.model.LayoutRecognizer;
import jdit.model.dit.DitConfigs;
import jdit.model.dit.DitModel;
import jdit.model.latte.LatteConfig;
import jdit.model.latte.LatteModel;
import jdit.model.wan.WanConfig;
import jdit.model.wan.WanModel;
import jdit.tensor.DType;
import jdit.vae.sd.SdVae;
import jdit.vae.sd.SdVaeConfig;
import jdit.vae.wan.WanVae;
import jdit.vae.wan.WanVaeConfig;

/**
 * A diffusion transformer and its VAE, loaded once, with the CPU backend that runs them. Generations are described
 * with {@link #request()} and run with {@link #generate} or, to cancel from another thread, {@link #prepare}:
 *
 * <pre>{@code
 * try (DiffusionModel model = DiffusionModel.load(Path.of("DiT-XL-2-256x256.pt"), Path.of("sd-vae-ft-ema"))) {
 *     GenerationResult r = model.generate(model.request().classLabel(207).steps(50).sampler("ddim").seed(1).build());
 *     byte[] rgb = r.frames().getFirst().toRgb8();
 * }
 * }</pre>
 *
 * One generation at a time per model (the backend's threads are shared). The device is chosen at load, since the
 * weights are uploaded there once: {@link #load(Path, Path, int, DType, DeviceChoice, CudaOptions)}.
 */
public final class DiffusionModel implements AutoCloseable {
    private final Engine engine;
    private final DeviceBackend device;
    private final DeviceChoice choice;

    private DiffusionModel(Engine engine, DeviceBackend device, DeviceChoice choice) {
        this.engine = engine;
        this.device = device;
        this.choice = choice;
    }

    /** Loads {@code model} (DiT, Wan2.1 or Latte; file or diffusers folder) and {@code vae}, on all cores, F32 weights. */
    public static DiffusionModel load(Path model, Path vae) {
        return load(model, vae, Runtime.getRuntime().availableProcessors(), DType.F32);
    }

    /** The same with {@code threads} CPU threads and block matrices kept in {@code weights} (F32, BF16 or F16). */
    public static DiffusionModel load(Path model, Path vae, int threads, DType weights) {
        return load(model, vae, threads, weights, DeviceChoice.CPU, null);
    }

    /**
     * The same on {@code device}: null takes a GPU when {@link CudaProbe} finds one and the CPU otherwise; a CUDA device
     * that cannot be used is an {@link IllegalArgumentException} naming why. {@code cuda} says where compiled kernels are
     * cached and where NVRTC is (only read for a CUDA device).
     */
    public static DiffusionModel load(Path model, Path vae, int threads, DType weights, DeviceChoice device, CudaOptions cuda) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive, got " + threads);
        }
        DeviceChoice choice = DeviceChoice.resolve(device,
                device != null && device.kind() == jdit.tensor.Device.Kind.CPU ? CPU_ONLY : CudaProbe.result());
        if (choice.kind() != jdit.tensor.Device.Kind.CPU && cuda == null) {
            throw new IllegalArgumentException("a CUDA device needs CudaOptions (the kernel cache folder and NVRTC)");
        }
        DeviceBackend be = DeviceBackend.open(choice, threads, cuda);
        try {
            return new DiffusionModel(open(model, vae, weights, be.backend().memory()), be, choice);
        } catch (RuntimeException e) {
            be.close();
            throw e;
        }
    }

    /** The answer a CPU choice needs: the probe is never asked, so the CUDA presets are never loaded for it. */
    private static final CudaProbe.Result CPU_ONLY = new CudaProbe.Result(0, "not asked: the CPU was chosen");

    /** The device the model was loaded on. */
    public DeviceChoice device() {
        return choice;
    }

    private static Engine open(Path model, Path vae, DType weights, Memory memory) {
        try (WeightStore store = Checkpoints.openComponent(model, "transformer")) {
            KnownLayout layout = LayoutRecognizer.recognise(store.entries()).map(LayoutMatch::layout).orElseThrow(() ->
                    new IllegalArgumentException(model + " is no model jdit recognises"));
            WeightStore vaeStore = Checkpoints.openComponent(vae, "vae");
            try {
                return switch (layout) {
                    case DIT_ORIGINAL, DIT_DIFFUSERS -> new DitEngine(DitModel.load(store, DitConfigs.of(store), weights, memory),
                            new SdVae(vaeStore, SdVaeConfig.of(vaeStore), memory), vaeStore);
                    case WAN_ORIGINAL, WAN_DIFFUSERS -> new WanEngine(WanModel.load(store, WanConfig.of(store), weights, memory),
                            new WanVae(vaeStore, WanVaeConfig.of(vaeStore), memory), vaeStore);
                    case LATTE_ORIGINAL -> new LatteEngine(LatteModel.load(store, LatteConfig.of(store), weights, memory),
                            new SdVae(vaeStore, SdVaeConfig.of(vaeStore), memory), vaeStore);
                    default -> throw new IllegalArgumentException(model + " holds " + layout.description()
                            + ", not a diffusion transformer");
                };
            } catch (RuntimeException e) {
                vaeStore.close();
                throw e;
            }
        }
    }

    /** What was loaded. */
    public String description() {
        return engine.description();
    }

    /** A fresh request; unset fields take the family's defaults. */
    public GenerationRequest.Builder request() {
        return new GenerationRequest.Builder();
    }

    /** A generation to run on any thread and cancel from another. */
    public Generation prepare(GenerationRequest request) {
        return new Generation(engine, request, device.backend());
    }

    /** Runs {@code request} on this thread. */
    public GenerationResult generate(GenerationRequest request) {
        return prepare(request).run();
    }

    @Override
    public void close() {
        try (device) {
            engine.close();
        }
    }
}
