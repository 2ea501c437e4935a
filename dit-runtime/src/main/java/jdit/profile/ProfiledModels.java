package jdit.profile;

import java.nio.file.Path;
import java.util.List;
import jdit.backend.Memory;
import jdit.io.Checkpoints;
import jdit.io.SeededWeights;
import jdit.io.WeightStore;
import jdit.model.KnownLayout;
import jdit.model.LayoutMatch;
import jdit.model.LayoutRecognizer;
import jdit.model.dit.DitConfig;
import jdit.model.dit.DitConfigs;
import jdit.model.dit.DitModel;
import jdit.model.dit.DitParameters;
import jdit.model.latte.LatteConfig;
import jdit.model.latte.LatteModel;
import jdit.model.latte.LatteParameters;
import jdit.model.wan.WanConfig;
import jdit.model.wan.WanModel;
import jdit.model.wan.WanParameters;
import jdit.tensor.DType;
import jdit.vae.sd.SdVae;
import jdit.vae.sd.SdVaeConfig;
import jdit.vae.sd.SdVaeFrames;
import jdit.vae.wan.WanVae;
import jdit.vae.wan.WanVaeConfig;
import jdit.vae.wan.WanVaeFrames;

/**
 * Opens what the profiler runs: a published architecture with seeded random weights of its real shapes (optionally
 * only its first blocks, at full width), or a real checkpoint with an optional VAE.
 */
public final class ProfiledModels {
    /** The built-in architectures. */
    public static final List<String> PRESETS = List.of("dit-xl-2-256", "dit-xl-2-512", "wan2.1-1.3b", "wan2.1-14b", "latte-xl-2");

    /**
     * What to open: a checkpoint (then {@code preset} and {@code layers} are unused) or a preset; the blocks to keep
     * (0: all); video frames and width x height in pixels for Wan2.1 (Latte takes only the frames, DiT neither);
     * a VAE checkpoint or null; the block matrices' type.
     */
    public record Spec(Path model, String preset, int layers, int frames, int width, int height, Path vae, DType weightDType) {
    }

    private ProfiledModels() {
    }

    public static ProfiledModel open(Spec s) {
        return open(s, new jdit.backend.cpu.CpuMemory());
    }

    /** The same with the weights on {@code memory}'s device, where the profiler then runs the model. */
    public static ProfiledModel open(Spec s, Memory memory) {
        ProfiledModel m = s.model() != null ? checkpoint(s, memory) : preset(s, memory);
        long channels = m.latentShape()[1];
        if (m.decoder().isPresent() && m.decoder().get().latentChannels() != channels) {
            int vae = m.decoder().get().latentChannels();
            m.close();
            throw new IllegalArgumentException("the transformer makes " + channels + " latent channels, the VAE " + s.vae()
                    + " takes " + vae + ": not a pair");
        }
        return m;
    }

    private static ProfiledModel preset(Spec s, Memory memory) {
        if (s.vae() != null) {
            throw new IllegalArgumentException("--vae needs --model: a preset's seeded random weights decode to noise");
        }
        String name = s.preset();
        switch (name) {
            case "wan2.1-1.3b", "wan2.1-14b" -> {
                WanConfig full = name.equals("wan2.1-1.3b") ? WanConfig.t2v13b() : WanConfig.t2v14b();
                WanConfig c = withLayers(full, blocks(s.layers(), full.numLayers()));
                WanModel m = WanModel.load(new SeededWeights(WanParameters.originalLayout(c), 1), c, s.weightDType(), memory);
                return new WanProfiled(m, label(name, c.numLayers(), full.numLayers()), s.frames(), s.width(), s.height(), null, null);
            }
            case "dit-xl-2-256", "dit-xl-2-512" -> {
                DitConfig full = DitConfigs.preset("DiT-XL/2", name.endsWith("512") ? 512 : 256);
                DitConfig c = new DitConfig(full.inputSize(), full.patchSize(), full.inChannels(), full.hiddenSize(),
                        blocks(s.layers(), full.depth()), full.numHeads(), full.numClasses(), full.learnSigma());
                DitModel m = DitModel.load(new SeededWeights(DitParameters.originalLayout(c), 1), c, s.weightDType(), memory);
                return new DitProfiled(m, label(name, c.depth(), full.depth()), null, null);
            }
            case "latte-xl-2" -> {
                LatteConfig full = LatteConfig.latteXl2(s.frames(), 101);
                int depth = blocks(s.layers(), full.depth());
                if (depth % 2 != 0) {
                    throw new IllegalArgumentException("Latte alternates spatial and temporal blocks: --layers must be even, got " + depth);
                }
                LatteConfig c = new LatteConfig(full.inputSize(), full.patchSize(), full.inChannels(), full.hiddenSize(), depth,
                        full.numHeads(), full.numFrames(), full.numClasses(), full.learnSigma());
                LatteModel m = LatteModel.load(new SeededWeights(LatteParameters.originalLayout(c), 1), c, s.weightDType(), memory);
                return new LatteProfiled(m, label(name, depth, full.depth()) + ", " + c.numFrames() + " frames", null, null);
            }
            default -> throw new IllegalArgumentException("unknown preset '" + name + "'; known: " + String.join(", ", PRESETS));
        }
    }

