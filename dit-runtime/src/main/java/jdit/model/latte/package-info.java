/**
 * The Latte video DiT (Vchitect/Latte, original layout): config, parameter list and the forward over
 * [B, F, C, H, W] latents, built on the DiT blocks of {@link jdit.model.dit} and checked against the official
 * model's outputs in the golden fixtures.
 */
package jdit.model.latte;
