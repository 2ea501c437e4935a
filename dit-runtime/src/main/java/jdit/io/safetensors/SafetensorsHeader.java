package jdit.io.safetensors;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdit.io.CheckpointException;
import jdit.io.MappedFile;
import jdit.io.StoredDType;
import jdit.tensor.Shape;

/**
 * The parsed and fully validated JSON header of a safetensors file: tensor entries with their byte ranges (relative
 * to the data section, which starts at {@code 8 + headerLength}) and the string metadata.
 */
public record SafetensorsHeader(long headerLength, List<Entry> entries, Map<String, String> metadata) {
    /** Header lengths above this are refused before reading: real headers are a few MB at most. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    /** One tensor's description; {@code begin} and {@code end} are byte offsets in the data section. */
    public record Entry(String name, StoredDType dtype, Shape shape, long begin, long end) {
    }

    /** Reads and validates the header of {@code file}. */
    public static SafetensorsHeader read(MappedFile file) {
        Path path = file.path();
        if (file.size() < 8) {
            throw new CheckpointException(path, "truncated: " + file.size() + " bytes, a safetensors file needs at least 8");
        }
        long n = file.u64(0, "header length");
        if (n > MAX_HEADER_BYTES) {
            throw new CheckpointException(path, "header length " + n + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (n > file.size() - 8) {
            throw new CheckpointException(path, "header length " + n + " is larger than the file (" + file.size() + " bytes)");
        }
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(file.slice(8, n, "header").asByteBuffer()).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(path, "header is not valid UTF-8");
        }
        SafetensorsHeader h = parse(path, n, json);
        h.validateRanges(path, file.size() - 8 - n);
        return h;
    }

    static SafetensorsHeader parse(Path path, long headerLength, String json) {
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        try (JsonReader r = new JsonReader(new StringReader(json))) {
            r.setStrictness(Strictness.STRICT);
            if (r.peek() != JsonToken.BEGIN_OBJECT) {
                throw new CheckpointException(path, "header is not a JSON object");
            }
            r.beginObject();
            while (r.hasNext()) {
                String name = r.nextName();
                if (!seen.add(name)) {
                    throw new CheckpointException(path, "duplicate key '" + name + "' in header");
                }
                if (name.equals("__metadata__")) {
                    readMetadata(path, r, metadata);
                } else {
                    entries.add(readEntry(path, r, name));
                }
            }
            r.endObject();
            if (r.peek() != JsonToken.END_DOCUMENT) {
                throw new CheckpointException(path, "trailing data after the header's JSON object");
            }
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw new CheckpointException(path, "header is not well-formed JSON: " + e.getMessage(), e);
        }
        return new SafetensorsHeader(headerLength, List.copyOf(entries), metadata);
    }

    private static void readMetadata(Path path, JsonReader r, Map<String, String> out) throws IOException {
        if (r.peek() != JsonToken.BEGIN_OBJECT) {
            throw new CheckpointException(path, "__metadata__ must be an object of strings");
        }
        r.beginObject();
        while (r.hasNext()) {
            String k = r.nextName();
            if (r.peek() != JsonToken.STRING) {
                throw new CheckpointException(path, "__metadata__ value of '" + k + "' is not a string");
            }
            if (out.put(k, r.nextString()) != null) {
                throw new CheckpointException(path, "duplicate __metadata__ key '" + k + "'");
            }
        }
        r.endObject();
    }

    private static Entry readEntry(Path path, JsonReader r, String name) throws IOException {
        if (r.peek() != JsonToken.BEGIN_OBJECT) {
            throw new CheckpointException(path, "tensor '" + name + "': description is not an object");
        }
        String dtype = null;
        long[] shape = null;
        long[] offsets = null;
        r.beginObject();
        while (r.hasNext()) {
            switch (r.nextName()) {
                case "dtype" -> {
                    if (r.peek() != JsonToken.STRING) {
                        throw new CheckpointException(path, "tensor '" + name + "': dtype is not a string");
                    }
                    dtype = r.nextString();
                }
                case "shape" -> shape = readInts(path, r, name, "shape");
                case "data_offsets" -> offsets = readInts(path, r, name, "data_offsets");
                default -> r.skipValue();
            }
        }
        r.endObject();
        if (dtype == null || shape == null || offsets == null) {
            throw new CheckpointException(path, "tensor '" + name + "': needs dtype, shape and data_offsets");
        }
        final String dt = dtype;
        StoredDType d = StoredDType.fromSafetensors(dtype).orElseThrow(() -> new CheckpointException(path,
                "tensor '" + name + "': unknown dtype '" + dt + "' (supported: " + StoredDType.supportedNames() + ")"));
        if (offsets.length != 2 || offsets[0] > offsets[1]) {
            throw new CheckpointException(path, "tensor '" + name + "': data_offsets must be [begin, end] with begin <= end");
        }
        Shape s = Shape.of(shape);
        long expected;
        try {
            expected = Math.multiplyExact(s.numel(), (long) d.byteSize());
        } catch (ArithmeticException e) {
            throw new CheckpointException(path, "tensor '" + name + "': shape " + s + " is too large");
        }
        if (expected != offsets[1] - offsets[0]) {
            throw new CheckpointException(path, "tensor '" + name + "': shape " + s + " x " + d.safetensorsName()
                    + " needs " + expected + " bytes but data_offsets " + offsets[0] + ".." + offsets[1] + " hold "
                    + (offsets[1] - offsets[0]));
        }
        return new Entry(name, d, s, offsets[0], offsets[1]);
    }

    private static long[] readInts(Path path, JsonReader r, String name, String field) throws IOException {
        if (r.peek() != JsonToken.BEGIN_ARRAY) {
            throw new CheckpointException(path, "tensor '" + name + "': " + field + " is not an array");
        }
        List<Long> v = new ArrayList<>();
        r.beginArray();
        while (r.hasNext()) {
            if (r.peek() != JsonToken.NUMBER) {
                throw new CheckpointException(path, "tensor '" + name + "': " + field + " holds a non-number");
            }
            String num = r.nextString();
            long x;
            try {
                x = Long.parseLong(num);
            } catch (NumberFormatException e) {
                throw new CheckpointException(path, "tensor '" + name + "': " + field + " holds '" + num + "', not an integer");
            }
            if (x < 0) {
                throw new CheckpointException(path, "tensor '" + name + "': " + field + " holds negative " + x);
            }
            v.add(x);
        }
        r.endArray();
        return v.stream().mapToLong(Long::longValue).toArray();
    }

    /** Every range inside the data section and no two ranges overlapping. */
    private void validateRanges(Path path, long dataBytes) {
        List<Entry> byBegin = new ArrayList<>(entries);
        byBegin.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        Entry prev = null;
        for (Entry e : byBegin) {
            if (e.end() > dataBytes) {
                throw new CheckpointException(path, "tensor '" + e.name() + "': data_offsets " + e.begin() + ".." + e.end()
                        + " lie outside the data section (" + dataBytes + " bytes); the file may be truncated");
            }
            if (prev != null && e.begin() < prev.end() && e.end() > e.begin()) {
                throw new CheckpointException(path, "tensors '" + prev.name() + "' (" + prev.begin() + ".." + prev.end()
                        + ") and '" + e.name() + "' (" + e.begin() + ".." + e.end() + ") overlap");
            }
            if (e.end() > e.begin()) {
                prev = e;
            }
        }
    }
}
