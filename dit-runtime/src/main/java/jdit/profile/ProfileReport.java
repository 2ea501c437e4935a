package jdit.profile;

import java.util.List;

/**
 * What {@code jdit profile} measured, every rate against the FMA ceiling measured at the start of the same run and
 * every method against the dense run of the same model, seed and steps. Fractions are of that ceiling; seconds are
 * wall time; GFLOP count multiply-adds as two (gemm, attention at its plan's density, conv).
 */
public record ProfileReport(Machine machine, Setup setup, List<MethodProfile> methods) {
    /** Threads, the measured fp32 FMA ceiling and the gemm kernel in use. */
    public record Machine(int threads, double fmaGflops, String gemmKernel, String java) {
    }

    /**
     * The model and run: token grid of the self-attention (frames x height x width in patches), steps and sampler,
     * the seed, and what the fidelity figures compare ({@code "decoded frames"} or {@code "latents"}).
     */
    public record Setup(String model, String grid, long tokens, int layers, int heads, int steps, String sampler, long seed,
                        List<Long> latentShape, long weightBytes, String fidelityOf) {
    }

    /**
     * One method's run. {@code speedup} is the dense run's seconds over this one's, {@code attentionSpeedup} the same
     * for the attention kernel's time alone; {@code planShare} is plan building over plan building plus the kernel.
     * PSNR is null when the result is identical to the dense one (so for the dense run itself, whose SSIM is 1).
     */
    public record MethodProfile(String spec, String description, double seconds, double secondsPerStep, double fractionOfCeiling,
                                double speedup, double attentionSeconds, double attentionSpeedup, double planSeconds,
                                double planShare, double meanDensity, long negligibleTiles, Double psnr, Double ssim,
                                boolean identicalToDense, double decodeSeconds, long peakActivationBytes,
                                List<StepProfile> steps, List<LayerProfile> layers, List<OpProfile> ops,
                                double[][][] density) {
    }

    /** One denoising step: its time, work, rate, mean attention density and plan-building time. */
    public record StepProfile(int step, double timestep, double seconds, double gflop, double fractionOfCeiling, double density,
                              double planSeconds) {
    }

    /** One transformer block over all steps ({@code -1}: embeddings, final layer and sampler, outside the blocks). */
    public record LayerProfile(int layer, double seconds, double gflop, double fractionOfCeiling) {
    }

    /** One op kind over all steps; "plan building" and "other" (glue outside backend ops) complete the wall time. */
    public record OpProfile(String op, long calls, double seconds, double gflop, double fractionOfCeiling) {
    }

    /** The dense run, the first method. */
    public MethodProfile dense() {
        return methods.getFirst();
    }
}
