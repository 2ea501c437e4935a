package jdit.attention;

/**
 * A named attention method, found through {@link java.util.ServiceLoader}: selected on the command line as
 * {@code name} or {@code name:parameters}, it creates a fresh method per generation.
 */
public interface AttentionMethodProvider {
    /** The stable kebab-case name, for example {@code dense}. */
    String name();

    /** One line for {@code --help} and reports: what it does and its parameters' syntax and defaults. */
    String summary();

    /**
     * A method configured by {@code parameters} (the text after the colon, empty when none was given); an
     * {@link IllegalArgumentException} naming the bad parameter otherwise.
     */
    AttentionMethod create(String parameters);
}
