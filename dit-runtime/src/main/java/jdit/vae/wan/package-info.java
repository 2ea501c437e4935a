/**
 * The Wan2.1 video VAE (official {@code WanVAE}, diffusers {@code AutoencoderKLWan}): causal 3-D convolutions,
 * decoded one latent frame at a time with a cache of the last frames per convolution, so that memory does not grow
 * with the video's length.
 */
package jdit.vae.wan;
