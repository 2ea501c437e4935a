package jdit.io;

import java.nio.file.Path;
import jdit.tensor.Shape;

/** One tensor of a checkpoint as its file describes it: no data is read to list it. */
public record TensorEntry(String name, StoredDType dtype, Shape shape, long byteSize, Path file) {
    public long numel() {
        return shape.numel();
    }
}
