/**
 * Token density: the extension point through which a method (FlexDiT's training-free schedule in {@code sparse/})
 * has a model run some of its blocks on fewer tokens at some steps. A model asks its {@link TokenDensity} once per
 * forward for a {@link PoolSpan}; blocks inside the span run on the pooled grid, and their change is merged back
 * into the dense stream at the span's end.
 */
package jdit.density;
