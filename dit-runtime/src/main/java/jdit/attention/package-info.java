/**
 * The attention extension point: {@link jdit.attention.AttentionMethod} turns an
 * {@link jdit.attention.AttentionContext} into an {@link jdit.attention.AttentionPlan}, which the backend's attention
 * kernel runs. The runtime knows only dense attention; methods are found by name through
 * {@link jdit.attention.AttentionMethodProvider} and {@link java.util.ServiceLoader}.
 */
package jdit.attention;
