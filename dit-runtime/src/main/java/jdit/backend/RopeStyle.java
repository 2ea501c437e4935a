package jdit.backend;

/** Which elements of a head vector form the rotated pairs. */
public enum RopeStyle {
    /** Pairs {@code (x[2j], x[2j+1])}: Wan2.1 (complex view of consecutive values) and the original Llama. */
    INTERLEAVED,
    /** Pairs {@code (x[j], x[j + D/2])}: GPT-NeoX style. */
    HALF
}
