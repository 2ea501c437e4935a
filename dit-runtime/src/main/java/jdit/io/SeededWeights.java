package jdit.io;

import com.google.gson.JsonObject;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jdit.tensor.DType;
import jdit.tensor.Shape;
import jdit.tensor.Tensor;

/**
 * A checkpoint of seeded random F32 weights with the names and shapes of a real one, so that throughput can be
 * measured without a download. Values are uniform in [-a, a] with a = sqrt(3)·0.02 (standard deviation 0.02, DiT's
 * and most transformers' init scale); element i of tensor n is a pure function of (seed, n, i). Each tensor is made
 * when asked for and not kept.
 */
public final class SeededWeights implements WeightStore {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private final Map<String, Shape> shapes;
    private final long seed;
    private final List<TensorEntry> entries = new ArrayList<>();

    public SeededWeights(Map<String, Shape> shapes, long seed) {
        this.shapes = new LinkedHashMap<>(shapes);
        this.seed = seed;
        for (Map.Entry<String, Shape> e : this.shapes.entrySet()) {
            entries.add(new TensorEntry(e.getKey(), StoredDType.F32, e.getValue(), e.getValue().numel() * 4, source()));
        }
    }

    /**
     * Writes seeded weights of {@code shapes} as a safetensors file with {@code metadata}: the project's fixtures for
     * layouts whose published weights cannot be downloaded here (tiny Wan2.1 variants, SparseDiT).
     */
    public static void write(Path file, Map<String, Shape> shapes, long seed, Map<String, String> metadata)
            throws java.io.IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (SeededWeights w = new SeededWeights(shapes, seed)) {
            w.entries().forEach(e -> tensors.put(e.name(), w.tensor(e.name())));
        }
        jdit.io.safetensors.SafetensorsWriter.write(file, tensors, metadata);
    }

    @Override
    public Path source() {
        return Path.of("seeded-random-" + seed);
    }

    @Override
    public CheckpointFormat format() {
        return CheckpointFormat.SEEDED_RANDOM;
    }

    @Override
    public List<TensorEntry> entries() {
        return List.copyOf(entries);
    }

    @Override
    public Tensor tensor(String name) {
        Shape shape = shapes.get(name);
        if (shape == null) {
            throw new CheckpointException(source(), "no tensor '" + name + "'");
        }
        MemorySegment seg = Arena.ofAuto().allocate(shape.numel() * 4, 64);
        long stream = mix(seed ^ name.hashCode() * 0x9e3779b97f4a7c15L);
        double a = Math.sqrt(3) * 0.02;
        for (long i = 0; i < shape.numel(); i++) {
            double u = (mix(stream + i) >>> 11) * 0x1.0p-53; // [0, 1)
            seg.setAtIndex(F32, i, (float) ((2 * u - 1) * a));
        }
        return Tensor.of(seg, DType.F32, shape);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    @Override
    public Map<String, String> metadata() {
        return Map.of();
    }

    @Override
    public Optional<JsonObject> config() {
        return Optional.empty();
    }

    @Override
    public void close() {
    }
}
