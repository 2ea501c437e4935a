package jdit.api;

import java.nio.file.Path;
import jdit.backend.cpu.CpuBackend;
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
 * One generation at a time per model (the backend's threads are shared).
 */
public final class DiffusionModel implements AutoCloseable {
    private final Engine engine;
    private final CpuBackend cpu;

    private DiffusionModel(Engine engine, CpuBackend cpu) {
        this.engine = engine;
        this.cpu = cpu;
    }

    /** Loads {@code model} (DiT, Wan2.1 or Latte; file or diffusers folder) and {@code vae}, on all cores, F32 weights. */
    public static DiffusionModel load(Path model, Path vae) {
        return load(model, vae, Runtime.getRuntime().availableProcessors(), DType.F32);
    }

    /** The same with {@code threads} CPU threads and block matrices kept in {@code weights} (F32, BF16 or F16). */
    public static DiffusionModel load(Path model, Path vae, int threads, DType weights) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive, got " + threads);
        }
        Engine engine = open(model, vae, weights);
        return new DiffusionModel(engine, CpuBackend.create(threads, true));
    }

    private static Engine open(Path model, Path vae, DType weights) {
        try (WeightStore store = Checkpoints.openComponent(model, "transformer")) {
            KnownLayout layout = LayoutRecognizer.recognise(store.entries()).map(LayoutMatch::layout).orElseThrow(() ->
                    new IllegalArgumentException(model + " is no model jdit recognises"));
            WeightStore vaeStore = Checkpoints.openComponent(vae, "vae");
            try {
                return switch (layout) {
                    case DIT_ORIGINAL, DIT_DIFFUSERS -> new DitEngine(DitModel.load(store, DitConfigs.of(store), weights),
                            new SdVae(vaeStore, SdVaeConfig.of(vaeStore)), vaeStore);
                    case WAN_ORIGINAL, WAN_DIFFUSERS -> new WanEngine(WanModel.load(store, WanConfig.of(store), weights),
                            new WanVae(vaeStore, WanVaeConfig.of(vaeStore)), vaeStore);
                    case LATTE_ORIGINAL -> new LatteEngine(LatteModel.load(store, LatteConfig.of(store), weights),
                            new SdVae(vaeStore, SdVaeConfig.of(vaeStore)), vaeStore);
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
        return new Generation(engine, request, cpu.backend());
    }

    /** Runs {@code request} on this thread. */
    public GenerationResult generate(GenerationRequest request) {
        return prepare(request).run();
    }

    @Override
    public void close() {
        try (cpu) {
            engine.close();
        }
    }
}
