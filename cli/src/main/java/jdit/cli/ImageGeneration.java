package jdit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdit.attention.AttentionMethods;
import jdit.backend.DeviceBackend;
import jdit.backend.Memory;
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
import jdit.sampling.guidance.DitChannelGuidance;
import jdit.sampling.CounterNoise;
import jdit.sampling.Guidance;
import jdit.sampling.Sampler;
import jdit.sampling.SamplerConfig;
import jdit.sampling.SamplerDefaults;
import jdit.sampling.Samplers;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import jdit.vae.sd.SdVae;
import jdit.vae.sd.SdVaeConfig;

/** {@code generate} for DiT: DiT's own recipe by default (DDPM with learned variance, 250 steps, guidance 4 on 3 channels). */
final class ImageGeneration {
    private final GenerateCommand o;

    ImageGeneration(GenerateCommand options) {
        this.o = options;
    }

    int run(WeightStore ditStore) throws IOException {
        PrintWriter err = o.spec.commandLine().getErr();
        int steps = o.steps != null ? o.steps : SamplerDefaults.dit().config().steps();
        String samplerName = o.sampler != null ? o.sampler : SamplerDefaults.dit().sampler();
        float cfgScale = o.cfgScale != null ? o.cfgScale : SamplerDefaults.dit().guidanceScale();
        long[] classes = o.classes != null ? o.classes : new long[] {207};
        Path output = o.output != null ? o.output : Path.of("out.png");
        if (!output.getFileName().toString().toLowerCase().endsWith(".png")) {
            throw new IllegalArgumentException("--output must name a .png file for images, got " + output);
        }
        if (o.textEmbeddings != null || o.frames != null) {
            throw new IllegalArgumentException("--text-embeddings and --frames are for video models; this is an image DiT");
        }
        long start = System.nanoTime();
        try (WeightStore vaeStore = Checkpoints.openComponent(o.vaePath(), "vae");
             DeviceBackend dev = o.device.open(o.threads); Workspace out = dev.backend().memory().workspace()) {
            Memory memory = dev.backend().memory();
            boolean sparse = jdit.model.dit.SparseDitModel.signature(ditStore).isPresent();
            jdit.density.TokenDensity density = jdit.density.TokenDensities.create(o.density);
            try (jdit.model.dit.ClassImageModel dit = sparse
                         ? jdit.model.dit.SparseDitModel.load(ditStore, jdit.model.dit.SparseDitConfig.of(ditStore), o.dtype.dtype, memory)
                         : DitModel.load(ditStore, DitConfigs.of(ditStore), o.dtype.dtype, memory);
                 SdVae sdVae = new SdVae(vaeStore, SdVaeConfig.of(vaeStore), memory)) {
                DitConfig config = dit.ditConfig();
                DitKeys layout = dit instanceof DitModel plain ? plain.layout() : DitKeys.ORIGINAL;
                ClassImagePipeline pipeline = new ClassImagePipeline(dit, sdVae, dev.backend());
                int side = pipeline.imageSize();
                if (o.size != null && !o.size.equals(Integer.toString(side)) && !o.size.equals(side + "x" + side)) {
                    throw new IllegalArgumentException("--size " + o.size + " but this model makes " + pipeline.imageSize()
                            + " px images (latent " + config.inputSize() + " x VAE downscale " + sdVae.config().downscale() + ")");
                }
                boolean respaced = config.learnSigma() && (samplerName.equals("ddpm") || samplerName.equals("ddim"));
                SamplerConfig sc = SamplerDefaults.dit().config().withSteps(steps).withLearnedVariance(respaced);
                Sampler s = Samplers.byName(samplerName).create(sc);
                GenerateCommand.GuidanceRule rule = o.guidance != GenerateCommand.GuidanceRule.auto ? o.guidance
                        : layout == DitKeys.ORIGINAL ? GenerateCommand.GuidanceRule.dit : GenerateCommand.GuidanceRule.diffusers;
                Guidance g = cfgScale <= 1 ? null
                        : new DitChannelGuidance(cfgScale, rule == GenerateCommand.GuidanceRule.dit ? 3 : config.inChannels());
                for (long cls : classes) {
                    if (cls < 0 || cls >= config.numClasses()) {
                        throw new IllegalArgumentException("--class " + cls + ": this model has classes 0 to "
                                + (config.numClasses() - 1));
                    }
                }
                long[] labels = labels(classes, o.batch);
                err.printf("jdit generate: %s %s (%s layout, %d blocks, hidden %d, %s weights), %d px, %s %d steps, "
                                + "cfg %s%s, seed %d, %d image(s) on %s%s%n", sparse ? "SparseDiT" : "DiT", o.model.getFileName(),
                        layout.name().toLowerCase(), config.depth(), config.hiddenSize(), o.dtype, pipeline.imageSize(),
                        samplerName, steps, cfgScale, g == null ? "" : " (" + rule + " rule)", o.seed, labels.length, dev.description(),
                        density == jdit.density.TokenDensity.DENSE ? "" : ", density " + density.describe());
                err.flush();
                ImageJob job = new ImageJob(labels, new CounterNoise(o.seed), s, respaced, g, AttentionMethods.create(o.attention),
                        density);
                Tensor images;
                try (ProgressReporter progress = ProgressReporter.forConsole(err, "generate", steps, o.stop::requested)
                         .previewing(o.previews(output))) {
                    images = jdit.backend.Transfers.toHost(pipeline.generate(job, progress, out), memory, java.lang.foreign.Arena.ofAuto());
                }
                List<Path> written = new ArrayList<>();
                for (int i = 0; i < labels.length; i++) {
                    Path file = labels.length == 1 ? output : GenerateCommand.numbered(output, i);
                    List<PngText> texts = List.of(new PngText("Software", "jdit " + o.version()),
                            new PngText("model", o.model.getFileName().toString()), new PngText("class", Long.toString(labels[i])),
                            new PngText("seed", Long.toString(o.seed)), new PngText("batch-index", Integer.toString(i)),
                            new PngText("sampler", samplerName), new PngText("steps", Integer.toString(steps)),
                            new PngText("cfg-scale", g != null ? Float.toString(cfgScale) : "none"),
                            new PngText("guidance", g != null ? rule.name() : "none"), new PngText("dtype", o.dtype.name()),
                            new PngText("attention", o.attention), new PngText("density", density.describe()));
                    PngWriter.write(file, Rgb8Image.fromSigned(images.select(0, i)), texts);
                    written.add(file);
                }
                o.spec.commandLine().getOut().printf("wrote %s (%d px) in %.1f s; memory: DiT weights %s, VAE weights %s, "
                                + "activations peak %s, process peak RSS %s%n", String.join(", ", written.stream().map(Path::toString).toList()),
                        pipeline.imageSize(), (System.nanoTime() - start) / 1e9, GenerateCommand.mib(dit.weightBytes()),
                        GenerateCommand.mib(sdVae.weightBytes()), GenerateCommand.mib(pipeline.peakActivationBytes()),
                        PeakMemory.residentPeak().map(GenerateCommand::mib).orElse("unknown"));
                o.spec.commandLine().getOut().flush();
            }
        }
        return 0;
    }

    private static long[] labels(long[] classes, int batch) {
        long[] l = new long[classes.length * batch];
        for (int c = 0; c < classes.length; c++) {
            for (int b = 0; b < batch; b++) {
                l[c * batch + b] = classes[c];
            }
        }
        return l;
    }
}
