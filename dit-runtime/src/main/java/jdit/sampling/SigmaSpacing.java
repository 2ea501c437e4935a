package jdit.sampling;

/** How the k-diffusion style samplers (euler, euler-a, dpmpp-2m, unipc) place their sigmas. */
public enum SigmaSpacing {
    /** diffusers' default timestep grid, with sigmas interpolated at it. */
    DEFAULT,
    /** Karras et al. (2022): {@code σ_i = (σmax^(1/7) + i/(N-1)·(σmin^(1/7) - σmax^(1/7)))^7}, timesteps read back by log-sigma interpolation. */
    KARRAS
}
