/**
 * Noise schedules, respacing and samplers (DDPM and DiT's own respaced DDPM/DDIM, DDIM, Euler, Euler-a,
 * DPM-Solver++ 2M, UniPC, flow-matching Euler / UniPC / DPM++), found by name through the runtime's sampler SPI
 * ({@link jdit.samplers.Providers}); each replays its reference trajectory from the golden fixtures.
 */
package jdit.samplers;
