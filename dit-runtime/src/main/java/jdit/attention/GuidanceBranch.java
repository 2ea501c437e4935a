package jdit.attention;

/** Which classifier-free guidance branch a forward computes; {@code BATCHED} when both run in one batch. */
public enum GuidanceBranch {
    CONDITIONAL, UNCONDITIONAL, BATCHED, UNGUIDED
}
