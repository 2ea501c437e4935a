/**
 * The sampler extension point: {@link jdit.sampling.Sampler}, {@link jdit.sampling.SamplerProvider} (found by
 * name through ServiceLoader), the seeded {@link jdit.sampling.CounterNoise} and the injectable
 * {@link jdit.sampling.NoiseSource}. Implementations live in the {@code samplers} module.
 */
package jdit.sampling;
