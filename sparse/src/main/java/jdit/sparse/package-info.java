/**
 * The sparse attention methods: they produce block-sparse plans (and, for NABLA and STA, a token order for the
 * whole forward) that the runtime's one attention kernel runs, and are found by name through
 * {@link jdit.attention.AttentionMethodProvider}: {@code nabla[:thr=0.7][,sta=FxHxW]} and {@code sta:FxHxW[,warmup=12]}
 * so far; Sparse VideoGen, LiteAttention and FlexDiT token density follow.
 */
package jdit.sparse;
