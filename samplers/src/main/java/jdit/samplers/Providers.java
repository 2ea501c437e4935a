package jdit.samplers;

import jdit.sampling.Sampler;
import jdit.sampling.SamplerConfig;
import jdit.sampling.SamplerProvider;

/** The ServiceLoader entries, one small class per user-facing name. */
public final class Providers {
    private Providers() {
    }

    /**
     * {@code ddpm}: diffusers' DDPM (leading spacing, fixed_small); with {@code learnedVariance}, DiT's own DDPM over
     * the IDDPM-respaced process with the learned-range variance.
     */
    public static final class Ddpm implements SamplerProvider {
        @Override
        public String name() {
            return "ddpm";
        }

        @Override
        public Sampler create(SamplerConfig c) {
            if (c.learnedVariance()) {
                double[] betas = c.schedule().betas(c.trainSteps(), c.betaStart(), c.betaEnd());
                return new IddpmSampler(Respacing.of(betas, Integer.toString(c.steps())), IddpmSampler.Variance.LEARNED_RANGE);
            }
            return new DdpmSampler(c);
        }
    }

    /**
     * {@code ddim}: diffusers' DDIM with the config's eta; with {@code learnedVariance} (a DiT-style model), DiT's
     * own eta-0 DDIM over the IDDPM-respaced process.
     */
    public static final class Ddim implements SamplerProvider {
        @Override
        public String name() {
            return "ddim";
        }

        @Override
        public Sampler create(SamplerConfig c) {
            if (c.learnedVariance()) {
                double[] betas = c.schedule().betas(c.trainSteps(), c.betaStart(), c.betaEnd());
                return new RespacedDdimSampler(Respacing.of(betas, Integer.toString(c.steps())));
            }
            return new DdimSampler(c);
        }
    }

    /** {@code euler}: Euler on k-diffusion sigmas. */
    public static final class Euler implements SamplerProvider {
        @Override
        public String name() {
            return "euler";
        }

        @Override
        public Sampler create(SamplerConfig c) {
            return new EulerSampler(c, false);
        }
    }

    /** {@code euler-a}: Euler ancestral. */
    public static final class EulerAncestral implements SamplerProvider {
        @Override
        public String name() {
            return "euler-a";
        }

        @Override
        public Sampler create(SamplerConfig c) {
            return new EulerSampler(c, true);
        }
    }

    /** {@code flow-euler}: flow-matching Euler with the config's shift. */
    public static final class FlowEuler implements SamplerProvider {
        @Override
        public String name() {
            return "flow-euler";
        }

        @Override
        public Sampler create(SamplerConfig c) {
            return new FlowEulerSampler(c);
        }
    }

    /** {@code dpmpp-2m}: DPM-Solver++ 2M. */
    public static final class DpmPp2m implements SamplerProvider {
        @Override
        public String name() {
            return "dpmpp-2m";
        }

        @Override
        public Sampler create(SamplerConfig c) {
            return new DpmPp2mSampler(SigmaGrids.linspaceVp(c), Parameterization.EPSILON);
        }
    }

    /** {@code flow-dpmpp}: Wan2.1's flow DPM-Solver++ (sigmas from 1, shifted). */
    public static final class FlowDpmPp implements SamplerProvider {
        @Override
        public String name() {
            return "flow-dpmpp";
        }

        @Override
        public Sampler create(SamplerConfig c) {
            return new DpmPp2mSampler(SigmaGrids.flowDpm(c), Parameterization.FLOW);
        }
    }

    /** {@code unipc}: UniPC bh2 on VP sigmas with an epsilon model. */
    public static final class UniPc implements SamplerProvider {
        @Override
        public String name() {
            return "unipc";
        }

        @Override
        public Sampler create(SamplerConfig c) {
            return new UniPcSampler(SigmaGrids.linspaceVp(c), Parameterization.EPSILON);
        }
    }

    /** {@code flow-unipc}: UniPC on shifted flow sigmas (Wan2.1's default, and diffusers' use_flow_sigmas). */
    public static final class FlowUniPc implements SamplerProvider {
        @Override
        public String name() {
            return "flow-unipc";
        }

        @Override
        public Sampler create(SamplerConfig c) {
            return new UniPcSampler(SigmaGrids.flowUniPc(c), Parameterization.FLOW);
        }
    }
}
