package jdit.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only memory mapping of a whole file with bounds-checked reads: every read names the file and offset
 * when it would leave the file, so a malformed checkpoint is an exception, never a crash.
 */
public final class MappedFile implements AutoCloseable {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final Arena arena;
    private final MemorySegment segment;

    private MappedFile(Path path, Arena arena, MemorySegment segment) {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
    }

    public static MappedFile open(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new CheckpointException(path, "not a readable file");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment seg = size == 0 ? MemorySegment.NULL.reinterpret(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new MappedFile(path, arena, seg);
        } catch (IOException e) {
            arena.close();
            throw new CheckpointException(path, "cannot map: " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    public long size() {
        return segment.byteSize();
    }

    /** The bytes {@code [offset, offset + length)}, or a {@link CheckpointException} saying what lies outside the file. */
    public MemorySegment slice(long offset, long length, String what) {
        if (offset < 0 || length < 0 || offset > size() || length > size() - offset) {
            throw new CheckpointException(path, what + ": bytes [" + offset + ", " + (offset + length)
                    + ") lie outside the file (" + size() + " bytes)");
        }
        return segment.asSlice(offset, length);
    }

    public int u16(long offset, String what) {
        return slice(offset, 2, what).get(U16, 0) & 0xffff;
    }

    public long u32(long offset, String what) {
        return slice(offset, 4, what).get(U32, 0) & 0xffffffffL;
    }

    /** An unsigned 64-bit value; one that does not fit a signed long is an error. */
    public long u64(long offset, String what) {
        long v = slice(offset, 8, what).get(U64, 0);
        if (v < 0) {
            throw new CheckpointException(path, what + " at offset " + offset + " is absurdly large: " + Long.toUnsignedString(v));
        }
        return v;
    }

    public byte[] bytes(long offset, int length, String what) {
        return slice(offset, length, what).toArray(ValueLayout.JAVA_BYTE);
    }

    @Override
    public void close() {
        arena.close();
    }
}
