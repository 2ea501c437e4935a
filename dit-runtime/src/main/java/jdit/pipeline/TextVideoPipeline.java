package jdit.pipeline;

import jdit.attention.AttentionStep;
import jdit.attention.GuidanceBranch;
import jdit.backend.Backend;
import jdit.backend.Transfers;
import jdit.model.wan.WanModel;
import jdit.sampling.NoiseSource;
import jdit.sampling.Sampler;
import jdit.sampling.UploadedNoise;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * Text-to-video with Wan2.1: seeded noise of the latent video's shape, a flow-matching sampler loop with the
 * conditional and unconditional passes run one after the other (as Wan's {@code generate.py}: two passes halve the
 * peak activations against one batch of two), then the decoder streaming frames to a sink. The text is embedded
 * once per generation, not per step.
 */
public final class TextVideoPipeline {
    private final WanModel model;
    private final VideoDecoder decoder;
    private final Backend backend;
    private long peakActivationBytes;

    public TextVideoPipeline(WanModel model, VideoDecoder decoder, Backend backend) {
        if (model.config().outDim() != decoder.latentChannels()) {
            throw new IllegalArgumentException("the transformer makes " + model.config().outDim()
                    + " latent channels, the VAE takes " + decoder.latentChannels());
        }
        this.model = model;
        this.decoder = decoder;
        this.backend = backend;
    }

    /** The latent [1, C, F, h, w] for a video, after checking frames and sides against the VAE and the patch. */
    public long[] latentShape(int frames, int height, int width) {
        int cell = decoder.spatialScale() * model.config().patchH();
        int cellW = decoder.spatialScale() * model.config().patchW();
        if (height % cell != 0 || width % cellW != 0) {
            throw new IllegalArgumentException("height and width must be multiples of " + cell + " (VAE x" + decoder.spatialScale()
                    + " times the patch " + model.config().patchH() + "), got " + width + "x" + height);
        }
        int latentFrames = decoder.latentFrames(frames);
        return new long[] {1, model.config().inDim(), latentFrames, height / decoder.spatialScale(), width / decoder.spatialScale()};
    }

    public long peakActivationBytes() {
        return peakActivationBytes;
    }

    /** Runs {@code job}, handing the decoded frames to {@code sink}; returns the final latent (from {@code out}). */
    public Tensor generate(VideoJob job, GenerationListener listener, VideoDecoder.ChunkSink sink, Workspace out) {
        long[] shape = latentShape(job.frames(), job.height(), job.width());
        Sampler sampler = job.sampler();
        int steps = sampler.timesteps().length;
        boolean guided = job.guidance() != null;
        job.attention().reset();
        NoiseSource noise = new UploadedNoise(job.noise(), backend.memory());
        VideoDecoder.ChunkSink hostSink = HostFrames.downloading(sink, backend.memory());
        try (Workspace step = backend.memory().workspace()) {
            Tensor cond = model.embedText(Transfers.upload(job.text(), backend.memory(), out), backend, out).unsqueeze(0);
            Tensor uncond = guided ? model.embedText(emptyIfNull(job.negativeText(), out), backend, out).unsqueeze(0) : null;
            Tensor x = out.allocate(DType.F32, shape);
            noise.next(x);
            backend.pointwise().scaleAdd(x, (float) sampler.initNoiseSigma(), x, 0f, x);
            Tensor input = out.allocate(DType.F32, shape);
            Tensor guidedOut = out.allocate(DType.F32, shape);
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                if (listener.cancelled()) {
                    throw new GenerationCancelledException(i, steps);
                }
                double t = sampler.timesteps()[i];
                backend.pointwise().scaleAdd(x, (float) sampler.inputScale(i), x, 0f, input);
                double[] ts = {t};
                Tensor vc = model.forward(input, ts, cond,
                        new AttentionStep(job.attention(), i, steps, t, guided ? GuidanceBranch.CONDITIONAL : GuidanceBranch.UNGUIDED)
                                .withDensity(job.density()),
                        backend, step);
                if (guided) {
                    Tensor vu = model.forward(input, ts, uncond,
                            new AttentionStep(job.attention(), i, steps, t, GuidanceBranch.UNCONDITIONAL).withDensity(job.density()),
                            backend, step);
                    job.guidance().combine(vc, vu, i, guidedOut, backend, step);
                } else {
                    backend.memory().copy(vc, guidedOut);
                }
                Tensor clean = Previews.cleanEstimate(listener, sampler, i, x, guidedOut, backend.pointwise(), step);
                if (clean != null) {
                    int done = i + 1;
                    decoder.decode(clean.narrow(2, 0, 1).contiguous(step),
                            HostFrames.downloading((frames, first) -> listener.preview(done, frames), backend.memory()), backend, step);
                }
                sampler.step(guidedOut, i, x, noise, backend, out);
                peakActivationBytes = Math.max(peakActivationBytes, step.peakBytes());
                step.releaseAll();
                listener.stepDone(new StepProgress(i + 1, steps, System.nanoTime() - start));
            }
            decoder.decode(x, hostSink, backend, step);
            peakActivationBytes = Math.max(peakActivationBytes, step.peakBytes());
            return x;
        }
    }

    private Tensor emptyIfNull(Tensor negative, Workspace ws) {
        return negative != null ? Transfers.upload(negative, backend.memory(), ws) : ws.allocate(DType.F32, 0, model.config().textDim());
    }
}
