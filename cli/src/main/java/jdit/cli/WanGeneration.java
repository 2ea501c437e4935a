package jdit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import jdit.attention.AttentionMethods;
import jdit.backend.DeviceBackend;
import jdit.cli.output.FrameSink;
import jdit.io.Checkpoints;
import jdit.io.WeightStore;
import jdit.model.wan.WanConfig;
import jdit.model.wan.WanModel;
import jdit.pipeline.MemoryEstimate;
import jdit.pipeline.TextVideoPipeline;
import jdit.pipeline.VideoJob;
import jdit.sampling.guidance.ClassifierFreeGuidance;
import jdit.sampling.CounterNoise;
import jdit.sampling.SamplerDefaults;
import jdit.sampling.Samplers;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import jdit.vae.wan.WanVae;
import jdit.vae.wan.WanVaeConfig;
import jdit.vae.wan.WanVaeFrames;

/**
 * {@code generate} for Wan2.1 text-to-video: Wan's {@code generate.py} defaults (832x480, 81 frames, flow UniPC with
 * 50 steps and shift 5, guidance 5 as two passes, 16 fps). The prompt comes as precomputed text-encoder output.
 */
final class WanGeneration {
    /** The Wan VAE decoder's F32 weights as measured (docs/performance.md), held beside the transformer's. */
    private static final long WAN_VAE_BYTES = 295L << 20;

    private final GenerateCommand o;

    WanGeneration(GenerateCommand options) {
        this.o = options;
    }

    int run(WeightStore store) throws IOException {
        PrintWriter err = o.spec.commandLine().getErr();
        long start = System.nanoTime();
        if (o.textEmbeddings == null) {
            throw new IllegalArgumentException("Wan2.1 needs --text-embeddings FILE: the prompt's umT5-XXL output [L, 4096] "
                    + "as a safetensors file (jdit has no text encoder yet)");
        }
        if (o.classes != null) {
            throw new IllegalArgumentException("--class does not apply to a text-to-video model");
        }
        WanConfig config = WanConfig.of(store);
        SamplerDefaults d = SamplerDefaults.wan21();
        int steps = o.steps != null ? o.steps : d.config().steps();
        String samplerName = o.sampler != null ? o.sampler : d.sampler();
        float cfgScale = o.cfgScale != null ? o.cfgScale : d.guidanceScale();
        double shift = o.shift != null ? o.shift : d.config().shift();
        int frames = o.frames != null ? o.frames : 81;
        int[] wh = parseSize(o.size != null ? o.size : "832x480");
        double fps = o.fps != null ? o.fps : 16;
        checkMemory(store, config, frames, wh[0], wh[1]);
        try (WeightStore vaeStore = Checkpoints.openComponent(o.vaePath(), "vae");
             DeviceBackend dev = o.device.open(o.threads); Workspace out = dev.backend().memory().workspace();
             Workspace host = new Workspace(); // the text embeddings as read; the pipeline uploads them
             WanModel wan = WanModel.load(store, config, o.dtype.dtype, dev.backend().memory());
             WanVae vae = new WanVae(vaeStore, WanVaeConfig.of(vaeStore), dev.backend().memory())) {
            TextVideoPipeline pipeline = new TextVideoPipeline(wan, new WanVaeFrames(vae), dev.backend());
            pipeline.latentShape(frames, wh[1], wh[0]); // checks frames and sides before anything heavy
            Tensor text = embeddings(o.textEmbeddings, config, host);
            Tensor negative = o.negativeEmbeddings == null ? null : embeddings(o.negativeEmbeddings, config, host);
            var sampler = Samplers.byName(samplerName).create(d.config().withSteps(steps).withShift(shift));
            ClassifierFreeGuidance g = cfgScale > 1 ? new ClassifierFreeGuidance(cfgScale) : null;
            Map<String, String> params = new LinkedHashMap<>();
            params.put("Software", "jdit " + o.version());
            params.put("model", o.model.getFileName().toString());
            params.put("text-embeddings", o.textEmbeddings.getFileName().toString());
            params.put("negative-embeddings", o.negativeEmbeddings == null ? "none" : o.negativeEmbeddings.getFileName().toString());
            params.put("seed", Long.toString(o.seed));
            params.put("sampler", samplerName);
            params.put("steps", Integer.toString(steps));
            params.put("shift", Double.toString(shift));
            params.put("cfg-scale", g != null ? Float.toString(cfgScale) : "none");
            params.put("frames", Integer.toString(frames));
            params.put("size", wh[0] + "x" + wh[1]);
            params.put("attention", o.attention);
            jdit.density.TokenDensity density = jdit.density.TokenDensities.create(o.density);
            params.put("density", density.describe());
            err.printf("jdit generate: Wan2.1 %s (%s layout, %d blocks, dim %d), %d frames of %dx%d, %s %d steps (shift %s), "
                            + "cfg %s, seed %d, on %s%n", o.model.getFileName(), wan.layout().name().toLowerCase(),
                    config.numLayers(), config.dim(), frames, wh[0], wh[1], samplerName, steps, shift,
                    g != null ? cfgScale : "none", o.seed, dev.description());
            err.flush();
            VideoJob job = new VideoJob(text, negative, frames, wh[1], wh[0], new CounterNoise(o.seed), sampler, g,
                    AttentionMethods.create(o.attention), density);
            try (FrameSink sink = VideoOutput.open(o, wh[0], wh[1], fps, params);
                 ProgressReporter progress = ProgressReporter.forConsole(err, "generate", steps, o.stop::requested)
                         .previewing(o.previews(VideoOutput.path(o)))) {
                pipeline.generate(job, progress, VideoOutput.frames(sink), out);
                sink.finish();
                o.spec.commandLine().getOut().printf("wrote %s (%d frames, %dx%d, %.0f fps) in %.1f s; memory: transformer weights "
                                + "%s, VAE weights %s, activations peak %s, process peak RSS %s%n", VideoOutput.path(o),
                        sink.frames(), wh[0], wh[1], fps, (System.nanoTime() - start) / 1e9,
                        GenerateCommand.mib(wan.weightBytes()), GenerateCommand.mib(vae.weightBytes()),
                        GenerateCommand.mib(pipeline.peakActivationBytes()),
                        PeakMemory.residentPeak().map(GenerateCommand::mib).orElse("unknown"));
            }
        }
        return 0;
    }

