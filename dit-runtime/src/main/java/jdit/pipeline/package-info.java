/**
 * Generation pipelines: one generation from seed to decoded pixels, with progress callbacks and cancellation
 * between steps. {@link jdit.pipeline.ClassImagePipeline} is DiT + SD VAE.
 */
package jdit.pipeline;
