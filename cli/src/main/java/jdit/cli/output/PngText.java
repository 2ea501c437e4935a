package jdit.cli.output;

import java.nio.charset.StandardCharsets;

/**
 * One PNG {@code tEXt} chunk: a keyword of 1 to 79 printable Latin-1 characters (no leading, trailing or double
 * spaces, as the PNG specification requires) and Latin-1 text.
 */
public record PngText(String keyword, String text) {
    public PngText {
        boolean ok = !keyword.isEmpty() && keyword.length() <= 79 && !keyword.startsWith(" ") && !keyword.endsWith(" ")
                && !keyword.contains("  ") && keyword.chars().allMatch(c -> c >= 32 && c <= 255 && !(c >= 127 && c < 161));
        if (!ok) {
            throw new IllegalArgumentException("invalid PNG text keyword '" + keyword + "'");
        }
        if (!StandardCharsets.ISO_8859_1.newEncoder().canEncode(text) || text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("PNG text for '" + keyword + "' must be Latin-1 without NUL: " + text);
        }
    }
}