    /** "WxH" as {width, height}. */
    static int[] parseSize(String s) {
        String[] p = s.toLowerCase().split("x");
        try {
            if (p.length == 2) {
                return new int[] {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim())};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--size for a video is WIDTHxHEIGHT, for example 832x480; got '" + s + "'");
    }

    /** The one tensor [L, textDim] of a safetensors file, as F32 in {@code ws}. */
    /** Refuses, before anything is allocated, a video that cannot fit in the memory available now. */
    private void checkMemory(WeightStore store, WanConfig config, int frames, int width, int height) {
        long params = store.entries().stream().mapToLong(e -> e.numel()).sum();
        long weights = params * o.dtype.dtype.byteSize() + WAN_VAE_BYTES;
        MemoryEstimate need = MemoryEstimate.wan(config, weights, frames, width, height);
        AvailableMemory.bytes().ifPresent(available -> {
            if (need.totalBytes() > available) {
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "%d frames of %dx%d need %s, but %.1f GiB "
                        + "is available: try fewer --frames, a smaller --size or --dtype bf16", frames, width, height,
                        need.describe(), available / (double) (1L << 30)));
            }
        });
    }

    private static Tensor embeddings(Path file, WanConfig c, Workspace ws) {
        try (WeightStore s = Checkpoints.open(file)) {
            if (s.entries().size() != 1) {
                throw new IllegalArgumentException(file + " must hold exactly one tensor [L, " + c.textDim() + "], it holds "
                        + s.entries().stream().map(e -> e.name() + " " + e.shape()).toList());
            }
            Tensor t = s.tensor(s.entries().get(0).name());
            if (t.rank() != 2 || t.dim(1) != c.textDim() || t.dim(0) > c.textLen()) {
                throw new IllegalArgumentException(file + ": text embeddings must be [L, " + c.textDim() + "] with L <= "
                        + c.textLen() + ", got " + t.shape());
            }
            return t.to(DType.F32, ws);
        }
    }
}
