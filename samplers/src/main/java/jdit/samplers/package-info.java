/**
 * Noise schedules and samplers (DDPM, DDIM, Euler, Euler-a, DPM-Solver++ 2M, UniPC, flow-matching Euler / UniPC /
 * DPM++) and guidance variants, found by name through the runtime's sampler SPI. Empty until the samplers
 * milestone (issue 3); the module exists so that the dependency direction {@code samplers -> dit-runtime} is
 * fixed from the start.
 */
package jdit.samplers;
