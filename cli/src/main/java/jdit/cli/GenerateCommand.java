package jdit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import jdit.attention.AttentionMethods;
import jdit.backend.cpu.CpuBackend;
import jdit.cli.output.PngText;
import jdit.cli.output.PngWriter;
import jdit.cli.output.Rgb8Image;
import jdit.io.Checkpoints;
import jdit.io.WeightStore;
import jdit.model.dit.DitConfig;
import jdit.model.dit.DitConfigs;
import jdit.model.dit.DitKeys;
import jdit.model.dit.DitModel;
import jdit.pipeline.ClassImagePipeline;
import jdit.pipeline.ImageJob;
import jdit.samplers.guidance.DitChannelGuidance;
import jdit.sampling.CounterNoise;
import jdit.sampling.Guidance;
import jdit.sampling.Sampler;
import jdit.sampling.SamplerConfig;
import jdit.sampling.SamplerDefaults;
import jdit.sampling.Samplers;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import jdit.vae.sd.SdVae;
import jdit.vae.sd.SdVaeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jdit generate}: class-conditional images from a DiT and the SD VAE. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generates class-conditional images with a DiT (original facebookresearch checkpoint, safetensors",
            "or diffusers folder) and the SD VAE, and writes PNGs carrying the generation parameters.",
            "Defaults follow DiT's sample.py: DDPM with learned variance over 250 respaced steps, guidance 4 on 3 channels."})
final class GenerateCommand implements Callable<Integer> {
    enum GuidanceRule { auto, dit, diffusers }

    enum WeightType {
        f32(DType.F32), bf16(DType.BF16), f16(DType.F16);

        final DType dtype;

