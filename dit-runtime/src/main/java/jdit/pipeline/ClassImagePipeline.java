package jdit.pipeline;

import jdit.attention.AttentionStep;
import jdit.attention.GuidanceBranch;
import jdit.backend.Backend;
import jdit.model.dit.ClassImageModel;
import jdit.sampling.NoiseSource;
import jdit.sampling.Sampler;
import jdit.sampling.UploadedNoise;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import jdit.vae.sd.SdVae;

/**
 * Class-conditional image generation with a DiT (or SparseDiT) and the SD VAE: noise -> sampler loop with the conditional and
 * unconditional (null class) branches batched into one forward -> guidance -> VAE decode. The step workspace is
 * reused across steps, so memory stays at one forward's worth.
 */
public final class ClassImagePipeline {
    private final ClassImageModel dit;
    private final SdVae vae;
    private final Backend backend;
    private long peakActivationBytes;

    public ClassImagePipeline(ClassImageModel dit, SdVae vae, Backend backend) {
        if (dit.ditConfig().inChannels() != vae.config().latentChannels()) {
            throw new IllegalArgumentException("the DiT takes " + dit.ditConfig().inChannels() + " latent channels, the VAE "
                    + "makes " + vae.config().latentChannels());
        }
        this.dit = dit;
        this.vae = vae;
        this.backend = backend;
    }

    /** Image side in pixels: the DiT's latent side times the VAE's downscale. */
    public int imageSize() {
        return dit.ditConfig().inputSize() * vae.config().downscale();
    }

    /** The largest activation memory a generation held at once so far (weights not included). */
    public long peakActivationBytes() {
        return peakActivationBytes;
    }

    /** Images [B, 3, H, W] in about [-1, 1], B = number of classes, from {@code out}. */
    public Tensor generate(ImageJob job, GenerationListener listener, Workspace out) {
        long[] classes = job.classes();
        int b = classes.length;
        int c = dit.ditConfig().inChannels();
        int side = dit.ditConfig().inputSize();
        Sampler sampler = job.sampler();
        int steps = sampler.timesteps().length;
        boolean guided = job.guidance() != null;
        long[] labels = guided ? new long[2 * b] : classes;
        if (guided) {
            System.arraycopy(classes, 0, labels, 0, b);
            java.util.Arrays.fill(labels, b, 2 * b, dit.ditConfig().numClasses()); // the null class
        }
        job.attention().reset();
        NoiseSource noise = new UploadedNoise(job.noise(), backend.memory());
        try (Workspace step = backend.memory().workspace()) {
            Tensor x = out.allocate(DType.F32, b, c, side, side);
            noise.next(x);
            backend.pointwise().scaleAdd(x, (float) sampler.initNoiseSigma(), x, 0f, x);
            Tensor input = out.allocate(DType.F32, labels.length, c, side, side);
            Tensor guidedOut = out.allocate(DType.F32, b, dit.ditConfig().outChannels(), side, side);
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                if (listener.cancelled()) {
                    throw new GenerationCancelledException(i, steps);
                }
                double t = sampler.timesteps()[i];
                float scale = (float) sampler.inputScale(i);
                backend.pointwise().scaleAdd(x, scale, x, 0f, input.narrow(0, 0, b));
                if (guided) {
                    backend.memory().copy(input.narrow(0, 0, b), input.narrow(0, b, b));
                }
                double[] ts = new double[labels.length];
                java.util.Arrays.fill(ts, t);
                AttentionStep as = new AttentionStep(job.attention(), i, steps, t,
                        guided ? GuidanceBranch.BATCHED : GuidanceBranch.UNGUIDED).withDensity(job.density());
                Tensor modelOut = dit.forward(input, ts, labels, as, backend, step);
                if (guided) {
                    job.guidance().combine(modelOut.narrow(0, 0, b), modelOut.narrow(0, b, b), i, guidedOut, backend, step);
                } else {
                    backend.memory().copy(modelOut, guidedOut);
                }
                Tensor forSampler = job.samplerTakesVariance() ? guidedOut : guidedOut.narrow(1, 0, c).contiguous(step);
                Tensor clean = Previews.cleanEstimate(listener, sampler, i, x, guidedOut, backend.pointwise(), step);
                if (clean != null) {
                    listener.preview(i + 1, HostFrames.download(vae.decode(clean, backend, step), backend.memory()));
                }
                sampler.step(forSampler, i, x, noise, backend, out);
                peakActivationBytes = Math.max(peakActivationBytes, step.peakBytes());
                step.releaseAll();
                listener.stepDone(new StepProgress(i + 1, steps, System.nanoTime() - start));
            }
            Tensor decoded = vae.decode(x, backend, step);
            Tensor images = out.allocate(DType.F32, decoded.shape());
            backend.memory().copy(decoded, images);
            peakActivationBytes = Math.max(peakActivationBytes, step.peakBytes());
            return images;
        }
    }
}
