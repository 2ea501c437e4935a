package jdit.io.torch;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import jdit.io.CheckpointException;
import jdit.io.MappedFile;

/**
 * The central directory of a zip archive read over a mapped file, with ZIP64 records (checkpoints exceed 4 GiB).
 * Only STORED entries can be read: torch.save writes its storages uncompressed, which makes them zero-copy.
 */
public final class ZipDirectory {
    private static final long EOCD_SIG = 0x06054b50L;
    private static final long ZIP64_LOCATOR_SIG = 0x07064b50L;
    private static final long ZIP64_EOCD_SIG = 0x06064b50L;
    private static final long CENTRAL_SIG = 0x02014b50L;
    private static final long LOCAL_SIG = 0x04034b50L;
    private static final int STORED = 0;

    /** One member: its compression method, sizes and where its header sits. */
    public record Entry(String name, int method, long compressedSize, long size, long localHeaderOffset) {
    }

    private final MappedFile file;
    private final Map<String, Entry> entries;

    private ZipDirectory(MappedFile file, Map<String, Entry> entries) {
        this.file = file;
        this.entries = entries;
    }

    /** True when the file starts like a zip archive. */
    public static boolean looksLikeZip(MappedFile file) {
        return file.size() >= 4 && file.u32(0, "magic") == LOCAL_SIG;
    }

    public static ZipDirectory read(MappedFile file) {
        Path path = file.path();
        long eocd = findEndRecord(file);
        long count = file.u16(eocd + 10, "zip entry count");
        long cdSize = file.u32(eocd + 12, "central directory size");
        long cdOffset = file.u32(eocd + 16, "central directory offset");
        if (count == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL) {
            long loc = eocd - 20;
            if (loc < 0 || file.u32(loc, "zip64 locator") != ZIP64_LOCATOR_SIG) {
                throw new CheckpointException(path, "zip64 end record expected but its locator is missing at offset " + loc);
            }
            long z = file.u64(loc + 8, "zip64 end record offset");
            if (file.u32(z, "zip64 end record") != ZIP64_EOCD_SIG) {
                throw new CheckpointException(path, "no zip64 end record at offset " + z);
            }
            count = file.u64(z + 32, "zip64 entry count");
            cdSize = file.u64(z + 40, "zip64 central directory size");
            cdOffset = file.u64(z + 48, "zip64 central directory offset");
        }
        file.slice(cdOffset, cdSize, "central directory");
        Map<String, Entry> entries = new LinkedHashMap<>();
        long p = cdOffset;
        for (long i = 0; i < count; i++) {
            if (file.u32(p, "central directory entry") != CENTRAL_SIG) {
                throw new CheckpointException(path, "bad central directory entry " + i + " at offset " + p);
            }
            int method = file.u16(p + 10, "compression method");
            long csize = file.u32(p + 20, "compressed size");
            long size = file.u32(p + 24, "size");
            int nameLen = file.u16(p + 28, "name length");
            int extraLen = file.u16(p + 30, "extra length");
            int commentLen = file.u16(p + 32, "comment length");
            long local = file.u32(p + 42, "local header offset");
            String name = new String(file.bytes(p + 46, nameLen, "entry name"), StandardCharsets.UTF_8);
            long extra = p + 46 + nameLen;
            long[] z64 = zip64Fields(file, extra, extraLen, size == 0xffffffffL, csize == 0xffffffffL, local == 0xffffffffL);
            if (size == 0xffffffffL) {
                size = z64[0];
            }
            if (csize == 0xffffffffL) {
                csize = z64[1];
            }
            if (local == 0xffffffffL) {
                local = z64[2];
            }
            if (entries.put(name, new Entry(name, method, csize, size, local)) != null) {
                throw new CheckpointException(path, "zip entry '" + name + "' appears twice");
            }
            p = extra + extraLen + commentLen;
        }
        return new ZipDirectory(file, entries);
    }

    private static long findEndRecord(MappedFile file) {
        long min = Math.max(0, file.size() - 22 - 65535);
        for (long p = file.size() - 22; p >= min; p--) {
            if (file.u32(p, "end of central directory") == EOCD_SIG) {
                return p;
            }
        }
        throw new CheckpointException(file.path(), "no zip end-of-central-directory record: the archive is truncated or not a zip");
    }

    /** Reads the ZIP64 extended-information extra field: the values present are those whose 32-bit field was 0xffffffff. */
    private static long[] zip64Fields(MappedFile file, long start, int len, boolean size, boolean csize, boolean local) {
        long[] out = new long[3];
        if (!size && !csize && !local) {
            return out;
        }
        for (long q = start; q + 4 <= start + len; ) {
            int id = file.u16(q, "extra field id");
            int dlen = file.u16(q + 2, "extra field length");
            if (id == 0x0001) {
                long r = q + 4;
                if (size) {
                    out[0] = file.u64(r, "zip64 size");
                    r += 8;
                }
                if (csize) {
                    out[1] = file.u64(r, "zip64 compressed size");
                    r += 8;
                }
                if (local) {
                    out[2] = file.u64(r, "zip64 local header offset");
                }
                return out;
            }
            q += 4 + dlen;
        }
        throw new CheckpointException(file.path(), "zip64 sizes announced but no zip64 extra field at offset " + start);
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    /** The byte offset of an entry's data in the file, checked to lie inside it; the entry must be STORED. */
    public long dataOffset(Entry e) {
        if (e.method() != STORED) {
            throw new CheckpointException(file.path(), "zip entry '" + e.name() + "' is compressed (method " + e.method()
                    + "); torch.save writes storages uncompressed, so this archive was repacked: re-save it with torch.save");
        }
        if (file.u32(e.localHeaderOffset(), "local header of '" + e.name() + "'") != LOCAL_SIG) {
            throw new CheckpointException(file.path(), "bad local header for '" + e.name() + "' at offset " + e.localHeaderOffset());
        }
        long data = e.localHeaderOffset() + 30 + file.u16(e.localHeaderOffset() + 26, "name length")
                + file.u16(e.localHeaderOffset() + 28, "extra length");
        file.slice(data, e.size(), "data of zip entry '" + e.name() + "'");
        return data;
    }
}