        WeightType(DType dtype) {
            this.dtype = dtype;
        }
    }

    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "DiT weights: DiT-XL-2-256x256.pt, a .safetensors file, a diffusers transformer folder, or a diffusers pipeline folder.")
    private Path model;

    @Option(names = "--vae", paramLabel = "PATH",
            description = "SD VAE (AutoencoderKL): a diffusers folder or .safetensors file (default: the vae/ folder of a pipeline --model).")
    private Path vae;

    @Option(names = "--class", split = ",", paramLabel = "N", defaultValue = "207",
            description = "ImageNet class label(s), comma-separated, one image each (default ${DEFAULT-VALUE}, golden retriever).")
    private long[] classes;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "250", description = "Denoising steps (default ${DEFAULT-VALUE}).")
    private int steps;

    @Option(names = "--sampler", paramLabel = "NAME", defaultValue = "ddpm",
            description = "Sampler: ddpm, ddim (DiT's own, with learned variance), euler, euler-a, dpmpp-2m, unipc (default ${DEFAULT-VALUE}).")
    private String sampler;

    @Option(names = "--cfg-scale", paramLabel = "S", defaultValue = "4.0",
            description = "Classifier-free guidance scale; 1 or less runs the conditional branch only (default ${DEFAULT-VALUE}).")
    private float cfgScale;

    @Option(names = "--guidance", paramLabel = "RULE", defaultValue = "auto",
            description = "dit: guide the first 3 latent channels (DiT's sample.py); diffusers: guide all latent channels "
                    + "(DiTPipeline); auto: dit for the original layout, diffusers for the diffusers layout (default ${DEFAULT-VALUE}).")
    private GuidanceRule guidance;

    @Option(names = {"-s", "--seed"}, paramLabel = "N", defaultValue = "0", description = "Noise seed (default ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--size", paramLabel = "PX",
            description = "Image side in pixels; must be the model's (256 or 512 for the published DiTs; default: the model's).")
    private Integer size;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1", description = "Images per class (default ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "f32",
            description = "In-memory type of the DiT's block matrices: f32, bf16 or f16 (half the memory; compute stays f32; default ${DEFAULT-VALUE}).")
    private WeightType dtype;

    @Option(names = "--attention", paramLabel = "METHOD", defaultValue = "dense",
            description = "Self-attention method, NAME or NAME:PARAMS (default ${DEFAULT-VALUE}).")
    private String attention;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads (default: all cores, ${DEFAULT-VALUE}).")
    private int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "out.png",
            description = "Output PNG; several images are numbered FILE-0.png, FILE-1.png, ... (default ${DEFAULT-VALUE}).")
    private Path output;

    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        validate();
        Path vaePath = vae != null ? vae : defaultVae();
        long start = System.nanoTime();
        try (WeightStore ditStore = Checkpoints.openComponent(model, "transformer");
             WeightStore vaeStore = Checkpoints.openComponent(vaePath, "vae");
             CpuBackend cpu = CpuBackend.create(threads, true);
             Workspace out = new Workspace()) {
            DitConfig config = DitConfigs.of(ditStore);
            try (DitModel dit = DitModel.load(ditStore, config, dtype.dtype); SdVae sdVae = new SdVae(vaeStore, SdVaeConfig.of(vaeStore))) {
                ClassImagePipeline pipeline = new ClassImagePipeline(dit, sdVae, cpu.backend());
                if (size != null && size != pipeline.imageSize()) {
                    throw new IllegalArgumentException("--size " + size + " but this model makes " + pipeline.imageSize()
                            + " px images (latent " + config.inputSize() + " x VAE downscale " + sdVae.config().downscale() + ")");
                }
                boolean respaced = config.learnSigma() && (sampler.equals("ddpm") || sampler.equals("ddim"));
                SamplerConfig sc = SamplerDefaults.dit().config().withSteps(steps).withLearnedVariance(respaced);
                Sampler s = Samplers.byName(sampler).create(sc);
                GuidanceRule rule = guidance != GuidanceRule.auto ? guidance
                        : dit.layout() == DitKeys.ORIGINAL ? GuidanceRule.dit : GuidanceRule.diffusers;
                Guidance g = cfgScale <= 1 ? null
                        : new DitChannelGuidance(cfgScale, rule == GuidanceRule.dit ? 3 : config.inChannels());
                for (long cls : classes) {
                    if (cls < 0 || cls >= config.numClasses()) {
                        throw new IllegalArgumentException("--class " + cls + ": this model has classes 0 to "
                                + (config.numClasses() - 1));
                    }
                }
                long[] labels = labels();
                err.printf("jdit generate: DiT %s (%s layout, %d blocks, hidden %d, %s weights), %d px, %s %d steps, "
                                + "cfg %s%s, seed %d, %d image(s) on %d threads%n", model.getFileName(),
                        dit.layout().name().toLowerCase(), config.depth(), config.hiddenSize(), dtype, pipeline.imageSize(),
                        sampler, steps, cfgScale, g == null ? "" : " (" + rule + " rule)", seed, labels.length, threads);
                err.flush();
                ImageJob job = new ImageJob(labels, new CounterNoise(seed), s, respaced, g, AttentionMethods.create(attention));
                Tensor images;
                try (ProgressReporter progress = ProgressReporter.forConsole(err, "generate", steps)) {
                    images = pipeline.generate(job, progress, out);
                }
                List<Path> written = new ArrayList<>();
                for (int i = 0; i < labels.length; i++) {
                    Path file = labels.length == 1 ? output : numbered(output, i);
                    PngWriter.write(file, Rgb8Image.fromSigned(images.select(0, i)), texts(labels[i], i, rule, g != null));
                    written.add(file);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                spec.commandLine().getOut().printf("wrote %s (%d px) in %.1f s; memory: DiT weights %s, VAE weights %s, "
                                + "activations peak %s, process peak RSS %s%n", String.join(", ", written.stream().map(Path::toString).toList()),
                        pipeline.imageSize(), seconds, mib(dit.weightBytes()), mib(sdVae.weightBytes()),
                        mib(pipeline.peakActivationBytes()), PeakMemory.residentPeak().map(GenerateCommand::mib).orElse("unknown"));
                spec.commandLine().getOut().flush();
            }
        }
        return 0;
    }

    private void validate() {
        if (steps < 1 || batch < 1 || threads < 1) {
            throw new IllegalArgumentException("--steps, --batch and --threads must be positive");
        }
        if (!output.getFileName().toString().toLowerCase().endsWith(".png")) {
            throw new IllegalArgumentException("--output must name a .png file, got " + output);
        }
    }

    private Path defaultVae() {
        if (Checkpoints.hasComponent(model, "vae")) {
            return model;
        }
        throw new IllegalArgumentException("--vae is required unless --model is a diffusers pipeline folder with a vae/ subfolder");
    }

    private long[] labels() {
        long[] l = new long[classes.length * batch];
        for (int c = 0; c < classes.length; c++) {
            for (int b = 0; b < batch; b++) {
                l[c * batch + b] = classes[c];
            }
        }
        return l;
    }

    private List<PngText> texts(long label, int index, GuidanceRule rule, boolean guided) {
        return List.of(new PngText("Software", "jdit " + VersionProvider.version()),
                new PngText("model", model.getFileName().toString()),
                new PngText("class", Long.toString(label)),
                new PngText("seed", Long.toString(seed)),
                new PngText("batch-index", Integer.toString(index)),
                new PngText("sampler", sampler),
                new PngText("steps", Integer.toString(steps)),
                new PngText("cfg-scale", guided ? Float.toString(cfgScale) : "none"),
                new PngText("guidance", guided ? rule.name() : "none"),
                new PngText("dtype", dtype.name()),
                new PngText("attention", attention));
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
