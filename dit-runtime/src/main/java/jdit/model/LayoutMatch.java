package jdit.model;

/**
 * A recognised layout and, for people, the evidence and main dimensions read off the tensor shapes
 * (for example "28 blocks, hidden 1152, patch 2, 4 input channels").
 */
public record LayoutMatch(KnownLayout layout, String details) {
}
