/** LiteAttention: skip lists per layer, head and query tile, decided in the kernel against the running maximum. */
package jdit.sparse.lite;
