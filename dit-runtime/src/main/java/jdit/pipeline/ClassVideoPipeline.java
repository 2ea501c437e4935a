package jdit.pipeline;

import jdit.attention.AttentionStep;
import jdit.attention.GuidanceBranch;
import jdit.backend.Backend;
import jdit.model.latte.LatteModel;
import jdit.sampling.Guidance;
import jdit.sampling.NoiseSource;
import jdit.sampling.Sampler;
import jdit.sampling.UploadedNoise;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * Class-conditional or unconditional video with Latte: the latent is kept channel-major [1, C, F, H, W] (so that the
 * samplers' variance split on dim 1 and the guidance rules apply as for images) and permuted to Latte's [B, F, C, H,
 * W] for each forward; guided runs batch the class and the null class as DiT does; frames are decoded one by one.
 */
public final class ClassVideoPipeline {
    private final LatteModel model;
    private final VideoDecoder decoder;
    private final Backend backend;
    private long peakActivationBytes;

    public ClassVideoPipeline(LatteModel model, VideoDecoder decoder, Backend backend) {
        this.model = model;
        this.decoder = decoder;
        this.backend = backend;
    }

    /** The video side in pixels. */
    public int imageSize() {
        return model.config().inputSize() * decoder.spatialScale();
    }

    public long peakActivationBytes() {
        return peakActivationBytes;
    }

    /**
     * One video of {@code label} (ignored by an unconditional model; guidance must then be null). The sampler gets all
     * output channels when {@code samplerTakesVariance}, else the eps channels only.
     */
    public Tensor generate(long label, NoiseSource noise, Sampler sampler, boolean samplerTakesVariance, Guidance guidance,
                           jdit.attention.AttentionMethod attention, GenerationListener listener, VideoDecoder.ChunkSink sink,
                           Workspace out) {
        var c = model.config();
        boolean conditional = c.numClasses() > 0;
        if (guidance != null && !conditional) {
            throw new IllegalArgumentException("an unconditional Latte has no null class to guide against: use cfg 1");
        }
        boolean guided = guidance != null;
        int b = guided ? 2 : 1;
        long[] labels = !conditional ? null : guided ? new long[] {label, c.numClasses()} : new long[] {label};
        int f = c.numFrames();
        int s = c.inputSize();
        int steps = sampler.timesteps().length;
        attention.reset();
        NoiseSource drawn = new UploadedNoise(noise, backend.memory());
        VideoDecoder.ChunkSink hostSink = HostFrames.downloading(sink, backend.memory());
        try (Workspace step = backend.memory().workspace()) {
            Tensor x = out.allocate(DType.F32, 1, c.inChannels(), f, s, s);
            drawn.next(x);
            backend.pointwise().scaleAdd(x, (float) sampler.initNoiseSigma(), x, 0f, x);
            Tensor input = out.allocate(DType.F32, b, f, c.inChannels(), s, s);
            int outC = c.learnSigma() ? 2 * c.inChannels() : c.inChannels();
            Tensor guidedOut = out.allocate(DType.F32, 1, outC, f, s, s);
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                if (listener.cancelled()) {
                    throw new GenerationCancelledException(i, steps);
                }
                double t = sampler.timesteps()[i];
                Tensor scaled = step.allocate(DType.F32, x.shape());
                backend.pointwise().scaleAdd(x, (float) sampler.inputScale(i), x, 0f, scaled);
                for (int k = 0; k < b; k++) {
                    backend.memory().copy(scaled.select(0, 0).transpose(0, 1), input.select(0, k)); // [C, F, H, W] -> [F, C, H, W]
                }
                double[] ts = new double[b];
                java.util.Arrays.fill(ts, t);
                Tensor o = model.forward(input, ts, labels, new AttentionStep(attention, i, steps, t,
                        guided ? GuidanceBranch.BATCHED : GuidanceBranch.UNGUIDED), backend, step); // [B, F, outC, H, W]
                Tensor cm = step.allocate(DType.F32, b, outC, f, s, s);
                backend.memory().copy(o.transpose(1, 2), cm);
                if (guided) {
                    guidance.combine(cm.narrow(0, 0, 1), cm.narrow(0, 1, 1), i, guidedOut, backend, step);
                } else {
                    backend.memory().copy(cm, guidedOut);
                }
                Tensor forSampler = samplerTakesVariance ? guidedOut : step.copy(guidedOut.narrow(1, 0, c.inChannels()));
                Tensor clean = Previews.cleanEstimate(listener, sampler, i, x, guidedOut, backend.pointwise(), step);
                if (clean != null) {
                    int done = i + 1;
                    decoder.decode(clean.narrow(2, 0, 1).contiguous(step),
                            HostFrames.downloading((frames, first) -> listener.preview(done, frames), backend.memory()), backend, step);
                }
                sampler.step(forSampler, i, x, drawn, backend, out);
                peakActivationBytes = Math.max(peakActivationBytes, step.peakBytes());
                step.releaseAll();
                listener.stepDone(new StepProgress(i + 1, steps, System.nanoTime() - start));
            }
            decoder.decode(x, hostSink, backend, step);
            return x;
        }
    }
}
