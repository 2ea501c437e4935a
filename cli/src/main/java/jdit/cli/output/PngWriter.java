package jdit.cli.output;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.zip.CRC32;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Writes PNGs: OpenCV encodes the pixels, then the {@code tEXt} chunks (generation parameters) are inserted after
 * IHDR, which OpenCV's encoder cannot do itself. The file is written beside its destination under a temporary name
 * and moved into place, so an interrupted run leaves no partial image.
 */
public final class PngWriter {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngWriter() {
    }

    /** The PNG bytes of {@code image} with {@code texts}. */
    public static byte[] encode(Rgb8Image image, List<PngText> texts) {
        byte[] bgr = new byte[image.rgb().length];
        for (int i = 0; i < bgr.length; i += 3) { // OpenCV's pixel order is B, G, R
            bgr[i] = image.rgb()[i + 2];
            bgr[i + 1] = image.rgb()[i + 1];
            bgr[i + 2] = image.rgb()[i];
        }
        byte[] png;
        try (BytePointer pixels = new BytePointer(bgr); Mat mat = new Mat(image.height(), image.width(), CV_8UC3, pixels);
             BytePointer out = new BytePointer()) {
            if (!imencode(".png", mat, out)) {
                throw new IllegalStateException("OpenCV could not encode a " + image.width() + "x" + image.height() + " PNG");
            }
            png = new byte[(int) out.limit()];
            out.get(png);
        }
        return withText(png, texts);
    }

    /** Writes {@code image} to {@code path} (replacing it) through a temporary file and an atomic move. */
    public static void write(Path path, Rgb8Image image, List<PngText> texts) throws IOException {
        byte[] png = encode(image, texts);
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".part");
        tmp.toFile().deleteOnExit(); // an interrupt before the move leaves nothing behind
        try {
            Files.write(tmp, png);
            readableByAll(tmp);
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Temporary files are created owner-only; an image is an ordinary rw-r--r-- file. */
    private static void readableByAll(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    /** {@code png} with one tEXt chunk per text inserted right after the IHDR chunk. */
    static byte[] withText(byte[] png, List<PngText> texts) {
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (png.length < 33 || png[i] != SIGNATURE[i]) {
                throw new IllegalArgumentException("not a PNG stream");
            }
        }
        int ihdrEnd = 8 + 4 + 4 + 13 + 4; // signature, then IHDR: length, type, 13 data bytes, CRC
        ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + 64 * texts.size());
        out.write(png, 0, ihdrEnd);
        for (PngText t : texts) {
            byte[] data = (t.keyword() + "\0" + t.text()).getBytes(StandardCharsets.ISO_8859_1);
            writeChunk(out, "tEXt", data);
        }
        out.write(png, ihdrEnd, png.length - ihdrEnd);
        return out.toByteArray();
    }

    private static void writeChunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        writeInt(out, data.length);
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        writeInt(out, (int) crc.getValue());
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }
}
