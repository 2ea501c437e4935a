/**
 * The DiT family (facebookresearch/DiT): config, the two published key layouts, weights, embeddings, blocks and the
 * forward, checked against the official model's intermediates in the golden fixtures.
 */
package jdit.model.dit;
