/**
 * The sparse attention methods (Sparse VideoGen, NABLA with sliding tiles, LiteAttention, FlexDiT token density):
 * they produce block-sparse plans that the runtime's one attention kernel runs. Empty until the sparse milestone
 * (issue 6); the module exists so that the dependency direction {@code sparse -> dit-runtime} is fixed from the
 * start.
 */
package jdit.sparse;
