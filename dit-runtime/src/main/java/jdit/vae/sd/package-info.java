/** The Stable Diffusion VAE (diffusers AutoencoderKL) that DiT decodes its latents with. */
package jdit.vae.sd;
