package jdit.vae.wan;

import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import jdit.backend.Backend;
import jdit.io.SeededWeights;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * Measures a streaming decode without a download: seeded random weights of the config's real shapes and seeded
 * random latents, frames discarded as they come. What it reports is the activation workspace's peak, which the
 * chunked decode keeps independent of the number of latent frames (the weights and the backend's own scratch, such
 * as the CPU convolution's im2col columns, are not in it).
 */
public final class WanVaeMemoryProbe {
    private WanVaeMemoryProbe() {
    }

    /**
     * One decode's figures.
     *
     * @param peakBytes   most activation bytes live at once in the decode's workspace
     * @param weightBytes F32 decoder parameters
     * @param videoFrames frames decoded
     * @param seconds     wall time of the decode (weights converted on the way included)
     */
    public record Measurement(long peakBytes, long weightBytes, int videoFrames, double seconds) {
    }

    /** The workspace peak of decoding {@code latentFrames} latent frames of h x w cells with seeded random weights. */
    public static long peakBytes(WanVaeConfig config, int latentFrames, int h, int w, Backend be) {
        return measure(config, latentFrames, h, w, be).peakBytes();
    }

    /** The same decode with its weight bytes, frame count and time. */
    public static Measurement measure(WanVaeConfig config, int latentFrames, int h, int w, Backend be) {
        try (Arena arena = Arena.ofShared(); Workspace ws = new Workspace();
             SeededWeights weights = new SeededWeights(WanVaeParameters.decoderLayout(config), 1);
             WanVae vae = new WanVae(weights, config)) {
            Tensor z = Tensor.allocate(arena, DType.F32, 1, config.zDim(), latentFrames, h, w);
            SplittableRandom random = new SplittableRandom(7);
            for (long i = 0; i < z.numel(); i++) {
                z.setDoubleAt(i, gaussian(random));
            }
            int[] frames = {0};
            long start = System.nanoTime();
            vae.decode(z, (chunk, first) -> frames[0] = first + (int) chunk.dim(2), be, ws);
            be.memory().synchronize();
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Measurement(ws.peakBytes(), vae.weightBytes(), frames[0], seconds);
        }
    }

    /** A standard normal draw (Box-Muller), so the latents look like the sampler's. */
    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
