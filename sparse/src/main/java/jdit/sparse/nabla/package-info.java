/** NABLA: blocks chosen per head by the cumulative mass of a pooled attention map, optionally united with STA. */
package jdit.sparse.nabla;
