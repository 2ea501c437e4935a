package jdit.io.torch;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jdit.io.CheckpointException;
import jdit.io.CheckpointFormat;
import jdit.io.MappedFile;
import jdit.io.TensorEntry;
import jdit.io.WeightStore;
import jdit.io.torch.PickleValues.TensorRef;
import jdit.tensor.Shape;
import jdit.tensor.Tensor;

/**
 * A PyTorch checkpoint in the zip format of {@code torch.save} (torch >= 1.6): {@code <archive>/data.pkl} is read
 * with the {@link RestrictedUnpickler}, and each tensor is a zero-copy strided view of its storage
 * {@code <archive>/data/<key>}.
 *
 * <p>When the top-level dict holds no tensors itself, the state dict is taken from its {@code "ema"},
 * {@code "state_dict"} or {@code "model"} entry, in that order: {@code "ema"} first because DiT's own
 * {@code find_model} loads the EMA weights of a training checkpoint.
 */
public final class TorchZipReader implements WeightStore {
    static final List<String> NESTED_KEYS = List.of("ema", "state_dict", "model");
    /** The first bytes of the pre-1.6 format: a pickled magic number. */
    private static final int[] LEGACY_MAGIC = {0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};

    private final MappedFile file;
    private final Map<String, TensorRef> refs;
    private final Map<String, Long> storageOffsets;
    private final List<TensorEntry> entries = new ArrayList<>();
    private final String chosen;

    private TorchZipReader(MappedFile file, Map<String, TensorRef> refs, Map<String, Long> storageOffsets, String chosen) {
        this.file = file;
        this.refs = refs;
        this.storageOffsets = storageOffsets;
        this.chosen = chosen;
        refs.forEach((name, r) -> {
            entries.add(new TensorEntry(name, r.storage().dtype(), Shape.of(r.size()),
                    Shape.of(r.size()).numel() * r.storage().dtype().byteSize(), file.path()));
            tensor(name); // validates every view against its storage now, not at first use
        });
    }

    /** True when the file starts with the legacy (pre-1.6, non-zip) torch.save magic. */
    public static boolean isLegacyFormat(MappedFile f) {
        if (f.size() < LEGACY_MAGIC.length) {
            return false;
        }
        byte[] b = f.bytes(0, LEGACY_MAGIC.length, "magic");
        for (int i = 0; i < b.length; i++) {
            if ((b[i] & 0xff) != LEGACY_MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    public static TorchZipReader open(Path path) {
        MappedFile f = MappedFile.open(path);
        try {
            return read(f);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    private static TorchZipReader read(MappedFile f) {
        Path path = f.path();
        if (isLegacyFormat(f)) {
            throw new CheckpointException(path, "legacy (pre-1.6) torch.save format is not supported: "
                    + "re-save it with torch >= 1.6 (torch.save(torch.load(f), f2))");
        }
        if (!ZipDirectory.looksLikeZip(f)) {
            throw new CheckpointException(path, "not a zip archive (PyTorch checkpoints written by torch >= 1.6 are)");
        }
        ZipDirectory zip = ZipDirectory.read(f);
        List<String> pkls = zip.entries().keySet().stream().filter(n -> n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - 9).toList();
        if (pkls.size() != 1) {
            throw new CheckpointException(path, "expected one '<archive>/data.pkl' entry, found " + pkls);
        }
        String pkl = pkls.get(0);
        String prefix = pkl.substring(0, pkl.length() - "data.pkl".length());
        ZipDirectory.Entry pe = zip.entries().get(pkl);
        Object root;
        try {
            root = RestrictedUnpickler.load(path, pkl, f.slice(zip.dataOffset(pe), pe.size(), pkl));
        } catch (StackOverflowError e) {
            throw new CheckpointException(path, pkl + ": the pickle nests containers too deeply to be a state dict");
        }
        Selected sel = select(path, root);
        Map<String, Long> offsets = new LinkedHashMap<>();
        for (Map.Entry<String, TensorRef> e : sel.tensors().entrySet()) {
            String key = prefix + "data/" + e.getValue().storage().key();
            ZipDirectory.Entry se = zip.entries().get(key);
            if (se == null) {
                throw new CheckpointException(path, "storage '" + key + "' of tensor '" + e.getKey() + "' is missing from the archive");
            }
            long need = e.getValue().storage().numel() * e.getValue().storage().dtype().byteSize();
            if (se.size() < need) {
                throw new CheckpointException(path, "storage '" + key + "' of tensor '" + e.getKey() + "' holds " + se.size()
                        + " bytes, its pickle says " + need);
            }
            offsets.put(e.getValue().storage().key(), zip.dataOffset(se));
        }
        return new TorchZipReader(f, sel.tensors(), offsets, sel.from());
    }

    private record Selected(Map<String, TensorRef> tensors, String from) {
    }

    private static Selected select(Path path, Object root) {
        if (!(root instanceof Map<?, ?> top)) {
            throw new CheckpointException(path, "the pickle holds a " + root.getClass().getSimpleName() + ", not a state dict");
        }
        Map<String, TensorRef> direct = tensorsOf(path, top);
        if (!direct.isEmpty()) {
            return new Selected(direct, "");
        }
        for (String k : NESTED_KEYS) {
            if (top.get(k) instanceof Map<?, ?> nested) {
                Map<String, TensorRef> t = tensorsOf(path, nested);
                if (!t.isEmpty()) {
                    return new Selected(t, k);
                }
            }
        }
        throw new CheckpointException(path, "no tensors at the top level nor under " + NESTED_KEYS + " (" + top.size() + " keys)");
    }

    private static Map<String, TensorRef> tensorsOf(Path path, Map<?, ?> m) {
        Map<String, TensorRef> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (e.getValue() instanceof TensorRef t) {
                if (!(e.getKey() instanceof String name)) {
                    throw new CheckpointException(path, "tensor under a non-string key " + e.getKey());
                }
                out.put(name, t);
            }
        }
        return out;
    }

    /** Which nested dict the tensors came from ({@code "ema"}, ...), or empty for a plain state dict. */
    public String nestedKey() {
        return chosen;
    }

    @Override
    public Path source() {
        return file.path();
    }

    @Override
    public CheckpointFormat format() {
        return CheckpointFormat.PYTORCH_ZIP;
    }

    @Override
    public List<TensorEntry> entries() {
        return entries;
    }

    @Override
    public Tensor tensor(String name) {
        TensorRef r = refs.get(name);
        if (r == null) {
            throw new CheckpointException(file.path(), "no tensor named '" + name + "'");
        }
        PickleValues.StorageRef s = r.storage();
        long bytes = s.numel() * s.dtype().byteSize();
        long start = storageOffsets.get(s.key());
        try {
            return Tensor.view(file.slice(start, bytes, "storage of '" + name + "'"), s.dtype().dtype(),
                    Shape.of(r.size()), r.stride(), r.offset());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file.path(), "tensor '" + name + "' does not fit its storage: " + e.getMessage());
        }
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
        file.close();
    }
}
