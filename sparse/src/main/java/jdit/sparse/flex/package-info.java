/**
 * FlexDiT's idea without its training: middle blocks of any DiT or Wan2.1 model run on pooled tokens during the early,
 * high-noise steps, when the sample is coarse, and on every token later, when fine detail forms.
 */
package jdit.sparse.flex;
