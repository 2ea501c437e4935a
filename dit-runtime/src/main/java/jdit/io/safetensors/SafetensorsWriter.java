package jdit.io.safetensors;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import jdit.io.StoredDType;
import jdit.tensor.DType;
import jdit.tensor.Shape;
import jdit.tensor.Tensor;

/**
 * Writes tensors and string metadata as a safetensors file. The file is written under a temporary name in the
 * target folder and moved into place at the end, so a failure never leaves a half-written file behind.
 */
public final class SafetensorsWriter {
    private static final int CHUNK = 1 << 26;

    private SafetensorsWriter() {
    }

    /**
     * A tensor to write, declared by name, dtype and shape and made only when its turn comes, so that a converted
     * checkpoint never needs to be in memory at once. {@code data} receives an arena that is closed after the write.
     */
    public record PendingTensor(String name, DType dtype, Shape shape, java.util.function.Function<Arena, Tensor> data) {
        long byteSize() {
            return shape.numel() * dtype.byteSize();
        }
    }

    /** Writes {@code tensors} in iteration order (any layout; non-contiguous views are copied) with {@code metadata}. */
    public static void write(Path target, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        java.util.List<PendingTensor> pending = new java.util.ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            pending.add(new PendingTensor(e.getKey(), t.dtype(), t.shape(), arena -> t));
        }
        write(target, pending, metadata);
    }

    /** Writes the tensors in order, making each when it is written; each made tensor must match its declaration. */
    public static void write(Path target, java.util.List<PendingTensor> tensors, Map<String, String> metadata) throws IOException {
        byte[] header = header(tensors, metadata);
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".part");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            writeFully(ch, len);
            writeFully(ch, ByteBuffer.wrap(header));
            for (PendingTensor p : tensors) {
                try (Arena arena = Arena.ofConfined()) {
                    Tensor t = p.data().apply(arena);
                    if (t.dtype() != p.dtype() || !t.shape().equals(p.shape())) {
                        throw new IllegalStateException("tensor '" + p.name() + "' was declared " + p.dtype() + " " + p.shape()
                                + " but made " + t.dtype() + " " + t.shape());
                    }
                    Tensor c = t.isContiguous() ? t : copy(arena, t);
                    MemorySegment data = c.data();
                    for (long off = 0; off < data.byteSize(); off += CHUNK) {
                        writeFully(ch, data.asSlice(off, Math.min(CHUNK, data.byteSize() - off)).asByteBuffer());
                    }
                }
            }
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Tensor copy(Arena arena, Tensor t) {
        Tensor c = Tensor.allocate(arena, t.dtype(), t.shape());
        t.copyTo(c);
        return c;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** The JSON header, padded with spaces to a multiple of 8 bytes so that the data section is aligned. */
    static byte[] header(java.util.List<PendingTensor> tensors, Map<String, String> metadata) throws IOException {
        StringWriter sw = new StringWriter();
        try (JsonWriter w = new JsonWriter(sw)) {
            w.beginObject();
            if (!metadata.isEmpty()) {
                w.name("__metadata__").beginObject();
                for (Map.Entry<String, String> m : metadata.entrySet()) {
                    w.name(m.getKey()).value(m.getValue());
                }
                w.endObject();
            }
            long offset = 0;
            java.util.Set<String> names = new java.util.HashSet<>();
            for (PendingTensor t : tensors) {
                if (t.name().equals("__metadata__")) {
                    throw new IllegalArgumentException("'__metadata__' is reserved and cannot name a tensor");
                }
                if (!names.add(t.name())) {
                    throw new IllegalArgumentException("tensor '" + t.name() + "' is written twice");
                }
                w.name(t.name()).beginObject();
                w.name("dtype").value(StoredDType.of(t.dtype()).safetensorsName());
                w.name("shape").beginArray();
                for (long d : t.shape().toArray()) {
                    w.value(d);
                }
                w.endArray();
                w.name("data_offsets").beginArray().value(offset).value(offset + t.byteSize()).endArray();
                w.endObject();
                offset += t.byteSize();
            }
            w.endObject();
        }
        StringBuilder s = new StringBuilder(sw.toString());
        while (s.toString().getBytes(StandardCharsets.UTF_8).length % 8 != 0) {
            s.append(' ');
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }
}
