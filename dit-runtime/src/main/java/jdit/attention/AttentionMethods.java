package jdit.attention;

import java.util.List;
import java.util.ServiceLoader;

/** Finds attention methods by name among the providers on the class path. */
public final class AttentionMethods {
    private AttentionMethods() {
    }

    public static List<AttentionMethodProvider> all() {
        return ServiceLoader.load(AttentionMethodProvider.class).stream().map(ServiceLoader.Provider::get).toList();
    }

    /**
     * A fresh method for {@code spec}: {@code name}, {@code name:parameters}, or several joined by {@code +}
     * ({@code nabla:thr=0.7+lite:thr=-6}: the tiles all of them keep). Unknown names list the known ones.
     */
    public static AttentionMethod create(String spec) {
        if (spec.contains("+")) {
            List<AttentionMethod> parts = new java.util.ArrayList<>();
            for (String part : spec.split("\\+")) {
                parts.add(createOne(part.trim()));
            }
            return new IntersectedMethods(parts);
        }
        return createOne(spec);
    }

    private static AttentionMethod createOne(String spec) {
        int colon = spec.indexOf(':');
        String name = colon < 0 ? spec : spec.substring(0, colon);
        String parameters = colon < 0 ? "" : spec.substring(colon + 1);
        List<AttentionMethodProvider> all = all();
        return all.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown attention method '" + name + "'; known: "
                        + all.stream().map(AttentionMethodProvider::name).sorted().toList()))
                .create(parameters);
    }
}
