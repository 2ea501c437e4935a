/** Sliding tile attention: a fixed window of 8x8-patch tiles around each query tile, in latent frames and tiles. */
package jdit.sparse.sta;
