package jdit.io;

import java.nio.file.Path;

/** A checkpoint that cannot be read as it should: the message names the file and the key, offset or global at fault. */
public class CheckpointException extends RuntimeException {
    private final transient Path file;

    public CheckpointException(Path file, String detail) {
        super(file + ": " + detail);
        this.file = file;
    }

    public CheckpointException(Path file, String detail, Throwable cause) {
        super(file + ": " + detail, cause);
        this.file = file;
    }

    /** The file (or folder) at fault. */
    public Path file() {
        return file;
    }
}
