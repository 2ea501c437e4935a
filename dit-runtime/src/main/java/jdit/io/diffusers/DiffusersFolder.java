package jdit.io.diffusers;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import jdit.io.CheckpointException;
import jdit.io.CheckpointFormat;
import jdit.io.TensorEntry;
import jdit.io.WeightStore;
import jdit.io.safetensors.SafetensorsReader;
import jdit.tensor.Tensor;

/**
 * A diffusers model folder: {@code config.json} plus either one safetensors file or shards listed by an index
 * ({@code *.safetensors.index.json} with a {@code weight_map}). The index and the shards must agree exactly.
 */
public final class DiffusersFolder implements WeightStore {
    private final Path folder;
    private final JsonObject config;
    private final List<SafetensorsReader> shards;
    private final Map<String, SafetensorsReader> owner = new LinkedHashMap<>();
    private final List<TensorEntry> entries = new ArrayList<>();

    private DiffusersFolder(Path folder, JsonObject config, List<SafetensorsReader> shards) {
        this.folder = folder;
        this.config = config;
        this.shards = shards;
        for (SafetensorsReader r : shards) {
            for (TensorEntry e : r.entries()) {
                if (owner.put(e.name(), r) != null) {
                    throw new CheckpointException(e.file(), "tensor '" + e.name() + "' is also in another shard of " + folder);
                }
                entries.add(e);
            }
        }
    }

    /** True when {@code dir} looks like a diffusers model folder (a config.json and safetensors weights). */
    public static boolean isModelFolder(Path dir) {
        return Files.isRegularFile(dir.resolve("config.json")) && !safetensorsFiles(dir).isEmpty();
    }

    public static DiffusersFolder open(Path dir) {
        JsonObject config = readJson(dir.resolve("config.json"));
        List<Path> indexes;
        try (Stream<Path> s = Files.list(dir)) {
            indexes = s.filter(p -> p.getFileName().toString().endsWith(".safetensors.index.json")).sorted().toList();
        } catch (IOException e) {
            throw new CheckpointException(dir, "cannot list folder: " + e.getMessage(), e);
        }
        if (indexes.size() > 1) {
            throw new CheckpointException(dir, "more than one shard index: " + indexes);
        }
        List<SafetensorsReader> opened = new ArrayList<>();
        try {
            if (indexes.isEmpty()) {
                List<Path> files = safetensorsFiles(dir);
                // a hub folder may hold precision variants beside the main file (diffusion_pytorch_model.fp16.safetensors)
                List<Path> main = files.stream().filter(p -> p.getFileName().toString().equals(MAIN_FILE)).toList();
                if (files.size() > 1 && main.size() == 1) {
                    files = main;
                }
                if (files.size() != 1) {
                    throw new CheckpointException(dir, "without a shard index the folder must hold one .safetensors file, found " + files);
                }
                opened.add(SafetensorsReader.open(files.get(0)));
            } else {
                openSharded(indexes.get(0), opened);
            }
            return new DiffusersFolder(dir, config, List.copyOf(opened));
        } catch (RuntimeException e) {
            opened.forEach(SafetensorsReader::close);
            throw e;
        }
    }

    private static void openSharded(Path index, List<SafetensorsReader> opened) {
        JsonObject json = readJson(index);
        if (!(json.get("weight_map") instanceof JsonObject map)) {
            throw new CheckpointException(index, "no 'weight_map' object");
        }
        Map<String, Set<String>> byShard = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : map.entrySet()) {
            if (!e.getValue().isJsonPrimitive() || !e.getValue().getAsJsonPrimitive().isString()) {
                throw new CheckpointException(index, "weight_map entry '" + e.getKey() + "' is not a file name");
            }
            String shard = e.getValue().getAsString();
            if (shard.contains("/") || shard.contains("\\")) {
                throw new CheckpointException(index, "weight_map entry '" + e.getKey() + "' names a file outside the folder: " + shard);
            }
            byShard.computeIfAbsent(shard, k -> new LinkedHashSet<>()).add(e.getKey());
        }
        Path dir = index.getParent();
        for (Map.Entry<String, Set<String>> s : byShard.entrySet()) {
            Path shard = dir.resolve(s.getKey());
            if (!Files.isRegularFile(shard)) {
                throw new CheckpointException(index, "shard '" + s.getKey() + "' (holding '" + s.getValue().iterator().next()
                        + "' and " + (s.getValue().size() - 1) + " more) is missing");
            }
            SafetensorsReader r = SafetensorsReader.open(shard);
            opened.add(r);
            Set<String> actual = new LinkedHashSet<>();
            r.entries().forEach(t -> actual.add(t.name()));
            for (String name : s.getValue()) {
                if (!actual.contains(name)) {
                    throw new CheckpointException(index, "tensor '" + name + "' is mapped to shard '" + s.getKey() + "' but is not in it");
                }
            }
            actual.removeAll(s.getValue());
            if (!actual.isEmpty()) {
                throw new CheckpointException(shard, "tensor '" + actual.iterator().next() + "' is in the shard but not in the index "
                        + index.getFileName());
            }
        }
    }

    private static final String MAIN_FILE = "diffusion_pytorch_model.safetensors";

    private static List<Path> safetensorsFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static JsonObject readJson(Path file) {
        try {
            JsonElement e = JsonParser.parseString(Files.readString(file));
            if (!e.isJsonObject()) {
                throw new CheckpointException(file, "not a JSON object");
            }
            return e.getAsJsonObject();
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read: " + e.getMessage(), e);
        } catch (JsonParseException e) {
            throw new CheckpointException(file, "not well-formed JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public Path source() {
        return folder;
    }

    @Override
    public CheckpointFormat format() {
        return CheckpointFormat.DIFFUSERS_FOLDER;
    }

    @Override
    public List<TensorEntry> entries() {
        return entries;
    }

    @Override
    public Tensor tensor(String name) {
        SafetensorsReader r = owner.get(name);
        if (r == null) {
            throw new CheckpointException(folder, "no tensor named '" + name + "'");
        }
        return r.tensor(name);
    }

    @Override
    public Map<String, String> metadata() {
        return shards.get(0).metadata();
    }

    @Override
    public Optional<JsonObject> config() {
        return Optional.of(config);
    }

    @Override
    public void close() {
        shards.forEach(SafetensorsReader::close);
    }
}
