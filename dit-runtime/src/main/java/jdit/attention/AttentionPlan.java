package jdit.attention;

/**
 * What the attention kernel computes for one layer. Only the dense plan exists so far; block-sparse plans (per-head
 * active key blocks, token permutations, skip state) are added beside it, and a backend that meets a plan it does
 * not know fails loudly rather than computing something else.
 */
public sealed interface AttentionPlan permits AttentionPlan.Dense {
    /** Every query attends to every key. */
    AttentionPlan DENSE = new Dense();

    /** Fraction of the query-key pairs computed, 1 for dense. */
    double density();

    /** The all-pairs plan. */
    record Dense() implements AttentionPlan {
        @Override
        public double density() {
            return 1;
        }
    }
}
