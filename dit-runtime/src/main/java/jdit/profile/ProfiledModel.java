package jdit.profile;

import java.util.Optional;
import jdit.attention.AttentionStep;
import jdit.attention.TokenGrid;
import jdit.backend.Backend;
import jdit.pipeline.VideoDecoder;
import jdit.sampling.Sampler;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;

/**
 * A model the profiler denoises with: its latent's shape, its family's sampler, one prediction per step with a fixed
 * conditioning (a class label, or seeded random text embeddings), and optionally a decoder for the final latent.
 * One unguided forward per step: guidance doubles the forwards and every time, not the ratios the profiler reports.
 */
public interface ProfiledModel extends AutoCloseable {
    /** What was loaded, for the report: name, blocks, weights. */
    String description();

    /** The latent the sampler starts from, with its batch axis. */
    long[] latentShape();

    /** The self-attention token grid of the largest attention (the full video grid, or one frame's for Latte). */
    TokenGrid grid();

    int layers();

    int heads();

    int headDim();

    /** The family's default sampler for {@code steps} steps. */
    Sampler sampler(int steps);

    /** Parameter bytes held. */
    long weightBytes();

    /** Work done once before any timing (embedding the text); {@code ws} lives as long as the profile. */
    /** Whether the model's forward honours the step's token density (DiT and Wan2.1 do, Latte does not). */
    default boolean supportsDensity() {
        return true;
    }

    default void prepare(Backend be, Workspace ws) {
    }

    /** What the sampler takes at step {@code i} for the (input-scaled) latent x; from {@code ws}. */
    Tensor predict(Tensor x, double timestep, AttentionStep step, Backend be, Workspace ws);

    /** The decoder for the final latent, when one was given. */
    default Optional<VideoDecoder> decoder() {
        return Optional.empty();
    }

    @Override
    void close();
}
