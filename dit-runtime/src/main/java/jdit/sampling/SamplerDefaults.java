package jdit.sampling;

/**
 * A model family's documented sampling defaults: the sampler name and config, and the guidance, as the official
 * code generates with them.
 */
public record SamplerDefaults(String sampler, SamplerConfig config, GuidanceKind guidance, float guidanceScale) {
    /** Which guidance rule a family uses. */
    public enum GuidanceKind { CLASSIFIER_FREE, DIT_THREE_CHANNELS, CFG_ZERO_STAR }

    /** DiT (facebookresearch/DiT {@code sample.py}): DDPM with learned-range variance, 250 respaced steps, CFG 4 on 3 channels. */
    public static SamplerDefaults dit() {
        return new SamplerDefaults("ddpm", new SamplerConfig(1000, BetaSchedule.LINEAR, 1e-4, 0.02, 250, 1, 0, true, SigmaSpacing.DEFAULT),
                GuidanceKind.DIT_THREE_CHANNELS, 4f);
    }

    /** Wan2.1 T2V ({@code generate.py}): flow UniPC, 50 steps, shift 5, guidance 5. */
    public static SamplerDefaults wan21() {
        return new SamplerDefaults("flow-unipc", SamplerConfig.linear(50).withShift(5), GuidanceKind.CLASSIFIER_FREE, 5f);
    }
}
