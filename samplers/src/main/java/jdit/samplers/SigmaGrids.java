package jdit.samplers;

import jdit.sampling.SamplerConfig;
import jdit.sampling.SigmaSpacing;

/** The timestep and sigma grids of the multistep solvers, as their reference implementations build them. */
final class SigmaGrids {
    private SigmaGrids() {
    }

    /** A grid: {@code steps} timesteps and {@code steps + 1} sigmas ending in 0. */
    record Grid(double[] timesteps, double[] sigmas) {
    }

    /**
     * diffusers' linspace spacing on VP sigmas: {@code round(linspace(0, T-1, N+1))} reversed without the last; or
     * Karras sigmas between the training extremes with rounded timesteps read back from them.
     */
    static Grid linspaceVp(SamplerConfig c) {
        double[] all = AlphaSchedule.of(c).sigmas();
        if (c.sigmaSpacing() == SigmaSpacing.KARRAS) {
            double[] k = AlphaSchedule.karras(all[0], all[all.length - 1], c.steps());
            double[] t = new double[c.steps()];
            for (int i = 0; i < t.length; i++) {
                t[i] = Math.round(AlphaSchedule.sigmaToT(k[i], all));
            }
            return new Grid(t, java.util.Arrays.copyOf(k, c.steps() + 1));
        }
        double[] grid = AlphaSchedule.linspace(0, c.trainSteps() - 1, c.steps() + 1);
        double[] t = new double[c.steps()];
        double[] s = new double[c.steps() + 1];
        for (int i = 0; i < c.steps(); i++) {
            t[i] = Math.round(grid[c.steps() - i]);
            s[i] = AlphaSchedule.interp(all, t[i]);
        }
        return new Grid(t, s);
    }

    /**
     * Flow sigmas for UniPC (Wan's own scheduler and diffusers' {@code use_flow_sigmas}, which agree):
     * {@code σ = shift(linspace(1 - 1/T, 0, N+1)[:-1])}; timesteps {@code σ·T} truncated to integers.
     */
    static Grid flowUniPc(SamplerConfig c) {
        double[] lin = AlphaSchedule.linspace(1 - 1.0 / c.trainSteps(), 0, c.steps() + 1);
        return flow(c, lin);
    }

    /** Wan's flow DPM-Solver++ sigmas: {@code shift(linspace(1, 0, N+1)[:N])}, so it starts at σ = 1. */
    static Grid flowDpm(SamplerConfig c) {
        return flow(c, AlphaSchedule.linspace(1, 0, c.steps() + 1));
    }

    private static Grid flow(SamplerConfig c, double[] lin) {
        double[] t = new double[c.steps()];
        double[] s = new double[c.steps() + 1];
        for (int i = 0; i < c.steps(); i++) {
            s[i] = FlowEulerSampler.shift(c.shift(), lin[i]);
            t[i] = Math.floor(s[i] * c.trainSteps());
        }
        return new Grid(t, s);
    }
}