    private static ProfiledModel checkpoint(Spec s, Memory memory) {
        if (s.layers() != 0) {
            throw new IllegalArgumentException("--layers applies to presets; a checkpoint runs all its blocks");
        }
        try (WeightStore store = Checkpoints.openComponent(s.model(), "transformer")) {
            KnownLayout layout = LayoutRecognizer.recognise(store.entries()).map(LayoutMatch::layout).orElseThrow(() ->
                    new IllegalArgumentException(s.model() + " is no model jdit recognises (see 'jdit inspect " + s.model() + "')"));
            String name = s.model().getFileName() + " (" + layout.description() + ")";
            return switch (layout) {
                case WAN_ORIGINAL, WAN_DIFFUSERS -> {
                    WanModel m = WanModel.load(store, WanConfig.of(store), s.weightDType(), memory);
                    OpenedVae<WanVae> vae = s.vae() == null ? null : openVae(s.vae(), m, vs -> new WanVae(vs, WanVaeConfig.of(vs), memory));
                    yield new WanProfiled(m, name, s.frames(), s.width(), s.height(), vae == null ? null : new WanVaeFrames(vae.vae()), vae);
                }
                case DIT_ORIGINAL, DIT_DIFFUSERS -> {
                    DitModel m = DitModel.load(store, DitConfigs.of(store), s.weightDType(), memory);
                    OpenedVae<SdVae> vae = s.vae() == null ? null : openVae(s.vae(), m, vs -> new SdVae(vs, SdVaeConfig.of(vs), memory));
                    yield new DitProfiled(m, name, vae == null ? null : new SdVaeFrames(vae.vae()), vae);
                }
                case LATTE_ORIGINAL -> {
                    LatteModel m = LatteModel.load(store, LatteConfig.of(store), s.weightDType(), memory);
                    OpenedVae<SdVae> vae = s.vae() == null ? null : openVae(s.vae(), m, vs -> new SdVae(vs, SdVaeConfig.of(vs), memory));
                    yield new LatteProfiled(m, name, vae == null ? null : new SdVaeFrames(vae.vae()), vae);
                }
                default -> throw new IllegalArgumentException(s.model() + " holds " + layout.description()
                        + ", not a diffusion transformer; give it as --vae");
            };
        }
    }

    /** A VAE and the store it reads its weights from as it needs them: both closed together. */
    private record OpenedVae<V extends AutoCloseable>(V vae, WeightStore store) implements AutoCloseable {
        @Override
        public void close() {
            try (store) {
                Profiler.closeQuietly(vae);
            }
        }
    }

    private interface VaeFactory<V> {
        V make(WeightStore store);
    }

    private static <V extends AutoCloseable> OpenedVae<V> openVae(Path path, AutoCloseable model, VaeFactory<V> factory) {
        WeightStore vs = null;
        try {
            vs = Checkpoints.openComponent(path, "vae");
            return new OpenedVae<>(factory.make(vs), vs);
        } catch (RuntimeException e) {
            Profiler.closeQuietly(vs);
            Profiler.closeQuietly(model);
            throw e;
        }
    }

    private static int blocks(int requested, int full) {
        if (requested < 0 || requested > full) {
            throw new IllegalArgumentException("--layers must be 1 to " + full + " for this preset, got " + requested);
        }
        return requested == 0 ? full : requested;
    }

    private static WanConfig withLayers(WanConfig c, int layers) {
        return new WanConfig(c.patchT(), c.patchH(), c.patchW(), c.textLen(), c.inDim(), c.dim(), c.ffnDim(), c.freqDim(),
                c.textDim(), c.outDim(), c.numHeads(), layers, c.eps());
    }

    private static String label(String preset, int layers, int full) {
        return preset + " (" + (layers == full ? "all " + full : layers + " of " + full) + " blocks, seeded random weights)";
    }
}
