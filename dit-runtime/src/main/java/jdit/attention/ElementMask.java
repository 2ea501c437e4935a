package jdit.attention;

/**
 * Which (query, key) pairs inside a PARTIAL block take part: indices are sequence positions in the order the kernel
 * sees the tokens (after any permutation). Band edges, text boundaries and ragged sequences are expressed this way.
 */
@FunctionalInterface
public interface ElementMask {
    /** Every pair. */
    ElementMask ALL = (q, k) -> true;

    boolean allowed(int query, int key);
}
