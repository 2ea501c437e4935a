package jdit.sampling;

import jdit.tensor.Tensor;

/** Standard normal draws for initial latents and stochastic steps; injectable so tests can replay recorded noise. */
public interface NoiseSource {
    /** Fills {@code out} with the next draw of independent N(0, 1) values. */
    void next(Tensor out);
}
