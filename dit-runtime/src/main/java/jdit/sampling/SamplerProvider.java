package jdit.sampling;

/** A named sampler, found through {@link java.util.ServiceLoader}; creates a fresh sampler per generation. */
public interface SamplerProvider {
    /** The stable kebab-case name the CLI uses, for example {@code euler-a}. */
    String name();

    Sampler create(SamplerConfig config);
}
