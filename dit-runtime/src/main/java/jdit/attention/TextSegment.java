package jdit.attention;

/**
 * Where text tokens sit in a self-attention sequence that mixes text and video (CogVideoX puts them before the video,
 * HunyuanVideo after it): {@code length} slots of which the first {@code valid} hold the prompt and the rest padding.
 * Wan2.1, DiT and Latte keep text out of self-attention ({@link #NONE}).
 */
public record TextSegment(Position position, int length, int valid) {
    /** Text before or after the video tokens, or none in the sequence. */
    public enum Position { NONE, PREFIX, SUFFIX }

    public static final TextSegment NONE = new TextSegment(Position.NONE, 0, 0);

    public TextSegment {
        if (length < 0 || valid < 0 || valid > length || (position == Position.NONE) != (length == 0)) {
            throw new IllegalArgumentException("invalid text segment: " + position + ", " + valid + " of " + length + " slots");
        }
    }

    /** Index of the first video token in the sequence. */
    public int videoStart() {
        return position == Position.PREFIX ? length : 0;
    }
}
