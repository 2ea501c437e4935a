package jdit.sampling;

import java.util.List;
import java.util.ServiceLoader;

/** Finds samplers by name among the providers on the class path. */
public final class Samplers {
    private Samplers() {
    }

    public static List<SamplerProvider> all() {
        return ServiceLoader.load(SamplerProvider.class).stream().map(ServiceLoader.Provider::get).toList();
    }

    /** The provider named {@code name}; an unknown name is an error listing the known ones. */
    public static SamplerProvider byName(String name) {
        List<SamplerProvider> all = all();
        return all.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown sampler '" + name + "'; known: " + all.stream().map(SamplerProvider::name).sorted().toList()));
    }
}
