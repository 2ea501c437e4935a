package jdit.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import jdit.io.Checkpoints;
import jdit.io.WeightStore;
import jdit.model.KnownLayout;
import jdit.model.LayoutMatch;
import jdit.model.LayoutRecognizer;
import jdit.tensor.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jdit generate}: images from a DiT, videos from Wan2.1 (text) or Latte (class). The family is recognised
 * from the checkpoint's tensor names; flags left unset take that family's published defaults.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generates images (DiT + SD VAE) or videos (Wan2.1 + Wan VAE from text embeddings; Latte + SD VAE)",
            "with the sampling recipe each model was published with, and writes PNG or MP4 files carrying the parameters.",
            "The model family is recognised from the checkpoint; flags left unset take that family's defaults."})
final class GenerateCommand implements Callable<Integer> {
    enum GuidanceRule { auto, dit, diffusers }

    enum WeightType {
        f32(DType.F32), bf16(DType.BF16), f16(DType.F16);

        final DType dtype;

        WeightType(DType dtype) {
            this.dtype = dtype;
        }
    }

    enum VideoFormat { mp4, png_frames }

    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "Model weights: a file (.pt, .pth, .safetensors), a diffusers model folder, or a diffusers pipeline folder.")
    Path model;

    @Option(names = "--vae", paramLabel = "PATH",
            description = "VAE weights: SD VAE for DiT and Latte, Wan VAE (Wan2.1_VAE.pth or diffusers) for Wan2.1 "
                    + "(default: the vae/ folder of a pipeline --model).")
    Path vae;

    @Option(names = "--class", split = ",", paramLabel = "N",
            description = "Class label(s), comma-separated, one output each (DiT default 207, golden retriever; Latte: required "
                    + "for a class-conditional model).")
    long[] classes;

    @Option(names = "--text-embeddings", paramLabel = "FILE",
            description = "Wan2.1: the prompt's text-encoder (umT5-XXL) output, a safetensors file with one tensor [L, 4096], L <= 512 (default: none; required for Wan2.1).")
    Path textEmbeddings;

    @Option(names = "--negative-embeddings", paramLabel = "FILE",
            description = "Wan2.1: the negative prompt's text-encoder output, same format (default: an empty prompt).")
    Path negativeEmbeddings;

    @Option(names = "--steps", paramLabel = "N", description = "Denoising steps (default: DiT and Latte 250, Wan2.1 50).")
    Integer steps;

    @Option(names = "--sampler", paramLabel = "NAME",
            description = "Sampler by name (default: DiT and Latte ddpm with learned variance, Wan2.1 flow-unipc).")
    String sampler;

    @Option(names = "--cfg-scale", paramLabel = "S",
            description = "Guidance scale; 1 or less runs the conditional pass only (default: DiT 4, Wan2.1 5, Latte 1 "
                    + "unconditional and 7 class-conditional).")
    Float cfgScale;

    @Option(names = "--guidance", paramLabel = "RULE", defaultValue = "auto",
            description = "DiT only: dit guides the first 3 latent channels (sample.py), diffusers all of them (DiTPipeline); "
                    + "auto picks by the checkpoint's layout (default ${DEFAULT-VALUE}).")
    GuidanceRule guidance;

    @Option(names = "--shift", paramLabel = "S", description = "Flow-matching shift (default: Wan2.1 5).")
    Double shift;

    @Option(names = {"-s", "--seed"}, paramLabel = "N", split = ",", defaultValue = "0",
            description = "Noise seed(s): several make one output each, numbered FILE-0, FILE-1, ... (default ${DEFAULT-VALUE}).")
    long[] seeds;

    /** The seed of the run in progress. */
    long seed;

    @Option(names = "--size", paramLabel = "PX|WxH",
            description = "Image side (DiT: 256 or 512, checked against the model) or video width x height (Wan2.1 default "
                    + "832x480; multiples of 16).")
    String size;

    @Option(names = {"-W", "--width"}, paramLabel = "PX", description = "Width in pixels, with -H (the same as --size WxH; default: the model's).")
    Integer width;

    @Option(names = {"-H", "--height"}, paramLabel = "PX", description = "Height in pixels, with -W (default: the model's).")
    Integer height;

    @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT",
            description = "Not yet: jdit has no text encoder; give the prompt's encoder output with --text-embeddings (default: none).")
    String prompt;

    @Option(names = {"-n", "--negative-prompt"}, paramLabel = "TEXT",
            description = "Not yet: give the negative prompt's encoder output with --negative-embeddings (default: none).")
    String negativePrompt;

    @Option(names = "--preview-every", paramLabel = "N", defaultValue = "0",
            description = "Every N steps, decode the current estimate of the clean sample to NAME.preview.png beside the "
                    + "output (a video's first frame); 0 for none (default ${DEFAULT-VALUE}).")
    int previewEvery;

    @Option(names = "--frames", paramLabel = "N", description = "Video frames (Wan2.1: 4n+1, default 81; Latte: the model's).")
    Integer frames;

    @Option(names = "--fps", paramLabel = "N", description = "Video frame rate (default: Wan2.1 16, Latte 8).")
    Double fps;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "Video output: mp4 (H.264) or png_frames (a folder of PNGs) (default: by the --output name).")
    VideoFormat format;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1", description = "DiT: images per class in one batch; videos: videos per seed, with seeds s, s+1, ... "
                    + "(default ${DEFAULT-VALUE}). Several outputs are numbered.")
    int batch;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "f32",
            description = "In-memory type of the transformer's block matrices: f32, bf16 or f16 (half the memory; compute "
                    + "stays f32; default ${DEFAULT-VALUE}).")
    WeightType dtype;

    @Option(names = "--attention", paramLabel = "METHOD", defaultValue = "dense",
            description = "Self-attention method: dense, svg[:s=0.3,steps=0.2,layers=0.03], nabla[:thr=0.7][,sta=FxHxW], "
                    + "sta:FxHxW[,warmup=12], lite[:thr=-6][,exact], or several joined by + (nabla+lite). Windows are in latent "
                    + "frames x 8x8-patch tiles; nabla and sta need patch grids in multiples of 8 (default ${DEFAULT-VALUE}).")
    String attention;

    @Option(names = "--density", paramLabel = "METHOD", defaultValue = "dense",
            description = "Token density: dense, or flex[:layers=A-B,schedule=F@P/...,time=T,semantic=S@P/.../S] (blocks A-B on "
                    + "F x F pooled tokens while the steps' progress is below P; for SparseDiT models, semantic sets the "
                    + "sparse grid per step). DiT, SparseDiT and Wan2.1 (default ${DEFAULT-VALUE}; see docs/density.md).")
    String density;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads (default: all cores, ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    @picocli.CommandLine.Mixin
    DeviceOption device;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Output: a .png for images (several are numbered FILE-0.png, ...), a .mp4 or a folder for videos "
                    + "(default out.png or out.mp4).")
    Path output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Mixin
    VerboseOption verbose;

    /** Ctrl-C: set for the run, asked between steps. */
    StopOnInterrupt stop;

    @Override
    public Integer call() throws IOException {
        if (previewEvery < 0) {
            throw new IllegalArgumentException("--preview-every must be 0 (none) or positive, got " + previewEvery);
        }
        if (batch < 1 || threads < 1 || (steps != null && steps < 1) || (frames != null && frames < 1)) {
            throw new IllegalArgumentException("--steps, --frames, --batch and --threads must be positive");
        }
        if (prompt != null || negativePrompt != null) {
            throw new IllegalArgumentException("jdit has no text encoder yet: give the prompt's umT5-XXL output with "
                    + "--text-embeddings FILE (and --negative-embeddings FILE); see the README");
        }
        if (width != null || height != null) {
            if (width == null || height == null || size != null) {
                throw new IllegalArgumentException("give -W and -H together, or --size, not both");
            }
            size = width + "x" + height;
        }
        try (StopOnInterrupt interrupt = StopOnInterrupt.install(spec.commandLine().getErr());
             WeightStore store = Checkpoints.openComponent(model, "transformer")) {
            stop = interrupt;
            KnownLayout layout = LayoutRecognizer.recognise(store.entries()).map(LayoutMatch::layout).orElseThrow(() ->
                    new IllegalArgumentException(model + " is no model jdit recognises (see 'jdit inspect " + model + "')"));
            boolean image = layout == KnownLayout.DIT_ORIGINAL || layout == KnownLayout.DIT_DIFFUSERS
                    || layout == KnownLayout.SPARSEDIT_ORIGINAL;
            Path base = output != null ? output : Path.of(image ? "out.png" : "out.mp4");
            // Images batch inside one forward; videos are too large for that and run one after another.
            long[] runs = image ? seeds : videoSeeds(seeds, batch);
            for (int i = 0; i < runs.length; i++) {
                seed = runs[i];
                output = runs.length == 1 ? output : numberedAny(base, i);
                int code = switch (layout) {
                    case DIT_ORIGINAL, DIT_DIFFUSERS, SPARSEDIT_ORIGINAL -> new ImageGeneration(this).run(store);
                    case WAN_ORIGINAL, WAN_DIFFUSERS -> new WanGeneration(this).run(store);
                    case LATTE_ORIGINAL -> new LatteGeneration(this).run(store);
                    default -> throw new IllegalArgumentException(model + " holds " + layout.description()
                            + ", not a diffusion transformer; give it as --vae");
                };
                if (code != 0) {
                    return code;
                }
            }
            return 0;
        }
    }

    /** For videos, --batch N runs N generations per seed with seeds s, s+1, ..., s+N-1. */
    static long[] videoSeeds(long[] seeds, int batch) {
        long[] runs = new long[seeds.length * batch];
        for (int i = 0; i < seeds.length; i++) {
            for (int b = 0; b < batch; b++) {
                runs[i * batch + b] = seeds[i] + b;
            }
        }
        return runs;
    }

    /** The preview writer for {@code output}, or null without --preview-every. */
    PreviewWriter previews(Path output) {
        return previewEvery > 0 ? PreviewWriter.beside(output, previewEvery) : null;
    }

    /** FILE-i.ext for a file name with an extension, NAME-i for a folder. */
    static Path numberedAny(Path file, int i) {
        return file.getFileName().toString().lastIndexOf('.') > 0 ? numbered(file, i) : file.resolveSibling(file.getFileName() + "-" + i);
    }

    /** The VAE path: --vae, or the vae/ folder of a pipeline --model. */
    Path vaePath() {
        if (vae != null) {
            return vae;
        }
        if (Checkpoints.hasComponent(model, "vae")) {
            return model;
        }
        throw new IllegalArgumentException("--vae is required unless --model is a diffusers pipeline folder with a vae/ subfolder");
    }

    String version() {
        return VersionProvider.version();
    }

    static Path numbered(Path file, int i) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return file.resolveSibling(name.substring(0, dot) + "-" + i + name.substring(dot));
    }

    static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }
}
