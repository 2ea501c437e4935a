package jdit.density;

import java.util.List;
import java.util.ServiceLoader;

/** Finds token-density methods by name: {@code dense} (built in) and the providers on the class path. */
public final class TokenDensities {
    private TokenDensities() {
    }

    public static List<TokenDensityProvider> all() {
        return ServiceLoader.load(TokenDensityProvider.class).stream().map(ServiceLoader.Provider::get).toList();
    }

    /** The method {@code spec} names ({@code name} or {@code name:parameters}); unknown names list the known ones. */
    public static TokenDensity create(String spec) {
        String s = spec.trim();
        if (s.equals("dense")) {
            return TokenDensity.DENSE;
        }
        int colon = s.indexOf(':');
        String name = colon < 0 ? s : s.substring(0, colon);
        String parameters = colon < 0 ? "" : s.substring(colon + 1);
        List<TokenDensityProvider> all = all();
        return all.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown token-density method '" + name + "'; known: "
                        + java.util.stream.Stream.concat(java.util.stream.Stream.of("dense"),
                                all.stream().map(TokenDensityProvider::name)).sorted().toList()))
                .create(parameters);
    }
}
