package jdit.density;

/**
 * A named token-density method, found through {@link java.util.ServiceLoader}: selected on the command line as
 * {@code name} or {@code name:parameters}.
 */
public interface TokenDensityProvider {
    /** The stable name, for example {@code flex}. */
    String name();

    /** One line for {@code --help} and reports: what it does and its parameters' syntax and defaults. */
    String summary();

    /** A method configured by {@code parameters} (empty when none were given); an exception naming a bad parameter. */
    TokenDensity create(String parameters);
}
