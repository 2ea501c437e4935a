/**
 * The library API for applications: load a model once ({@link jdit.api.DiffusionModel}), then describe generations
 * fluently ({@link jdit.api.GenerationRequest}) and run them ({@link jdit.api.Generation}), with progress, cancellation
 * from another thread, frames in memory and, on request, the per-op profile.
 */
package jdit.api;
