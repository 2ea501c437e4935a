package jdit.io.safetensors;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jdit.io.CheckpointException;
import jdit.io.CheckpointFormat;
import jdit.io.MappedFile;
import jdit.io.TensorEntry;
import jdit.io.WeightStore;
import jdit.tensor.Tensor;

/** A safetensors file, memory-mapped; the header is validated on open and tensors are zero-copy views. */
public final class SafetensorsReader implements WeightStore {
    private final MappedFile file;
    private final SafetensorsHeader header;
    private final Map<String, SafetensorsHeader.Entry> byName = new LinkedHashMap<>();
    private final List<TensorEntry> entries;

    private SafetensorsReader(MappedFile file, SafetensorsHeader header) {
        this.file = file;
        this.header = header;
        for (SafetensorsHeader.Entry e : header.entries()) {
            byName.put(e.name(), e);
        }
        this.entries = header.entries().stream()
                .map(e -> new TensorEntry(e.name(), e.dtype(), e.shape(), e.end() - e.begin(), file.path()))
                .toList();
    }

    public static SafetensorsReader open(Path path) {
        MappedFile f = MappedFile.open(path);
        try {
            return new SafetensorsReader(f, SafetensorsHeader.read(f));
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    public SafetensorsHeader header() {
        return header;
    }

    @Override
    public Path source() {
        return file.path();
    }

    @Override
    public CheckpointFormat format() {
        return CheckpointFormat.SAFETENSORS;
    }

    @Override
    public List<TensorEntry> entries() {
        return entries;
    }

    @Override
    public Tensor tensor(String name) {
        SafetensorsHeader.Entry e = byName.get(name);
        if (e == null) {
            throw new CheckpointException(file.path(), "no tensor named '" + name + "'");
        }
        long start = 8 + header.headerLength() + e.begin();
        return Tensor.of(file.slice(start, e.end() - e.begin(), "tensor '" + name + "'"), e.dtype().dtype(), e.shape());
    }

    @Override
    public Map<String, String> metadata() {
        return header.metadata();
    }

    @Override
    public Optional<JsonObject> config() {
        return Optional.empty();
    }

    @Override
    public void close() {
        file.close();
    }
}
