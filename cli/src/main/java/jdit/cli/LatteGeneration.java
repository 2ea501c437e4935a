package jdit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import jdit.attention.AttentionMethods;
import jdit.backend.DeviceBackend;
import jdit.cli.output.FrameSink;
import jdit.io.Checkpoints;
import jdit.io.WeightStore;
import jdit.model.latte.LatteConfig;
import jdit.model.latte.LatteModel;
import jdit.pipeline.ClassVideoPipeline;
import jdit.sampling.guidance.DitChannelGuidance;
import jdit.sampling.CounterNoise;
import jdit.sampling.Guidance;
import jdit.sampling.Sampler;
import jdit.sampling.SamplerDefaults;
import jdit.sampling.Samplers;
import jdit.tensor.Workspace;
import jdit.vae.sd.SdVae;
import jdit.vae.sd.SdVaeConfig;
import jdit.vae.sd.SdVaeFrames;

/**
 * {@code generate} for Latte: DiT's diffusion (DDPM with learned variance, 250 steps), guidance on all latent channels
 * (Latte's {@code forward_with_cfg}) at 7 for a class-conditional model and none for an unconditional one, frames
 * decoded one by one with the SD VAE.
 */
final class LatteGeneration {
    private final GenerateCommand o;

    LatteGeneration(GenerateCommand options) {
        this.o = options;
    }

    int run(WeightStore store) throws IOException {
        PrintWriter err = o.spec.commandLine().getErr();
        long start = System.nanoTime();
        LatteConfig config = LatteConfig.of(store);
        boolean conditional = config.numClasses() > 0;
        int steps = o.steps != null ? o.steps : SamplerDefaults.dit().config().steps();
        String samplerName = o.sampler != null ? o.sampler : "ddpm";
        float cfgScale = o.cfgScale != null ? o.cfgScale : conditional ? 7f : 1f;
        if (conditional && (o.classes == null || o.classes.length != 1)) {
            throw new IllegalArgumentException("this Latte is class-conditional (" + config.numClasses() + " classes): give one --class");
        }
        if (!conditional && o.classes != null) {
            throw new IllegalArgumentException("this Latte is unconditional: --class does not apply");
        }
        long label = conditional ? o.classes[0] : 0;
        if (conditional && (label < 0 || label >= config.numClasses())) {
            throw new IllegalArgumentException("--class " + label + ": this model has classes 0 to " + (config.numClasses() - 1));
        }
        if (o.frames != null && o.frames != config.numFrames()) {
            throw new IllegalArgumentException("--frames " + o.frames + " but this Latte makes " + config.numFrames() + " frames");
        }
        double fps = o.fps != null ? o.fps : 8;
        try (WeightStore vaeStore = Checkpoints.openComponent(o.vaePath(), "vae");
             DeviceBackend dev = o.device.open(o.threads); Workspace out = dev.backend().memory().workspace();
             LatteModel latte = LatteModel.load(store, config, o.dtype.dtype, dev.backend().memory());
             SdVae vae = new SdVae(vaeStore, SdVaeConfig.of(vaeStore), dev.backend().memory())) {
            ClassVideoPipeline pipeline = new ClassVideoPipeline(latte, new SdVaeFrames(vae), dev.backend());
            int side = pipeline.imageSize();
            if (o.size != null && !o.size.equals(Integer.toString(side)) && !o.size.equals(side + "x" + side)) {
                throw new IllegalArgumentException("--size " + o.size + " but this Latte makes " + side + " px frames");
            }
            boolean respaced = config.learnSigma() && (samplerName.equals("ddpm") || samplerName.equals("ddim"));
            Sampler s = Samplers.byName(samplerName).create(SamplerDefaults.dit().config().withSteps(steps).withLearnedVariance(respaced));
            Guidance g = conditional && cfgScale > 1 ? new DitChannelGuidance(cfgScale, config.inChannels()) : null;
            Map<String, String> params = new LinkedHashMap<>();
            params.put("Software", "jdit " + o.version());
            params.put("model", o.model.getFileName().toString());
            if (conditional) {
                params.put("class", Long.toString(label));
            }
            params.put("seed", Long.toString(o.seed));
            params.put("sampler", samplerName);
            params.put("steps", Integer.toString(steps));
            params.put("cfg-scale", g != null ? Float.toString(cfgScale) : "none");
            params.put("attention", o.attention);
            if (jdit.density.TokenDensities.create(o.density) != jdit.density.TokenDensity.DENSE) {
                throw new IllegalArgumentException("--density is for DiT, SparseDiT and Wan2.1 models; Latte runs dense");
            }
            err.printf("jdit generate: Latte %s (%d blocks, hidden %d, %s), %d frames of %d px, %s %d steps, cfg %s, seed %d, on %s%n",
                    o.model.getFileName(), config.depth(), config.hiddenSize(), conditional ? "class " + label : "unconditional",
                    config.numFrames(), side, samplerName, steps, g != null ? cfgScale : "none", o.seed, dev.description());
            err.flush();
            try (FrameSink sink = VideoOutput.open(o, side, side, fps, params);
                 ProgressReporter progress = ProgressReporter.forConsole(err, "generate", steps, o.stop::requested)
                         .previewing(o.previews(VideoOutput.path(o)))) {
                pipeline.generate(label, new CounterNoise(o.seed), s, respaced, g, AttentionMethods.create(o.attention), progress,
                        VideoOutput.frames(sink), out);
                sink.finish();
                o.spec.commandLine().getOut().printf("wrote %s (%d frames, %d px, %.0f fps) in %.1f s; memory: Latte weights %s, "
                                + "activations peak %s, process peak RSS %s%n", VideoOutput.path(o), sink.frames(), side, fps,
                        (System.nanoTime() - start) / 1e9, GenerateCommand.mib(latte.weightBytes()),
                        GenerateCommand.mib(pipeline.peakActivationBytes()),
                        PeakMemory.residentPeak().map(GenerateCommand::mib).orElse("unknown"));
            }
        }
        return 0;
    }
}
