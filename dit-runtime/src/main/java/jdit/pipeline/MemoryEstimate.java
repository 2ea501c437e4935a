package jdit.pipeline;

import jdit.model.wan.WanConfig;

/**
 * What a Wan2.1 video needs in memory, estimated before anything is allocated, so that a size that cannot fit fails
 * in one line instead of minutes later. Calibrated on this runtime's measured peaks: a transformer forward holds at
 * most about {@code T · (6·D + F)} floats of activations (T tokens, D the width, F the feed-forward width; measured:
 * 61.6 KiB per token for the 1.3B model, {@code jdit profile}'s 104 MiB peak at 1,728 tokens, against 71 KiB estimated), and the Wan VAE's streaming decode about 17.7 KiB
 * per output pixel whatever the frame count (6.6 GiB at 832x480). Passes of the guidance run one after the other, so
 * they share the peak.
 */
public record MemoryEstimate(long weightBytes, long transformerActivationBytes, long decoderActivationBytes) {
    private static final double VAE_BYTES_PER_PIXEL = 6.6 * (1L << 30) / (832.0 * 480.0);

    /** The estimate for {@code frames} frames of width x height, with the given weight bytes (transformer and VAE). */
    public static MemoryEstimate wan(WanConfig c, long weightBytes, int frames, int width, int height) {
        long latentFrames = (frames - 1) / 4 + 1;
        long tokens = latentFrames * (height / 8 / c.patchH()) * (width / 8 / c.patchW());
        long transformer = tokens * (6L * c.dim() + c.ffnDim()) * 4;
        long decoder = (long) (VAE_BYTES_PER_PIXEL * width * height);
        return new MemoryEstimate(weightBytes, transformer, decoder);
    }

    /** Weights plus the larger of the two activation peaks (the transformer's are released before the decode). */
    public long totalBytes() {
        return weightBytes + Math.max(transformerActivationBytes, decoderActivationBytes);
    }

    /** One line: total, and its parts, in GiB. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "about %.1f GiB (weights %.1f, transformer activations %.1f, VAE decode %.1f)",
                gib(totalBytes()), gib(weightBytes), gib(transformerActivationBytes), gib(decoderActivationBytes));
    }

    private static double gib(long b) {
        return b / (double) (1L << 30);
    }
}
